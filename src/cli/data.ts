/** `parley data list` and `parley data show NAME`. */
import { listBuiltinDatasets } from '../data/datasets.js';
import type { LoadedManifest } from '../data/manifest.js';
import { PROVENANCE, tariffProvenance } from '../data/provenance.js';
import { fileRef } from '../data/datasets.js';
import type { World } from '../data/world.js';
import { computeBaseline } from '../model/baseline.js';
import { money, textTable } from '../report/format.js';
import { openDatasetFast, openScheduledDatasetFast } from './datasets.js';
import { cacheDir, clearCache } from '../data/cache.js';
import { printJson } from './common.js';

/** What `data list` and `data show` say about a data set as a whole. */
function summary(loaded: LoadedManifest, world: World) {
  let total = 0;
  for (let k = 0; k < world.Z.length; k++) total += world.Z[k];
  const m = loaded.manifest;
  return {
    name: m.name,
    title: m.title ?? null,
    year: m.year ?? null,
    currency: m.currency,
    economies: world.N,
    sectors: world.sectors,
    total_flows: total,
    provenance: world.meta.provenance ?? null,
    notes: world.meta.notes ?? [],
    source_note: `${loaded.dir}/${m.source}`,
  };
}

function provenanceText(p: Record<string, number> | null): string {
  if (!p) return 'not stated';
  return PROVENANCE.filter((k) => p[k] > 0).map((k) => `${k} ${(p[k] * 100).toFixed(1)}%`).join(', ');
}

export async function dataListCommand(o: { json?: boolean }): Promise<void> {
  const rows = [];
  for (const name of listBuiltinDatasets()) {
    const { loaded, world } = await openDatasetFast(name);
    rows.push(summary(loaded, world));
  }
  if (o.json) return printJson(rows);
  process.stdout.write(`${textTable(rows, [
    { header: 'name', value: (r) => r.name, right: false },
    { header: 'year', value: (r) => String(r.year ?? '') },
    { header: 'economies', value: (r) => String(r.economies) },
    { header: 'sectors', value: (r) => String(r.sectors.length) },
    { header: 'flows', value: (r) => `${money(r.total_flows)} ${r.currency}` , right: false },
    { header: 'provenance (share of value)', value: (r) => provenanceText(r.provenance), right: false },
  ])}\n`);
}

export async function dataShowCommand(name: string, o: { json?: boolean }): Promise<void> {
  const opened = await openScheduledDatasetFast(name);
  const { loaded, world } = opened;
  const base = computeBaseline(world);
  const economies = world.codes.map((code, j) => ({
    code,
    name: world.names[j],
    output: base.Y[j],
    expenditure: base.E[j],
    tariff_revenue: base.R[j],
    deficit: base.D[j],
  }));
  const info = summary(loaded, world);
  const tariffs = loaded.manifest.tariffs ? fileRef(loaded.dir, loaded.manifest.tariffs) : undefined;
  const tariff_provenance = tariffs ? tariffProvenance(tariffs.file, tariffs.columns, world) ?? null : null;
  const schedule = loaded.manifest.measures || loaded.manifest.sector_shares ? opened.schedule : undefined;
  const extra = schedule
    ? {
        measures: schedule.measures.length,
        first_effective: schedule.measures.reduce<string | null>((a, m) => (a === null || m.effective < a ? m.effective : a), null),
        sector_shares: schedule.shares ? { sectors: schedule.shares.sectors, pairs: schedule.shares.shares.size, provenance: Object.fromEntries(schedule.shares.provenance) } : null,
      }
    : {};
  if (o.json) return printJson({ ...info, tariff_provenance, ...extra, economies: economies, economy_count: world.N });
  const out = (s = '') => process.stdout.write(`${s}\n`);
  out(`${info.name}: ${info.title ?? ''}`);
  out(`year ${info.year ?? '?'}, values in ${info.currency}; ${world.N} economies, ${world.S} sector(s): ${world.sectors.join(', ')}`);
  out(`total flows ${money(info.total_flows)} (domestic included); source note: ${info.source_note}`);
  out(`provenance (share of flow value): ${provenanceText(info.provenance)}`);
  if (tariff_provenance) {
    const order = [...PROVENANCE, 'none'];
    const parts = Object.entries(tariff_provenance).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
    out(`tariffs (share of international goods flow value, by the provenance of its baseline rate): ${parts.map(([p, v]) => `${p === 'none' ? 'no row (rate 0)' : p} ${(100 * v).toFixed(1)}%`).join(', ')}`);
  }
  for (const n of info.notes) out(`  - ${n}`);
  if (schedule) {
    if (schedule.shares) {
      const est = [...schedule.shares.provenance].filter(([, p]) => p === 'estimated').map(([k]) => k.split('|')[1]);
      out(`sector shares for ${schedule.shares.shares.size} flows over ${schedule.shares.sectors.join(', ')}${est.length ? `; borrowed from a group (estimated) for ${est.join(', ')}` : ''}`);
    }
    if (schedule.measures.length) out(`${schedule.measures.length} dated measures from ${'first_effective' in extra ? extra.first_effective : ''}: see \`parley tariffs --data ${info.name} --at DATE\``);
  }
  out();
  out(textTable(economies, [
    { header: 'code', value: (r) => r.code, right: false },
    { header: 'name', value: (r) => r.name, right: false },
    { header: 'output', value: (r) => money(r.output) },
    { header: 'expenditure', value: (r) => money(r.expenditure) },
    { header: 'tariff revenue', value: (r) => money(r.tariff_revenue) },
    { header: 'deficit', value: (r) => money(r.deficit) },
  ]));
}

/** `parley data cache [--clear]`: where built data sets are cached, and emptying it. */
export function dataCacheCommand(o: { clear?: boolean }): void {
  if (o.clear) {
    const { dir, removed } = clearCache();
    process.stdout.write(dir ? `removed ${removed} cached data set(s) from ${dir}\n` : 'the cache is off (PARLEY_CACHE_DIR=off)\n');
    return;
  }
  const dir = cacheDir();
  process.stdout.write(dir ? `${dir}\n(built data sets are cached here; set PARLEY_CACHE_DIR to move it, or to "off"; --clear empties it)\n` : 'the cache is off (PARLEY_CACHE_DIR=off)\n');
}

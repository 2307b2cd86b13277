/** `parley data list` and `parley data show NAME`. */
import { listBuiltinDatasets, readManifest, resolveManifest, worldFromManifest } from '../data/manifest.js';
import { computeBaseline } from '../model/baseline.js';
import { money, textTable } from '../report/format.js';
import { printJson } from './common.js';

export function dataListCommand(o: { json?: boolean }): void {
  const rows = listBuiltinDatasets().map((name) => {
    const { manifest } = readManifest(resolveManifest(name));
    return { name, title: manifest.title ?? '', year: manifest.year ?? null, currency: manifest.currency };
  });
  if (o.json) return printJson(rows);
  process.stdout.write(`${textTable(rows, [
    { header: 'name', value: (r) => r.name, right: false },
    { header: 'year', value: (r) => String(r.year ?? '') },
    { header: 'title', value: (r) => r.title, right: false },
  ])}\n`);
}

export function dataShowCommand(name: string, o: { json?: boolean }): void {
  const loaded = readManifest(resolveManifest(name));
  const world = worldFromManifest(loaded);
  const base = computeBaseline(world);
  const economies = world.codes.map((code, j) => ({
    code,
    name: world.names[j],
    output: base.Y[j],
    expenditure: base.E[j],
    tariff_revenue: base.R[j],
    deficit: base.D[j],
  }));
  const info = {
    name: loaded.manifest.name,
    title: loaded.manifest.title ?? null,
    year: loaded.manifest.year ?? null,
    currency: loaded.manifest.currency,
    source_note: loaded.manifest.source,
    economies: world.N,
    sectors: world.sectors,
    world_output: base.Y.reduce((a, b) => a + b, 0),
  };
  if (o.json) return printJson({ ...info, economies });
  const out = (s = '') => process.stdout.write(`${s}\n`);
  out(`${info.name}: ${info.title ?? ''}`);
  out(`year ${info.year ?? '?'}, values in ${info.currency}; ${world.N} economies, ${world.S} sector(s): ${world.sectors.join(', ')}`);
  out(`world output ${money(info.world_output)}; source note: ${loaded.dir}/${info.source_note}`);
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

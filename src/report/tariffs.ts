/** The tariff schedule on a date, as JSON and as text. */
import type { World } from '../data/world.js';
import type { Schedule, TariffsAt } from '../schedule/schedule.js';
import { points, textTable } from './format.js';

const pct = (x: number) => points(x);

/** The `parley tariffs --json` object. Rates are fractions of the total applied tariff (1.45 = 145%). */
export function tariffsJson(world: World, schedule: Schedule, at: TariffsAt) {
  const used = new Set(at.inForce.flatMap((m) => [m.rateParam, m.shareParam, m.coversParam]).filter((p): p is string => !!p));
  return {
    date: at.date,
    data: world.meta.name,
    as_known: at.asKnown,
    rates: at.cells,
    superseded: at.superseded,
    measures_in_force: at.inForce.map((m) => ({ id: m.id, authority: m.authority, action: m.action, importer: m.importer, exporters: m.exporters, except: m.except, sectors: m.sectors, rate: m.rate, share: m.share, announced: m.announced, effective: m.effective, until: m.until ?? null, event: m.event ?? null, note: m.note ?? null })),
    parameters: [...schedule.parameters.values()].filter((p) => used.has(p.name)),
  };
}

/** Importer x exporter matrix of overall rates, the sector detail of split flows, and the measures in force. */
export function tariffsText(world: World, schedule: Schedule, at: TariffsAt): string {
  const out: string[] = [];
  out.push(`Tariffs in force on ${at.date} (${world.meta.name}; ${at.asKnown ? 'only measures announced by that day' : 'the law as eventually written, retroactive changes included'})`);
  out.push('');
  out.push('Applied tariff (%) of each importer (row) on each exporter (column), baseline included, trade-weighted over sectors:');
  const all = new Map(at.cells.filter((c) => c.sector === 'ALL').map((c) => [`${c.importer}|${c.exporter}`, c.rate]));
  out.push(
    textTable(world.codes, [
      { header: 'importer', value: (r) => r, right: false },
      ...world.codes.map((e) => ({ header: e, value: (r: string) => (r === e ? '-' : pct(all.get(`${r}|${e}`) ?? 0)) })),
    ]),
  );
  const sectors = schedule.shares?.sectors ?? (world.S > 1 ? world.sectors : []);
  const split = at.cells.filter((c) => c.sector !== 'ALL');
  for (const importer of new Set(split.map((c) => c.importer))) {
    const rows = world.codes.filter((e) => split.some((c) => c.importer === importer && c.exporter === e));
    const rate = (e: string, s: string) => at.cells.find((c) => c.importer === importer && c.exporter === e && c.sector === s)?.rate ?? NaN;
    out.push('');
    out.push(`${importer} tariffs by sector (%), and the trade-weighted ALL:`);
    out.push(textTable(rows, [{ header: 'exporter', value: (e) => e, right: false }, ...[...sectors, 'ALL'].map((s) => ({ header: s, value: (e: string) => pct(rate(e, s)) }))]));
  }
  out.push('');
  if (at.inForce.length === 0) out.push('No measures in force: the baseline tariffs apply.');
  else {
    out.push('Measures in force:');
    const superseded = new Set(at.superseded);
    for (const m of at.inForce.filter((x) => !superseded.has(x.id))) {
      const scope = `${m.importer} on ${m.exporters === '*' ? 'all' : m.exporters.join(', ')}${m.except.length ? ` except ${m.except.join(', ')}` : ''}${m.sectors === '*' ? '' : ` [${m.sectors.join(', ')}]`}`;
      const duty = m.action === 'exempt' ? 'exempt' : `${m.action === 'pause' ? 'capped at ' : ''}${pct(m.rate)}%${m.share < 1 ? ` on ${pct(m.share)}% of the flow` : ''}`;
      out.push(`  ${m.id}: ${m.authority} ${duty}, ${scope}, from ${m.effective}${m.until ? ` to ${m.until}` : ''}${m.note ? `. ${m.note}` : ''}`);
    }
    if (superseded.size) out.push(`  (in force but setting no rate today: replaced by later rates or suspended: ${at.superseded.join(', ')})`);
  }
  const used = tariffsJson(world, schedule, at).parameters;
  if (used.length) {
    out.push('');
    out.push('Parameters used:');
    for (const p of used) out.push(`  ${p.name} = ${p.value} (${p.kind}): ${p.why}`);
  }
  return out.join('\n');
}

/**
 * Goods totals per pair (exporter, importer, value): a data set whose sector mix comes from one source (an
 * input-output table) and whose bilateral goods totals come from another (customs data such as BACI) scales each
 * named pair's goods flows to its total, keeping the pair's split over goods sectors. Services, domestic flows and
 * pairs not named keep their values; final-demand shares are derived again from the scaled flows.
 */
import { basename } from 'node:path';
import { DataError } from '../errors.js';
import { numberAt, readCsv } from './csv.js';
import { finalDemandShares } from './io.js';
import { PROVENANCE, PROVENANCE_CODE, type ProvenanceSummary } from './provenance.js';
import { lookupText, type FlowSource } from './tables.js';
import { createWorld, MAX_FLOW, type World } from './world.js';

/** The world with each listed pair's goods flows (sectors not in `services`) scaled to the pair's total. */
export function withPairTotals(world: World, src: FlowSource, services: readonly string[]): World {
  const { N, S, codes, sectors } = world;
  const table = readCsv(src.file, ['exporter', 'importer', 'value'], src.columns);
  const ix = new Map(codes.map((c, k) => [c, k]));
  const goods = sectors.map((_, s) => s).filter((s) => !services.includes(sectors[s]));
  const [ce, ci, cv] = ['exporter', 'importer', 'value'].map((c) => table.column(c));
  const Z = Float64Array.from(world.Z);
  const prov = world.provenance ? Uint8Array.from(world.provenance) : undefined;
  const firstLine = new Int32Array(N * N);
  let before = 0;
  let after = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let r = 0; r < table.count; r++) {
    const line = table.line(r);
    const i = lookupText(table, r, ce, ix, 'economy');
    const j = lookupText(table, r, ci, ix, 'economy');
    const where = { file: table.file, line, column: 'exporter' };
    if (i === j) throw new DataError(`${codes[i]}->${codes[j]} is a domestic flow; only trade between two economies is scaled`, where);
    if (firstLine[i * N + j]) throw new DataError(`duplicate total ${codes[i]}->${codes[j]} (first given at line ${firstLine[i * N + j]})`, where);
    firstLine[i * N + j] = line;
    const total = numberAt(table, r, cv, { above: 0, max: MAX_FLOW, expected: 'a goods total > 0 in the data set currency' });
    let have = 0;
    for (const s of goods) have += Z[(i * N + j) * S + s];
    if (!(have > 0)) throw new DataError(`${codes[i]}->${codes[j]} has no goods flow to scale (its sector mix is unknown); expected a pair that trades goods`, { ...where, column: 'value' });
    const f = total / have;
    for (const s of goods) {
      const k = (i * N + j) * S + s;
      Z[k] *= f;
      if (prov && Z[k] > 0) prov[k] = Math.max(prov[k], PROVENANCE_CODE.derived);
    }
    before += have;
    after += total;
    lo = Math.min(lo, f);
    hi = Math.max(hi, f);
  }
  // Final demand derived again from the scaled flows, once: its shares for the world, its clipped cells for the note.
  const clippedBefore = world.io ? finalDemandShares(N, S, world.Z, world.t, world.io.gamma).clipped.length : 0;
  const demand = world.io ? finalDemandShares(N, S, Z, world.t, world.io.gamma) : undefined;
  const clipped = demand ? demand.clipped.length : 0;
  const meta = { ...world.meta, ...(world.meta.provenance ? { provenance: scaledSummary(world.meta.provenance, world.Z, before, after) } : {}) };
  const scaled = createWorld({ ...world, Z, provenance: prov, meta, ...(world.io && demand ? { io: { ...world.io, alpha: demand.alpha } } : {}) });
  const note = `goods flows of ${table.count} pairs scaled to the totals in ${basename(src.file)} (factors ${lo.toFixed(2)}-${hi.toFixed(2)}; ${fmt(before)} -> ${fmt(after)} ${world.meta.currency}), each pair's sector mix kept${clipped > clippedBefore ? `; ${clipped - clippedBefore} more economy-sector cells with intermediate use above spending (final demand 0)` : ''}`;
  return { ...scaled, meta: { ...scaled.meta, notes: [...(scaled.meta.notes ?? []), note] } };
}

/**
 * The provenance summary (computed before aggregation, so not from the aggregated cells) with the scaled value
 * counted as derived: what was scaled is taken out in the data set's overall mix.
 */
function scaledSummary(summary: ProvenanceSummary, Z: Float64Array, before: number, after: number): ProvenanceSummary {
  let total = 0;
  for (let k = 0; k < Z.length; k++) total += Z[k];
  const kept = (total - before) / (total - before + after);
  const out = Object.fromEntries(PROVENANCE.map((p) => [p, summary[p] * kept])) as ProvenanceSummary;
  out.derived += after / (total - before + after);
  return out;
}

function fmt(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

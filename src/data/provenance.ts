/**
 * Where each flow value comes from. A data set can mix figures an importer
 * reported, mirror figures the exporter reported, values derived from other
 * published numbers (domestic sales as GDP minus exports) and estimates
 * (floors, shares borrowed from a group). Users weigh results by this.
 */
import { readCsv } from './csv.js';
import { goodsSectors, type World } from './world.js';

/** Ordered from most to least reliable; an aggregate cell takes its least reliable part. */
export const PROVENANCE = ['reported', 'mirror', 'derived', 'estimated', 'unstated'] as const;
export type Provenance = (typeof PROVENANCE)[number];

export const PROVENANCE_CODE: Readonly<Record<Provenance, number>> = { reported: 0, mirror: 1, derived: 2, estimated: 3, unstated: 4 };
export const UNSTATED = PROVENANCE_CODE.unstated;

export function isProvenance(s: string): s is Provenance {
  return (PROVENANCE as readonly string[]).includes(s);
}

/** Share of the total flow value per provenance (0..1 each, summing to 1). */
export type ProvenanceSummary = Record<Provenance, number>;

/** Value-weighted shares of each provenance over all cells, domestic included. */
export function summarizeProvenance(Z: Float64Array, prov: Uint8Array | undefined): ProvenanceSummary {
  const totals = new Float64Array(PROVENANCE.length);
  let all = 0;
  for (let k = 0; k < Z.length; k++) {
    totals[prov ? prov[k] : UNSTATED] += Z[k];
    all += Z[k];
  }
  return Object.fromEntries(PROVENANCE.map((p, c) => [p, all > 0 ? totals[c] / all : 0])) as ProvenanceSummary;
}

/**
 * Where a data set's tariffs come from: the share of international goods flow value (services left out) whose
 * tariff cell has each provenance in the tariffs file (its `provenance` column), and "none" for cells the file
 * leaves out (rate 0). Undefined when the file has no provenance column.
 */
export function tariffProvenance(file: string, columns: Record<string, string> | undefined, world: World): Record<string, number> | undefined {
  const table = readCsv(file, ['exporter', 'importer', 'rate'], columns);
  if (!table.header.includes('provenance')) return undefined;
  const { N, S, Z, codes, sectors } = world;
  const goods = goodsSectors(world);
  const byCell = new Map<number, string>();
  for (const row of table.rows) {
    const i = codes.indexOf(row.values.exporter);
    const j = codes.indexOf(row.values.importer);
    const named = row.values.sector;
    for (let s = 0; s < S; s++) if (!named || named === 'ALL' || named === sectors[s]) byCell.set((i * N + j) * S + s, row.values.provenance || 'unstated');
  }
  const totals = new Map<string, number>();
  let all = 0;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      if (i === j) continue;
      for (const s of goods) {
        const k = (i * N + j) * S + s;
        if (!(Z[k] > 0)) continue;
        const p = byCell.get(k) ?? 'none';
        totals.set(p, (totals.get(p) ?? 0) + Z[k]);
        all += Z[k];
      }
    }
  }
  return Object.fromEntries([...totals].map(([p, v]) => [p, v / all]));
}

/**
 * Where each flow value comes from. A data set can mix figures an importer
 * reported, mirror figures the exporter reported, values derived from other
 * published numbers (domestic sales as GDP minus exports) and estimates
 * (floors, shares borrowed from a group). Users weigh results by this.
 */

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

/** Monte Carlo percentiles put next to the central result, where readers look for them. */
import type { Percentiles } from '../strategy/uncertainty.js';
import type { NegotiationResult, UncertaintySummary } from './results.js';

/**
 * Each agreed tariff and each lever of a negotiation gets its band; everything
 * is also in `uncertainty.percentiles` by path. Returns a copy; without a
 * summary, the result itself.
 */
export function attachUncertainty<T extends object>(result: T, summary: UncertaintySummary | undefined): T & { uncertainty?: UncertaintySummary } {
  if (!summary) return result;
  const out = structuredClone(result) as T & { uncertainty: UncertaintySummary };
  const p = summary.percentiles;
  const neg = out as unknown as Partial<NegotiationResult>;
  neg.agreement?.tariffs.forEach((t) => Object.assign(t, bandOf(p[`agreement.tariffs[${t.importer}>${t.exporter}>${t.sector}].rate`])));
  neg.levers?.forEach((l) => {
    Object.assign(l, { tariff_points_band: p[`levers[${l.name}].tariff_points`] ?? null, ev_band: p[`levers[${l.name}].ev`] ?? null, utility_band: p[`levers[${l.name}].utility`] ?? null });
  });
  out.uncertainty = summary;
  return out;
}

function bandOf(q: Percentiles | undefined) {
  return q ? { median: q.median, p5: q.p5, p25: q.p25, p75: q.p75, p95: q.p95 } : {};
}

/**
 * The result contracts of strategy runs: the JSON of `parley best-response |
 * war | negotiate | coalitions --json`, of the API's strategy jobs and of a
 * scenario's questions. Derived from the runners, so a renamed field fails to
 * compile in every report, shell and page that reads it (web/ imports these types).
 */
import type { Percentiles } from '../strategy/uncertainty.js';
import type { runBestResponse, runCoalitions, runNegotiation, runWar } from './runners.js';

export type BestResponseResult = ReturnType<typeof runBestResponse>;
export type WarResult = ReturnType<typeof runWar>;
export type NegotiationResult = ReturnType<typeof runNegotiation>;
export type CoalitionsResult = ReturnType<typeof runCoalitions>;

/** The result of each kind of strategy spec. */
export interface StrategyResults {
  negotiate: NegotiationResult;
  war: WarResult;
  'best-response': BestResponseResult;
  coalitions: CoalitionsResult;
}

/** What Monte Carlo adds to a central result. */
export interface UncertaintySummary {
  draws: number;
  seed: number;
  failures: { index: number; error: string }[];
  /** Percentiles of every numeric output, by path (see run/montecarlo.ts flattenNumbers). */
  percentiles: Record<string, Percentiles>;
}

/** A 5th-95th percentile band (and median, quartiles) attached to one number. */
export type Band = Pick<Percentiles, 'median' | 'p5' | 'p25' | 'p75' | 'p95'>;

/** A negotiation result with Monte Carlo bands: on each agreed tariff, on each lever, and all by path. */
export type NegotiationWithBands = Omit<NegotiationResult, 'agreement' | 'levers'> & {
  agreement: Omit<NegotiationResult['agreement'], 'tariffs'> & { tariffs: (NegotiationResult['agreement']['tariffs'][number] & Partial<Band>)[] };
  levers: (NegotiationResult['levers'][number] & { tariff_points_band?: Percentiles | null; ev_band?: Percentiles | null; utility_band?: Percentiles | null })[];
  uncertainty?: UncertaintySummary;
};

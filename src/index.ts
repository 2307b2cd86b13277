// Parley's public surface: this file only re-exports.
export { InputError, DataError, ConvergenceError, type Location } from './errors.js';
export { warn, setWarningSink, collectWarnings } from './warn.js';

export { createWorld, economyIndex, ijs, type World, type WorldInit, type WorldMeta } from './data/world.js';
export { loadWorld, ALL_SECTORS, type WorldFiles, type FlowSource, type ColumnMap } from './data/tables.js';
export { loadDataset, openDataset, readManifest, worldFromManifest, ManifestSchema, type Manifest, type LoadedManifest, type OpenedDataset } from './data/manifest.js';
export { DATA_DIR, DEFAULT_DATASET, listBuiltinDatasets, isBuiltinDataset, resolveManifest } from './data/datasets.js';
export { cacheDir, clearCache } from './data/cache.js';
export { PROVENANCE, summarizeProvenance, type Provenance, type ProvenanceSummary } from './data/provenance.js';
export { aggregateWorld, type AggregationSpec } from './data/aggregate.js';

export { computeBaseline, type Baseline } from './model/baseline.js';
export {
  solve,
  solveOrThrow,
  noShock,
  purgeDeficits,
  TOL,
  DEFICITS,
  type Deficits,
  type Shock,
  type SolveOptions,
  type Equilibrium,
} from './model/equilibrium.js';
export { shockFromRows, readShockCsv, type ShockRow } from './model/shock.js';
export { economyResults, flowResults, moneyValue, type EconomyResult, type FlowResult } from './model/results.js';
export {
  calibrateExtended,
  solveExtended,
  solveExtendedOrThrow,
  checkExtendedParams,
  ExtendedSystem,
  type ExtendedParams,
  type ExtendedCalibration,
  type ExtendedEquilibrium,
} from './model/extended.js';
export { replicateLiberationDay, loadIlmsInputs, LIBERATION_DAY_SCENARIOS, LIBERATION_DAY_PUBLISHED, type LiberationDayReplication } from './replicate/liberation-day.js';

export { welfareGradient, type WelfareGradient } from './strategy/gradient.js';
export { bestResponse, type BestResponse, type BestResponseOptions, type Instrument } from './strategy/best-response.js';
export { tradeWar, type TradeWar, type WarOptions } from './strategy/war.js';
export { negotiate, paretoFrontier, bargainingWeights, type Negotiation, type NegotiationOptions, type LinkedIssue, type OutsideOption, type Disagreement } from './strategy/bargain.js';
export { leverValues, coalitionLever, tradeWeightedTariffOn, type LeverSpec, type LeverValue } from './strategy/levers.js';
export { analyseCoalitions, type CoalitionAnalysis, type CoalitionOptions } from './strategy/coalitions.js';
export { cooperate, type Cooperation, type CooperationOptions } from './strategy/cooperate.js';

export { runStrategy, type StrategyRun, type StrategyRunOptions } from './run/strategy.js';
export { runSpec } from './run/runners.js';
export { SPEC_SCHEMAS, readSpec, type SpecKind } from './run/spec.js';
export type { StrategyResults, NegotiationResult, WarResult, BestResponseResult, CoalitionsResult, NegotiationWithBands, UncertaintySummary } from './run/results.js';
export { monteCarlo, type MonteCarloOptions, type MonteCarloRun } from './run/montecarlo.js';
export { loadScenario, loadScenarioText, DEFAULT_SCENARIO, type LoadedScenario } from './scenario/load.js';
export { runScenario, type ScenarioResult } from './scenario/run.js';
export { openScheduledDataset } from './schedule/open.js';

export { minimise, type MinimiseOptions, type Minimised } from './numeric/minimise.js';
export { newton, type NewtonProblem, type NewtonReport } from './numeric/newton.js';
export { worldOnDate } from './run/dated.js';
export { scheduleFromManifest, tariffsAt, withTariffsOn, NO_MEASURES, type Schedule, type TariffsAt, type TariffCell, type MeasureRate } from './schedule/schedule.js';
export { readMeasures, readSectorShares, readParameters, AUTHORITIES, ACTIONS, type Measure, type Parameter, type SectorShares } from './schedule/measures.js';
export { reciprocalRate, impliedPartnerRate, USTR_2025, type ReciprocalParameters } from './schedule/reciprocal.js';

export { counterfactualReport, type CounterfactualReport } from './report/counterfactual.js';

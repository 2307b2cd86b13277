// Parley's public surface: this file only re-exports.
export { InputError, DataError, ConvergenceError, type Location } from './errors.js';
export { warn, setWarningSink, collectWarnings } from './warn.js';

export { createWorld, economyIndex, ijs, type World, type WorldInit, type WorldMeta } from './data/world.js';
export { loadWorld, ALL_SECTORS, type WorldFiles, type FlowSource, type ColumnMap } from './data/tables.js';
export { loadDataset, openDataset, listBuiltinDatasets, readManifest, worldFromManifest, ManifestSchema, DATA_DIR, type Manifest, type LoadedManifest } from './data/manifest.js';
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
export { economyResults, flowResults, type EconomyResult, type FlowResult } from './model/results.js';
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
export { scheduleFromManifest, tariffsAt, worldAt, NO_MEASURES, type Schedule, type TariffsAt, type TariffCell, type MeasureRate } from './schedule/schedule.js';
export { readMeasures, readSectorShares, readParameters, AUTHORITIES, ACTIONS, type Measure, type Parameter, type SectorShares } from './schedule/measures.js';
export { reciprocalRate, impliedPartnerRate, USTR_2025, type ReciprocalParameters } from './schedule/reciprocal.js';

export { counterfactualReport, type CounterfactualReport } from './report/counterfactual.js';

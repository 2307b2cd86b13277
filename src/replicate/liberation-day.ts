/**
 * Replication of Ignatenko, Lashkaripour, Macedoni & Simonovska (2025),
 * "Making America Great Again? The Economic Impacts of Liberation Day
 * Tariffs", Journal of International Economics 157: the paper's eight
 * headline scenarios on its own data (the built-in `baci-2023-ilms`), with the
 * extended model of src/model/extended.ts. The scenario definitions (tariff
 * matrices, the optimal-tariff formulas, averages) follow the paper and its
 * replication code; the numbers are Parley's.
 */
import { join } from 'node:path';
import { readCsv, cell, numberCell } from '../data/csv.js';
import { DATA_DIR, loadDataset } from '../data/manifest.js';
import type { World } from '../data/world.js';
import { DataError } from '../errors.js';
import { calibrateExtended, checkExtendedParams, solveExtendedOrThrow, type ExtendedCalibration, type ExtendedEquilibrium, type ExtendedParams } from '../model/extended.js';

export const LIBERATION_DAY_SCENARIOS = [
  'ustr_tax_relief',
  'ustr_lump_sum',
  'optimal_us',
  'reciprocal_retaliation',
  'optimal_retaliation',
  'optimal_and_retaliation',
  'io_ustr',
  'io_reciprocal_retaliation',
] as const;
export type LiberationDayScenario = (typeof LIBERATION_DAY_SCENARIOS)[number];

export const SCENARIO_TITLES: Record<LiberationDayScenario, string> = {
  ustr_tax_relief: 'USTR tariffs, revenue cuts the income tax, no retaliation',
  ustr_lump_sum: 'USTR tariffs, revenue rebated lump-sum, no retaliation',
  optimal_us: 'Optimal uniform US tariff, income-tax relief, no retaliation',
  reciprocal_retaliation: 'USTR tariffs with reciprocal retaliation',
  optimal_retaliation: 'USTR tariffs with optimal retaliation',
  optimal_and_retaliation: 'Optimal US tariff with optimal retaliation',
  io_ustr: 'Input-output model: USTR tariffs, no retaliation',
  io_reciprocal_retaliation: 'Input-output model: USTR tariffs with reciprocal retaliation',
};

/** The paper's parameters (set in its code, not estimated here); the scale elasticity psi = 0.67 / 4. */
export const ILMS_PARAMETERS = { eps: 4, kappa: 0.5, psi: 0.67 / 4, beta: 0.49 } as const;

/**
 * Parameters a user may change (robustness runs). As in the paper's own "higher trade elasticity" run, a new eps leaves
 * the calibrated pass-through phi and the scale elasticity psi as they are.
 */
export interface IlmsParameters {
  eps: number;
  kappa: number;
  psi: number;
  beta: number;
}

/** Everything the replication reads, from the shipped data set only. */
export interface IlmsInputs {
  world: World;
  nu: Float64Array;
  phi: Float64Array;
  /** The US tariff on each exporter in every Liberation-Day run: max(10%, the USTR rate); 0 on the US. */
  usTariff: Float64Array;
  eu27: boolean[];
  us: number;
  chn: number;
  /** The calibration file's own E, Y, T (an oracle for calibrateExtended). */
  fileE: Float64Array;
  fileY: Float64Array;
  fileT: Float64Array;
}

const DATASET = 'baci-2023-ilms';

/** Read the built-in data set and its calibration and tariff files, aligned to the world's economy order. */
export function loadIlmsInputs(dir = join(DATA_DIR, DATASET)): IlmsInputs {
  const world = loadDataset(dir);
  const N = world.N;
  const index = new Map(world.codes.map((c, k) => [c, k]));
  const nu = new Float64Array(N).fill(NaN);
  const phi = new Float64Array(N).fill(NaN);
  const fileE = new Float64Array(N);
  const fileY = new Float64Array(N);
  const fileT = new Float64Array(N);
  const calFile = join(dir, 'ilms2025_calibration_194.csv');
  const cal = readCsv(calFile, ['iso3', 'nu', 'phi_baseline', 'expenditure_E_usd', 'income_Y_usd', 'transfer_T_usd']);
  for (const row of cal.rows) {
    const code = cell(cal, row, 'iso3');
    const k = index.get(code);
    if (k === undefined) throw new DataError(`economy "${code}" is not in data set ${DATASET}`, { file: calFile, line: row.line, column: 'iso3' });
    nu[k] = numberCell(cal, row, 'nu', { min: 0, expected: 'a share in [0, 1)' });
    phi[k] = numberCell(cal, row, 'phi_baseline', { above: 0, expected: 'a pass-through above 0' });
    fileE[k] = numberCell(cal, row, 'expenditure_E_usd', { expected: 'a number in USD' });
    fileY[k] = numberCell(cal, row, 'income_Y_usd', { expected: 'a number in USD' });
    fileT[k] = numberCell(cal, row, 'transfer_T_usd', { expected: 'a number in USD' });
  }
  const usTariff = new Float64Array(N).fill(NaN);
  const eu27 = new Array<boolean>(N).fill(false);
  const tarFile = join(dir, 'ilms2025_us_liberation_day_tariffs_194.csv');
  const tar = readCsv(tarFile, ['iso3', 'model_us_tariff', 'eu27_member']);
  for (const row of tar.rows) {
    const code = cell(tar, row, 'iso3');
    const k = index.get(code);
    if (k === undefined) throw new DataError(`economy "${code}" is not in data set ${DATASET}`, { file: tarFile, line: row.line, column: 'iso3' });
    usTariff[k] = numberCell(tar, row, 'model_us_tariff', { min: 0, expected: 'a tariff rate >= 0 (0.25 = 25%)' });
    eu27[k] = numberCell(tar, row, 'eu27_member', { min: 0, expected: '0 or 1' }) === 1;
  }
  for (let k = 0; k < N; k++) {
    if (Number.isNaN(nu[k])) throw new DataError(`no calibration row for economy ${world.codes[k]}`, { file: calFile });
    if (Number.isNaN(usTariff[k])) throw new DataError(`no tariff row for economy ${world.codes[k]}`, { file: tarFile });
  }
  const us = index.get('USA');
  const chn = index.get('CHN');
  if (us === undefined || chn === undefined) throw new DataError(`data set ${DATASET} must contain USA and CHN`);
  usTariff[us] = 0;
  return { world, nu, phi, usTariff, eu27, us, chn, fileE, fileY, fileT };
}

export interface EconomyOutcome {
  /** The paper's welfare (real expenditure net of the disutility of labour). */
  welfare_pct: number;
  /** MODEL.md's real income, (wage income + tariff revenue) / price index. */
  real_income_pct: number;
  employment_pct: number;
  prices_pct: number;
  /** Change in the trade deficit (imports - exports) relative to its baseline size. */
  deficit_change_pct: number;
  /** Tariff revenue over baseline expenditure (the paper's "% of GDP"). */
  revenue_pct_of_gdp: number;
}

export interface ScenarioOutcome {
  id: LiberationDayScenario;
  title: string;
  /** Uniform tariff the US sets, when the scenario chooses it. */
  us_tariff_pct?: number;
  /** Uniform retaliation rate, when the scenario chooses it (per-economy rates differ with phi; this is China's). */
  retaliation_tariff_pct?: number;
  economies: Record<string, EconomyOutcome>;
  /** Expenditure-weighted average welfare of all economies but the US. */
  non_us_welfare_pct: number;
  iterations: number;
  residual: number;
  ms: number;
}

export interface LiberationDayReplication {
  scenarios: Record<LiberationDayScenario, ScenarioOutcome>;
  parameters: IlmsParameters;
  /** Whether these are the paper's parameters (so its published figures apply). */
  paperParameters: boolean;
  economies: number;
  ms: number;
}

function modelParams(inp: IlmsInputs, par: IlmsParameters, beta: number, revenue: ExtendedParams['revenue'], numeraire: ExtendedParams['numeraire']): ExtendedParams {
  return { eps: par.eps, kappa: par.kappa, psi: par.psi, beta, nu: inp.nu, phi: inp.phi, revenue, numeraire };
}

/** The US tariff on every exporter: model_us_tariff, as a full [i][j] matrix. */
function ustrMatrix(inp: IlmsInputs): Float64Array {
  const N = inp.world.N;
  const t = new Float64Array(N * N);
  for (let i = 0; i < N; i++) if (i !== inp.us) t[i * N + inp.us] = inp.usTariff[i];
  return t;
}

/** Each partner applies to US goods the rate the US applies to it. */
function addReciprocal(inp: IlmsInputs, t: Float64Array): void {
  const N = inp.world.N;
  for (let j = 0; j < N; j++) if (j !== inp.us) t[inp.us * N + j] = t[j * N + inp.us];
}

/**
 * The paper's optimal uniform US tariff, t = 1 / ((1 + delta eps) phi_US - 1),
 * delta = sum_{j != US} Z[US][j] (1 - nu_j)(1 - lam[US][j]) / ((1 - nu_US)(base - Z[US][US])),
 * with `base` the US expenditure (no-retaliation case) or income (with retaliation), as the paper's code has it.
 */
export function optimalUsTariff(cal: ExtendedCalibration, inp: IlmsInputs, base: 'expenditure' | 'income', eps: number = ILMS_PARAMETERS.eps): number {
  const { N, Z, lam, nu } = cal;
  const us = inp.us;
  let num = 0;
  for (let j = 0; j < N; j++) if (j !== us) num += Z[us * N + j] * (1 - nu[j]) * (1 - lam[us * N + j]);
  const b = base === 'expenditure' ? cal.E[us] : cal.Y[us];
  const delta = num / ((1 - nu[us]) * (b - Z[us * N + us]));
  return 1 / ((1 + delta * eps) * inp.phi[us] - 1);
}

/**
 * The paper's optimal retaliation: the world aggregated into the US and the
 * rest; the rest's delta from its exports to the US,
 * delta = Z[rest][US] (1 - nu_US)(1 - lam[rest][US]) / ((1 - nu_rest)(Y_rest - Z[rest][rest])),
 * and each partner j's rate 1 / ((1 + delta eps) phi_j - 1). (Summing the
 * aggregated matrix over the other axis, the rest's imports from the US, gives
 * US welfare -0.95% instead of the published -0.75%.)
 */
export function optimalRetaliation(cal: ExtendedCalibration, inp: IlmsInputs, eps: number = ILMS_PARAMETERS.eps): Float64Array {
  const { N, Z, nu } = cal;
  const us = inp.us;
  const rest = us === 0 ? 1 : 0;
  let restToUs = 0;
  let restToRest = 0;
  let restY = 0;
  for (let i = 0; i < N; i++) {
    if (i === us) continue;
    restToUs += Z[i * N + us];
    for (let j = 0; j < N; j++) if (j !== us) restToRest += Z[i * N + j];
    restY += cal.Y[i];
  }
  // The paper's calibration gives every economy but the US one nu; the aggregate uses it.
  const lamRestUs = restToUs / cal.E[us];
  const delta = (restToUs * (1 - nu[us]) * (1 - lamRestUs)) / ((1 - nu[rest]) * (restY - restToRest));
  const rates = new Float64Array(N);
  for (let j = 0; j < N; j++) rates[j] = j === us ? 0 : 1 / ((1 + delta * eps) * inp.phi[j] - 1);
  return rates;
}

function outcome(cal: ExtendedCalibration, eq: ExtendedEquilibrium, k: number): EconomyOutcome {
  const N = cal.N;
  let imp0 = 0;
  let exp0 = 0;
  let imp1 = 0;
  let exp1 = 0;
  for (let m = 0; m < N; m++) {
    imp0 += cal.Z[m * N + k];
    exp0 += cal.Z[k * N + m];
    imp1 += eq.Zp[m * N + k];
    exp1 += eq.Zp[k * N + m];
  }
  const D0 = imp0 - exp0;
  const D1 = imp1 - exp1;
  return {
    welfare_pct: 100 * (eq.welfare[k] - 1),
    real_income_pct: 100 * (eq.realIncome[k] - 1),
    employment_pct: 100 * (eq.Lhat[k] - 1),
    prices_pct: 100 * (eq.Phat[k] - 1),
    deficit_change_pct: D0 === 0 ? 0 : (100 * (D1 - D0)) / Math.abs(D0),
    revenue_pct_of_gdp: (100 * eq.Rp[k]) / cal.E[k],
  };
}

/** Expenditure-weighted average of one outcome over a set of economies. */
function average(cal: ExtendedCalibration, rows: EconomyOutcome[], members: number[]): EconomyOutcome {
  const out: EconomyOutcome = { welfare_pct: 0, real_income_pct: 0, employment_pct: 0, prices_pct: 0, deficit_change_pct: 0, revenue_pct_of_gdp: 0 };
  let w = 0;
  for (const k of members) w += cal.E[k];
  for (const k of members) {
    for (const key of Object.keys(out) as (keyof EconomyOutcome)[]) out[key] += (rows[k][key] * cal.E[k]) / w;
  }
  return out;
}

/** Run the paper's scenarios (all by default) and collect the JSON contract. */
export function replicateLiberationDay(inp: IlmsInputs = loadIlmsInputs(), only: readonly LiberationDayScenario[] = LIBERATION_DAY_SCENARIOS, overrides: Partial<IlmsParameters> = {}): LiberationDayReplication {
  const started = performance.now();
  const par: IlmsParameters = { ...ILMS_PARAMETERS, ...overrides };
  // Check the parameters once, with the paper's nu and phi, before any work (a clear error names the parameter).
  checkExtendedParams(modelParams(inp, par, par.beta, 'tax-relief', 'prices'), inp.world.N);
  const paperParameters = (Object.keys(ILMS_PARAMETERS) as (keyof IlmsParameters)[]).every((k) => par[k] === ILMS_PARAMETERS[k]);
  const { world, us, chn } = inp;
  const N = world.N;
  const baseCal = calibrateExtended(world, inp.nu, 1);
  let ioCal: ExtendedCalibration | undefined;
  const scenarios = {} as Record<LiberationDayScenario, ScenarioOutcome>;
  for (const id of only) {
    const t0 = performance.now();
    const io = id.startsWith('io_');
    const cal = io ? (ioCal ??= calibrateExtended(world, inp.nu, par.beta)) : baseCal;
    const params = modelParams(inp, par, io ? par.beta : 1, id === 'ustr_lump_sum' ? 'lump-sum' : 'tax-relief', io ? 'wages' : 'prices');
    let t: Float64Array;
    let usRate: number | undefined;
    let retaliation: number | undefined;
    if (id === 'optimal_us' || id === 'optimal_and_retaliation') {
      usRate = optimalUsTariff(cal, inp, id === 'optimal_us' ? 'expenditure' : 'income', par.eps);
      t = new Float64Array(N * N);
      for (let i = 0; i < N; i++) if (i !== us) t[i * N + us] = usRate;
    } else {
      t = ustrMatrix(inp);
    }
    if (id === 'reciprocal_retaliation' || id === 'io_reciprocal_retaliation') addReciprocal(inp, t);
    if (id === 'optimal_retaliation' || id === 'optimal_and_retaliation') {
      const rates = optimalRetaliation(cal, inp, par.eps);
      for (let j = 0; j < N; j++) if (j !== us) t[us * N + j] = rates[j];
      retaliation = rates[chn];
    }
    const eq = solveExtendedOrThrow(cal, params, t, `Liberation Day scenario ${id}`);
    const rows = Array.from({ length: N }, (_, k) => outcome(cal, eq, k));
    const economies: Record<string, EconomyOutcome> = {};
    for (let k = 0; k < N; k++) economies[world.codes[k]] = rows[k];
    const eu = [...Array(N).keys()].filter((k) => inp.eu27[k]);
    economies.EU27 = average(cal, rows, eu);
    const nonUs = [...Array(N).keys()].filter((k) => k !== us);
    scenarios[id] = {
      id,
      title: SCENARIO_TITLES[id],
      ...(usRate !== undefined ? { us_tariff_pct: 100 * usRate } : {}),
      ...(retaliation !== undefined ? { retaliation_tariff_pct: 100 * retaliation } : {}),
      economies,
      non_us_welfare_pct: average(cal, rows, nonUs).welfare_pct,
      iterations: eq.iterations,
      residual: eq.residual,
      ms: performance.now() - t0,
    };
  }
  return { scenarios, parameters: par, paperParameters, economies: N, ms: performance.now() - started };
}

/** The figures the JIE version of the paper prints (percent), as the issue lists them: the replication's targets. */
export const LIBERATION_DAY_PUBLISHED: readonly { scenario: LiberationDayScenario; economy: string; field: keyof EconomyOutcome | 'non_us_welfare_pct'; value: number; digits: number; label: string }[] = [
  { scenario: 'ustr_tax_relief', economy: 'USA', field: 'welfare_pct', value: 1.13, digits: 2, label: 'US welfare, USTR rates, income-tax relief' },
  { scenario: 'ustr_lump_sum', economy: 'USA', field: 'welfare_pct', value: -0.01, digits: 2, label: 'US welfare, USTR rates, lump-sum rebate' },
  { scenario: 'ustr_tax_relief', economy: '', field: 'non_us_welfare_pct', value: -0.58, digits: 2, label: 'non-US average welfare, USTR rates' },
  { scenario: 'ustr_tax_relief', economy: 'USA', field: 'prices_pct', value: 12.8, digits: 1, label: 'US prices, USTR rates' },
  { scenario: 'ustr_tax_relief', economy: 'USA', field: 'revenue_pct_of_gdp', value: 1.14, digits: 2, label: 'US tariff revenue, % of GDP' },
  { scenario: 'reciprocal_retaliation', economy: 'USA', field: 'welfare_pct', value: -0.36, digits: 2, label: 'US welfare, reciprocal retaliation' },
  { scenario: 'reciprocal_retaliation', economy: 'CHN', field: 'welfare_pct', value: -0.82, digits: 2, label: 'China welfare, reciprocal retaliation' },
  { scenario: 'optimal_retaliation', economy: 'USA', field: 'welfare_pct', value: -0.75, digits: 2, label: 'US welfare, optimal retaliation' },
  { scenario: 'io_ustr', economy: 'USA', field: 'welfare_pct', value: 0.86, digits: 2, label: 'US welfare, input-output model' },
  { scenario: 'io_reciprocal_retaliation', economy: 'USA', field: 'welfare_pct', value: -3.38, digits: 2, label: 'US welfare, input-output model, reciprocal retaliation' },
];

/** Parley's value for a published figure. */
export function replicatedValue(r: LiberationDayReplication, fig: (typeof LIBERATION_DAY_PUBLISHED)[number]): number {
  const s = r.scenarios[fig.scenario];
  return fig.field === 'non_us_welfare_pct' ? s.non_us_welfare_pct : s.economies[fig.economy][fig.field];
}

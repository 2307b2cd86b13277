/**
 * Objectives estimated, not guessed: the weights under which a government's
 * observed tariffs are its best response. Its payoff is linear in the weights,
 *
 *   U = welfare% + sum_k w_k U_k   (U_k: tariff revenue, a bilateral balance, ...),
 *
 * so at the observed tariffs the first-order conditions dU/dt_v = 0 of every
 * interior tariff v are linear in w: g_W + G w = 0, with g_W and the columns
 * of G the gradients of each part (one adjoint pass each, gradient.ts). The
 * weights solve that by least squares, each condition divided by its tariff's
 * Harberger curvature so a residual reads as a tariff gap (first order). A
 * tariff at a bound satisfies only an inequality and is left out. Bands: a
 * seeded bootstrap over the conditions. Fit: the best response under the
 * estimated weights, beside the observed tariffs. By default the estimate is
 * then refined to minimise the distance between observed and implied tariffs
 * (the conditions are first order; the best response is not).
 */
import type { World } from '../data/world.js';
import { economyIndex, flowTotal } from '../data/world.js';
import { ConvergenceError, InputError } from '../errors.js';
import { computeBaseline } from '../model/baseline.js';
import { noShock, solveSystem, type Deficits, type Shock } from '../model/equilibrium.js';
import { cholesky, choleskySolve } from '../numeric/linalg.js';
import { CALIBRATION_IDENTIFIED, CALIBRATION_MAX_ITERATIONS, CALIBRATION_REL_TOL, CALIBRATION_STEP } from '../numeric/tolerances.js';
import { mulberry32 } from '../random.js';
import { bestResponse, instrumentCells, type Instrument } from './best-response.js';
import { bindObjective, type Objective } from './gradient.js';
import { gradientsOf, harbergerScale, strategicWorld, strategySystem } from './game.js';

/**
 * A weight to estimate: `revenue`; `balances`, one weight on the bilateral balance with every partner the
 * player runs a deficit with in the data (the reciprocal tariffs' logic; a weight on every balance would be
 * a weight on the total, which balanced trade fixes); `balance:XXX`, one partner's; or `income:SECTOR`, a
 * sector's real value added (an interest group's income, input-output worlds).
 */
export type WeightName = string;

export interface CalibrateOptions {
  /** The weights to estimate (welfare is the numeraire, weight 1). */
  weights: readonly WeightName[];
  instrument?: Instrument;
  /** Only the tariffs on these exporters are the player's choice (default: every partner). */
  targets?: readonly string[];
  deficits?: Deficits;
  /** Bounds of the tariffs (a tariff at one is left out of the conditions); default [0, 10]. */
  lower?: number;
  upper?: number;
  /**
   * `distance` (default): the weights minimising the squared distance between observed and implied tariffs
   * (Levenberg-Marquardt from the conditions' estimate; bands from its standard errors). `conditions`: least
   * squares on the first-order conditions alone (one gradient pass; bands by bootstrap).
   */
  method?: 'distance' | 'conditions';
  /** Bootstrap resamples of the conditions for the bands (method `conditions`; default 200; 0: none). */
  bootstrap?: number;
  seed?: number;
}

export interface WeightEstimate {
  value: number;
  /** Bootstrap band over the conditions; null when the weights are exactly identified (as many conditions as weights). */
  p5: number | null;
  p95: number | null;
}

export interface Calibration {
  player: string;
  weights: Record<string, WeightEstimate>;
  fit: {
    /** Mean |observed - implied| over the player's tariffs, in percentage points. */
    mean_abs_gap_points: number;
    /** Root mean square of the first-order conditions at the conditions' estimate, as tariff gaps (points, first order). */
    rms_condition_points: number;
    method: 'distance' | 'conditions';
    /** Distance method: Levenberg-Marquardt iterations (best responses: about weights + 1 per iteration). */
    iterations: number;
    conditions: number;
    /** Tariffs at a bound: no first-order condition, not used for the weights. */
    at_bound: string[];
    converged: boolean;
  };
  tariffs: { exporter: string; sector: string; observed: number; implied: number }[];
}

/** The partners `player` runs a bilateral goods deficit with in the world's flows. */
export function deficitPartners(world: World, player: string): string[] {
  const k = economyIndex(world, player, 'player');
  return world.codes.filter((_, p) => p !== k && flowTotal(world, p, k) > flowTotal(world, k, p));
}

/** The objective a weight vector means (welfare 1); `balances` spreads over the deficit partners in `world`. */
export function objectiveOf(world: World, player: string, names: readonly WeightName[], w: ArrayLike<number>): Objective {
  const o: Objective = { welfare: 1, revenue: 0, balances: [] };
  const incomes: { sector: string; weight: number }[] = [];
  const balances = new Map<string, number>();
  const add = (partner: string, weight: number) => balances.set(partner, (balances.get(partner) ?? 0) + weight);
  names.forEach((name, k) => {
    if (name === 'revenue') {
      o.revenue += w[k];
    } else if (name === 'balances') {
      for (const c of deficitPartners(world, player)) add(c, w[k]);
    } else if (name.startsWith('balance:')) {
      add(name.slice('balance:'.length), w[k]);
    } else if (name.startsWith('income:')) {
      incomes.push({ sector: name.slice('income:'.length), weight: w[k] });
    }
  });
  return { ...o, balances: [...balances].map(([partner, weight]) => ({ partner, weight })), ...(incomes.length ? { incomes } : {}) };
}

function checkNames(world: World, player: string, names: readonly WeightName[]): void {
  if (!names.length) throw new InputError('calibrate: name at least one weight to estimate (revenue, balances, balance:CODE, income:SECTOR)');
  for (const name of names) {
    if (name === 'revenue' || name === 'balances') continue;
    const income = /^income:(.+)$/.exec(name);
    if (income) {
      if (!world.io) throw new InputError(`calibrate: weight "${name}": sector incomes are weighed on worlds with input-output links, and ${world.meta.name} has none`);
      if (!world.sectors.includes(income[1])) throw new InputError(`calibrate: weight "${name}": unknown sector (${world.sectors.join(', ')})`);
      continue;
    }
    const m = /^balance:(.+)$/.exec(name);
    if (!m) throw new InputError(`calibrate: unknown weight "${name}": expected revenue, balances, balance:CODE or income:SECTOR`);
    economyIndex(world, m[1], 'weights');
    if (m[1] === player) throw new InputError(`calibrate: ${player} has no balance with itself`);
  }
  if (new Set(names).size !== names.length) throw new InputError('calibrate: a weight is named twice');
  if (names.includes('balances') && deficitPartners(world, player).length === world.N - 1) {
    throw new InputError(`calibrate: ${player} runs a deficit with every partner in ${world.meta.name}, so one weight on those balances is a weight on its total balance, which balanced trade fixes; name partners instead (balance:CODE)`);
  }
}

/**
 * The weights under which `observed` (the full tariff array) makes the player's own tariffs a best
 * response, given everyone else's tariffs in `observed`.
 */
export function calibrate(world0: World, playerCode: string, observed: Shock, o: CalibrateOptions): Calibration {
  const player = economyIndex(world0, playerCode, 'player');
  checkNames(world0, playerCode, o.weights);
  const instrument = o.instrument ?? 'partner';
  const lower = o.lower ?? 0;
  const upper = o.upper ?? 10;
  const { world, rule } = strategicWorld(world0, o.deficits ?? 'balanced', 'calibration');
  const vars = instrumentCells(world, player, instrument).filter((v) => !o.targets || v.exporter === '*' || o.targets.includes(v.exporter));
  if (!vars.length) throw new InputError(`${playerCode} has no tariffs to calibrate on (targets ${o.targets?.join(', ')})`);
  // A variable's observed rate: the flow-weighted mean of its cells (they may differ, e.g. sector rates under 'partner').
  const rateOf = (cells: readonly number[], t: Float64Array) => {
    let num = 0;
    let den = 0;
    for (const c of cells) {
      num += world.Z[c] * t[c];
      den += world.Z[c];
    }
    return den > 0 ? num / den : t[cells[0]];
  };
  const observedRates = vars.map((v) => rateOf(v.cells, observed.tariffs));
  const interior = vars.map((_, k) => k).filter((k) => observedRates[k] > lower + 1e-9 && observedRates[k] < upper - 1e-9);
  const atBound = vars.filter((_, k) => !interior.includes(k)).map((v) => `${v.exporter}/${v.sector}`);
  if (interior.length < o.weights.length) throw new InputError(`calibrate: ${interior.length} tariff(s) of ${playerCode} off their bounds for ${o.weights.length} weight(s); name fewer weights or more tariffs`);

  // The gradient of each part of the payoff at the observed tariffs, along each interior variable.
  const sys = strategySystem(computeBaseline(world), Float64Array.from(observed.tariffs), Float64Array.from(observed.costFactors), rule);
  const rep = solveSystem(sys);
  if (!rep.converged) throw new ConvergenceError('equilibrium at the observed tariffs', rep.residual, rep.iterations);
  const unit = (k: number) => Float64Array.from(o.weights, (_, m) => (m === k ? 1 : 0));
  const parts = [bindObjective(world, player, { welfare: 1, revenue: 0, balances: [] }), ...o.weights.map((_, k) => bindObjective(world, player, { ...objectiveOf(world0, playerCode, o.weights, unit(k)), welfare: 0 }))];
  const directions = interior.map((k) => ({ cells: Int32Array.from(vars[k].cells), values: new Float64Array(vars[k].cells.length).fill(1) }));
  const grads = gradientsOf(sys, parts, directions);
  // Row v: (g_W + G w)_v scaled to a tariff gap: U is in percent, its curvature ~ 100 eps Z / Y.
  const scale = harbergerScale(world, interior.map((k) => vars[k].cells));
  const n = interior.length;
  const K = o.weights.length;
  const b = Float64Array.from({ length: n }, (_, v) => (grads[0].gradient[v] * scale[v]) / 100);
  const A = Float64Array.from({ length: n * K }, (_, i) => (grads[1 + (i % K)].gradient[Math.floor(i / K)] * scale[Math.floor(i / K)]) / 100);
  const solve = (rows: readonly number[]) => leastSquares(A, b, rows, K);
  const all = [...Array(n).keys()];
  const w = solve(all);
  if (!w) throw new InputError(`calibrate: the weights ${o.weights.join(', ')} are not identified by ${playerCode}'s ${n} tariff condition(s): at these tariffs they do not move its payoff independently; name fewer weights`);
  let ss = 0;
  for (let v = 0; v < n; v++) {
    let r = b[v];
    for (let k = 0; k < K; k++) r += A[v * K + k] * w[k];
    ss += r * r;
  }
  // Bootstrap over the conditions (seeded: the same run gives the same bands).
  const draws: number[][] = o.weights.map(() => []);
  const random = mulberry32(o.seed ?? 1);
  for (let d = 0; d < (o.bootstrap ?? 200); d++) {
    const rows = all.map(() => Math.floor(random() * n));
    const wd = solve(rows);
    if (wd) wd.forEach((x, k) => draws[k].push(x));
  }
  const weights: Record<string, WeightEstimate> = { welfare: { value: 1, p5: 1, p95: 1 } };
  o.weights.forEach((name, k) => {
    const sorted = draws[k].sort((x, y) => x - y);
    // Exactly identified: every resample is the same conditions or singular, so the bootstrap says nothing.
    const q = (p: number) => (n > K && sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : null);
    weights[name] = { value: w[k], p5: q(0.05), p95: q(0.95) };
  });

  // The player's best response under weights w, from the observed tariffs (the fit, and the distance method's model).
  const implied = (wk: readonly number[], start = observed) => bestResponse(world0, playerCode, { instrument, lower, upper, deficits: o.deficits ?? 'balanced', start, targets: o.targets, objective: objectiveOf(world0, playerCode, o.weights, wk) });
  const method = o.method ?? 'distance';
  let br = implied(w);
  let iterations = 0;
  if (method === 'distance' && vars.length > K) {
    const fitted = byDistance(implied, br, Float64Array.from(observedRates), w);
    br = fitted.br;
    iterations = fitted.iterations;
    o.weights.forEach((name, k) => (weights[name] = { value: fitted.w[k], p5: fitted.w[k] - Z90 * fitted.se[k], p95: fitted.w[k] + Z90 * fitted.se[k] }));
  }
  const tariffs = vars.map((v, k) => ({ exporter: v.exporter, sector: v.sector, observed: observedRates[k], implied: br.variables[k].rate }));
  const gap = tariffs.reduce((a, t) => a + Math.abs(t.observed - t.implied), 0) / tariffs.length;
  return {
    player: playerCode,
    weights,
    fit: { mean_abs_gap_points: 100 * gap, rms_condition_points: 100 * Math.sqrt(ss / n), method, iterations, conditions: n, at_bound: atBound, converged: br.converged },
    tariffs,
  };
}

/** The 95th percentile of the standard normal: bands are the estimate +- this many standard errors. */
export const Z90 = 1.6448536269514722;

type Implied = (w: readonly number[], start?: Shock) => ReturnType<typeof bestResponse>;

/**
 * Levenberg-Marquardt on r(w) = implied(w) - observed, the Jacobian by forward differences (each a best
 * response warm-started at the current one). Standard errors from sigma^2 (J'J)^-1, sigma^2 = SSR / (n - K).
 */
function byDistance(implied: Implied, br0: ReturnType<typeof bestResponse>, observed: Float64Array, w0: readonly number[]) {
  const K = w0.length;
  const n = observed.length;
  const residual = (br: ReturnType<typeof bestResponse>) => Float64Array.from(br.variables, (v, k) => v.rate - observed[k]);
  const ssr = (r: Float64Array) => r.reduce((a, x) => a + x * x, 0);
  const startOf = (br: ReturnType<typeof bestResponse>) => ({ ...noShock(br.world), tariffs: br.tariffs });
  let w = [...w0];
  let br = br0;
  let r = residual(br);
  let f = ssr(r);
  let mu = 1e-3;
  let J = new Float64Array(n * K);
  let iterations = 0;
  for (; iterations < CALIBRATION_MAX_ITERATIONS; iterations++) {
    J = new Float64Array(n * K);
    for (let k = 0; k < K; k++) {
      const h = CALIBRATION_STEP * Math.max(1, Math.abs(w[k]));
      const rk = residual(implied(w.map((x, m) => (m === k ? x + h : x)), startOf(br)));
      for (let v = 0; v < n; v++) J[v * K + k] = (rk[v] - r[v]) / h;
    }
    const { M, g } = normal(J, r, n, K);
    let improved = false;
    for (let tries = 0; tries < 8 && !improved; tries++, mu *= 10) {
      const D = Float64Array.from(M);
      for (let k = 0; k < K; k++) D[k * K + k] += mu * Math.max(M[k * K + k], 1e-12);
      const L = cholesky(D, K);
      if (!L) continue;
      const step = choleskySolve(L, g.map((x) => -x), K);
      const wt = w.map((x, k) => x + step[k]);
      const brt = implied(wt, startOf(br));
      const rt = residual(brt);
      const ft = ssr(rt);
      if (ft < f) {
        improved = true;
        const done = f - ft <= CALIBRATION_REL_TOL * f;
        [w, br, r, f] = [wt, brt, rt, ft];
        mu = Math.max(mu / 100, 1e-9); // the loop's mu *= 10 still follows: a successful step divides mu by 10
        if (done) return finish();
      }
    }
    if (!improved) break;
  }
  return finish();

  function finish() {
    const { M } = normal(J, r, n, K);
    const L = cholesky(M, K);
    const sigma2 = f / Math.max(1, n - K);
    const se = w.map((_, k) => {
      if (!L) return NaN;
      const e = choleskySolve(L, Float64Array.from(w, (__, m) => (m === k ? 1 : 0)), K);
      return Math.sqrt(sigma2 * e[k]);
    });
    return { w, br, se, iterations };
  }
}

/** J'J and J'r over the rows of J (default all; repeats allowed, as a bootstrap resample has them). */
function normal(J: Float64Array, r: Float64Array, n: number, K: number, rows: Iterable<number> = Array(n).keys()): { M: Float64Array; g: Float64Array } {
  const M = new Float64Array(K * K);
  const g = new Float64Array(K);
  for (const v of rows) {
    for (let p = 0; p < K; p++) {
      g[p] += J[v * K + p] * r[v];
      for (let q = 0; q < K; q++) M[p * K + q] += J[v * K + p] * J[v * K + q];
    }
  }
  return { M, g };
}

/** argmin over w of sum over `rows` (repeats allowed) of (b_v + A_v w)^2; undefined when not identified. */
function leastSquares(A: Float64Array, b: Float64Array, rows: readonly number[], K: number): number[] | undefined {
  const { M, g } = normal(A, b, b.length, K, rows);
  // Identified when the normal matrix is well conditioned relative to its own scale.
  let trace = 0;
  for (let p = 0; p < K; p++) trace += M[p * K + p];
  for (let p = 0; p < K; p++) if (!(M[p * K + p] > CALIBRATION_IDENTIFIED * trace)) return undefined;
  const L = cholesky(M, K);
  return L ? Array.from(choleskySolve(L, g.map((x) => -x), K)) : undefined;
}

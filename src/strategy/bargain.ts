/**
 * Trade talks (MODEL.md §2): generalised Nash bargaining among the
 * negotiating parties over their tariffs on each other and any linked issues,
 * everyone else's tariffs held fixed:
 *
 *   max_x  sum_k theta_k ln(U_k(x) - Ud_k)   s.t.  U_k(x) > Ud_k,  x in bounds.
 *
 * - Disagreement Ud: the status quo, given tariffs (e.g. what applies when a
 *   pause expires), or a deadline mixing the two: talks that fail keep the
 *   status quo until the deadline and the "after" tariffs from then on, so
 *   Ud_k = (1 - delta_k) U_k(before) + delta_k U_k(after), delta_k = exp(-r_k T).
 * - Outside options: a party's alternative deal with a third economy (tariff
 *   changes) that materialises with probability p if talks fail.
 * - Linked issues: extra variables with a value per unit to each party; an
 *   issue can move tariffs (decoupling: a party raises its barriers on a third
 *   economy), and the third economy may retaliate with probability p.
 * - Patience: theta_k = r_other / (r_k + r_other) (Rubinstein with short
 *   periods); for more than two parties theta_k is proportional to 1 / r_k.
 */
import type { World } from '../data/world.js';
import { ConvergenceError } from '../errors.js';
import { computeBaseline } from '../model/baseline.js';
import { incomeWithRevenue, moneyValue } from '../model/results.js';
import { minimise, type Minimised } from '../numeric/minimise.js';
import { softMin } from '../numeric/softmin.js';
import {
  BARGAIN_NEWTON_MAX,
  BARGAIN_STEP_TOL,
  BARGAIN_TOL,
  BETTER_BY,
  FLAT_REL_CHANGE,
  OBJECTIVE_NOISE,
  PHASE1_MAX_ITERATIONS,
  PHASE1_TAU_FIRST,
  PHASE1_TAU_LAST,
  PHASE1_TOL_FACTOR,
  PHASE1_WARM_MAX_STEP,
  SECOND_START_HALVINGS,
  START_DEDUP_RADIUS,
  SURPLUS_CLEAR,
  SURPLUS_MIN,
} from '../numeric/tolerances.js';
import { nashHessian, smoothMinHessian } from './curvature.js';
import { harbergerScale } from './game.js';
import { disagreementPayoffs, setUpBargain, type Bargain, type DisagreementValues, type NegotiationOptions } from './negotiation-setup.js';

export * from './negotiation-setup.js';

export interface AgreedTariff {
  importer: string;
  exporter: string;
  sector: string;
  rate: number;
  /** Rate at the status quo, for comparison. */
  before: number;
}

export interface Negotiation {
  /** false when no point gives every party more than its disagreement payoff. */
  agreement: boolean;
  converged: boolean;
  parties: string[];
  theta: Record<string, number>;
  tariffs: AgreedTariff[];
  issues: Record<string, number>;
  /** Payoffs (U units) at the agreement and at disagreement. */
  utility: Record<string, number>;
  disagreementUtility: Record<string, number>;
  gains: Record<string, number>;
  /** Gains in money: welfare gain over disagreement valued by moneyValue (model/results.ts). */
  ev: Record<string, number>;
  /** Welfare change (%) at the outcome (expected over states), relative to the baseline. */
  welfare: Record<string, number>;
  /** Baseline income with tariff revenue (Y + R) of each party, in the data's currency: what moneyValue scales. */
  income: Record<string, number>;
  /** The variables at the solution (for warm starts). */
  x: Float64Array;
  /** The parties' payoff Hessians as the search left them (for warm starts: NegotiationOptions.hessians). */
  hessians: readonly Float64Array[];
  iterations: number;
  /** Largest projected gradient of the Nash objective at x: below the tolerance when converged. */
  projectedGradient: number;
  world: World;
}

export function negotiate(world0: World, o: NegotiationOptions, warm?: Float64Array): Negotiation {
  const b = setUpBargain(world0, o);
  const nT = b.names.length;
  const issueStart = b.x0.slice(nT);
  return solveBargain(b, disagreementPayoffs(b, issueStart), b.theta, o, warm);
}

function solveBargain(b: Bargain, disagreement: DisagreementValues, theta: Float64Array, o: NegotiationOptions, warm?: Float64Array): Negotiation {
  const Ud = disagreement.U;
  const n = b.parties.length;
  // The Nash product is O(1) in logs; its value is only good to ~1e-14, so a gradient below 1e-7 is as far as a line search can see.
  const tol = o.tol ?? BARGAIN_TOL;
  const maxIterations = o.maxIterations ?? 500;
  const bounds = { lower: b.lower, upper: b.upper };
  // Payoffs are in percent; work with fractions so tolerances read as in logs.
  const scale = 100;
  // Phase 1: a point every party prefers to disagreement, by a smooth maximin (log-sum-exp),
  // sharpened until the true minimum is positive (surpluses can be 1e-6 of GDP).
  const surplus = (U: Float64Array) => U.map((u, p) => (u - Ud[p]) / scale);
  const weights = new Float64Array(n);
  const smoothMin = (tau: number) => (x: Float64Array) => {
    const { U, G } = b.curvature.evaluate(x);
    const s = surplus(U);
    const f = -softMin(s, tau, weights);
    const g = new Float64Array(x.length);
    for (let p = 0; p < n; p++) for (let k = 0; k < x.length; k++) g[k] -= (weights[p] * G[p][k]) / scale;
    return { f, g, positive: Math.min(...s) > SURPLUS_CLEAR };
  };
  /** Phase 1 from a start (`near`: a warm one, so short steps): a point every party prefers to disagreement, or undefined. */
  const phase1 = (start: Float64Array, near: boolean): Float64Array | undefined => {
    let x: Float64Array = Float64Array.from(start);
    let U = b.agreement.payoffs(x);
    for (let tau = PHASE1_TAU_FIRST; Math.min(...surplus(U)) <= SURPLUS_CLEAR && tau >= PHASE1_TAU_LAST; tau /= 10) {
      // Stop once every surplus is clearly positive (1e-6 of income): starting the log barrier
      // at a surplus of 1e-12 would leave phase 2 a needle to thread.
      let positive = false;
      const f = smoothMin(tau);
      const fg = (xx: Float64Array) => {
        const r = f(xx);
        positive = r.positive;
        return r;
      };
      const hessian = (xx: Float64Array, fresh: boolean) => smoothMinHessian(b.curvature.at(xx, fresh), surplus, tau, scale);
      const r = minimise(fg, x, { ...bounds, newtonMax: BARGAIN_NEWTON_MAX, tol: tau * PHASE1_TOL_FACTOR, maxIterations: PHASE1_MAX_ITERATIONS, stop: () => positive, hessian, maxStep: near ? PHASE1_WARM_MAX_STEP : undefined });
      x = r.x;
      U = b.agreement.payoffs(x);
      // A positive surplus already above the smoothing width will not grow by sharpening further.
      const m = Math.min(...surplus(U));
      if (m > 0 && tau < m) break;
      // The smooth maximin S bounds the true one: S <= max-min <= S + tau ln n. If even the upper
      // bound is negative at a converged point, no terms beat disagreement for everyone.
      if (r.converged && -r.f + tau * Math.log(n) < 0) break;
    }
    return Math.min(...surplus(U)) > SURPLUS_MIN ? x : undefined;
  };
  /** The point nearest `to` on the segment from `from` where every surplus is clearly positive, by halving; or undefined. */
  const feasibleToward = (from: Float64Array, to: Float64Array): Float64Array | undefined => {
    for (let h = 0, t = 1; h <= SECOND_START_HALVINGS; h++, t /= 2) {
      const x = Float64Array.from(from, (v, m) => v + t * (to[m] - v));
      if (Math.min(...surplus(b.agreement.payoffs(x))) > SURPLUS_CLEAR) return x;
    }
    return undefined;
  };
  // Phase 2: the generalised Nash product; points below disagreement are infeasible (f = Infinity).
  const nash = (xx: Float64Array) => {
    const { U: u, G } = b.curvature.evaluate(xx);
    const s = surplus(u);
    if (s.some((v) => !(v > 0))) return { f: Infinity, g: new Float64Array(xx.length) };
    let f = 0;
    // A payoff, as a share of income, is known to about OBJECTIVE_NOISE; its log surplus to that over the surplus.
    let noise = 0;
    const g = new Float64Array(xx.length);
    for (let p = 0; p < n; p++) {
      f -= theta[p] * Math.log(s[p]);
      noise += (theta[p] * OBJECTIVE_NOISE) / s[p];
      for (let k = 0; k < xx.length; k++) g[k] -= (theta[p] * G[p][k]) / scale / s[p];
    }
    return { f, g, noise };
  };
  // The Nash product need not be concave in the variables (linked issues trade off against
  // tariffs through the GE model), so start also with every linked issue at its upper bound and
  // keep the best: a deal with a large pledge and a low tariff can beat one with neither. A warm
  // start (the frontier's neighbouring point, itself the best of both) or a given one is followed alone.
  const nT = b.names.length;
  const given = o.start && o.start.length === b.x0.length ? Float64Array.from(o.start) : undefined;
  const starts: Float64Array[] = [Float64Array.from(warm ?? given ?? b.x0)];
  if (b.x0.length > nT && !given && !warm) {
    const high = Float64Array.from(b.x0);
    for (let k = nT; k < high.length; k++) high[k] = b.upper[k];
    starts.push(high);
  }
  let best: Minimised | undefined;
  let last: Minimised | undefined;
  const seen: Float64Array[] = [];
  for (const [k, start] of starts.entries()) {
    // After a first deal, the corner start needs no phase 1 of its own where the segment from that deal towards it
    // holds a point every party prefers to disagreement: the nearest such point to the corner (halving from it).
    const x1 = (k > 0 && best && feasibleToward(best.x, start)) || phase1(start, !!(warm ?? given));
    if (!x1) continue;
    // Starts that phase 1 brings to the same place need no second phase 2.
    if (seen.some((p) => p.every((v, k) => Math.abs(v - x1[k]) < START_DEDUP_RADIUS * Math.max(1, b.upper[k] - b.lower[k])))) continue;
    seen.push(x1);
    // Few variables, possibly badly conditioned (linear transfers): projected Newton on the payoffs' kept Hessians
    // (curvature.ts), BFGS beyond BARGAIN_NEWTON_MAX.
    // Newton stops on a step below stepTol, BFGS when the product no longer changes measurably (payoffs carry ~1e-13 of noise).
    const hessian = (xx: Float64Array, fresh: boolean) => nashHessian(b.curvature.at(xx, fresh), surplus, theta, scale);
    const res = minimise(nash, x1, { ...bounds, newtonMax: BARGAIN_NEWTON_MAX, tol, maxIterations, stepTol: BARGAIN_STEP_TOL, flatTol: FLAT_REL_CHANGE, scale: bargainScale(b), hessian });
    last = res;
    if (Number.isFinite(res.f) && res.converged && (!best || res.f < best.f - BETTER_BY)) best = res;
  }
  if (!last) return negotiationResult(b, b.x0, disagreement, theta, { agreement: false, converged: true, iterations: 0, projectedGradient: 0 });
  const res = best ?? last;
  if (!Number.isFinite(res.f)) throw new ConvergenceError('Nash bargaining (no feasible point)', res.projectedGradient, res.iterations);
  return negotiationResult(b, res.x, disagreement, theta, { agreement: true, converged: res.converged, iterations: res.iterations, projectedGradient: res.projectedGradient });
}

/**
 * BFGS's first guess of the inverse Hessian, relative between variables: a tariff's Harberger curvature (the flows it
 * taxes, game.ts harbergerScale); a linked issue, which has no flows, the smallest of the tariffs' (the most cautious
 * first step: on the US-JPN talks by sector with three issues it took 6.6 s, the tariffs' geometric mean 10.1 s and
 * their largest 21.8 s). Shanno-Phua scaling after the first step sets the magnitude.
 */
function bargainScale(b: Bargain): Float64Array {
  const nT = b.names.length;
  const coef = b.agreement.game.states[0].coef;
  const tariffs = harbergerScale(b.world, coef.slice(0, nT).map((c) => Array.from(c.cells)));
  return Float64Array.from({ length: b.x0.length }, (_, k) => (k < nT ? tariffs[k] : Math.min(...tariffs)));
}

/** How the search ended. */
interface SearchEnd {
  /** Whether a point beats disagreement for every party. */
  agreement: boolean;
  converged: boolean;
  iterations: number;
  /** Largest projected gradient of the Nash objective where the search stopped. */
  projectedGradient: number;
}

/**
 * The negotiation's outcome at x. An unconverged search is returned with
 * `converged: false` and its projected gradient, for the caller to report
 * (the CLI and the scenario report say so; Monte Carlo counts it as a failed draw).
 */
function negotiationResult(b: Bargain, x: Float64Array, disagreement: DisagreementValues, theta: Float64Array, end: SearchEnd): Negotiation {
  const { agreement, converged, iterations } = end;
  const U = b.agreement.payoffs(x);
  const Ud = disagreement.U;
  const disagreementWelfare = disagreement.welfare;
  const nT = b.names.length;
  const rec = (a: ArrayLike<number>) => Object.fromEntries(b.parties.map((p, k) => [p, a[k]]));
  const base = computeBaseline(b.world);
  const income = b.parties.map((p) => incomeWithRevenue(base, b.world.codes.indexOf(p)));
  // Money: the welfare part of the gain (U may weigh more than welfare), valued by moneyValue.
  const welfareAt = new Float64Array(b.parties.length);
  b.agreement.game.states.forEach((st, s) => b.agreement.parts(x, s).forEach((pp, p) => (welfareAt[p] += st.probability * pp.welfarePct)));
  const gains = U.map((u, p) => (agreement ? u - Ud[p] : 0));
  return {
    agreement,
    converged,
    parties: b.parties,
    theta: rec(theta),
    // A group of sectors sharing one rate (the goods not bargained apart) reports a row per sector.
    tariffs: b.names.flatMap((nm, m) => (nm.cells ?? [{ sector: nm.sector, before: nm.before }]).map((c) => ({ importer: nm.importer, exporter: nm.exporter, sector: c.sector, rate: agreement ? x[m] : c.before, before: c.before }))),
    issues: Object.fromEntries(b.issueNames.map((name, m) => [name, x[nT + m]])),
    utility: rec(agreement ? U : Ud),
    disagreementUtility: rec(Ud),
    gains: rec(gains),
    ev: rec(b.parties.map((_, p) => (agreement ? moneyValue((welfareAt[p] - disagreementWelfare[p]) / 100, income[p]) : 0))),
    welfare: rec(agreement ? welfareAt : disagreementWelfare),
    income: rec(income),
    x,
    hessians: b.curvature.kept,
    iterations,
    projectedGradient: end.projectedGradient,
    world: b.world,
  };
}

/**
 * The Pareto frontier between the first two parties: the bargaining solutions
 * for theta_1 from near 0 to near 1 (each is Pareto-efficient), as [U_1, U_2].
 * Each point starts from its neighbour, the first from `from` (the deal) when given.
 */
export function paretoFrontier(world0: World, o: NegotiationOptions, points = 11, from?: Float64Array): { frontier: [number, number][]; disagreement: [number, number] } {
  const b = setUpBargain(world0, o);
  const nT = b.names.length;
  const disagreement = disagreementPayoffs(b, b.x0.slice(nT));
  const Ud = disagreement.U;
  const frontier: [number, number][] = [];
  let warm = from;
  for (let q = 0; q < points; q++) {
    const t1 = 0.02 + (0.96 * q) / (points - 1);
    const theta = new Float64Array(b.parties.length).fill((1 - t1) / (b.parties.length - 1));
    theta[0] = t1;
    const r = solveBargain(b, disagreement, theta, o, warm);
    if (!r.agreement) break;
    warm = r.x;
    frontier.push([r.utility[b.parties[0]], r.utility[b.parties[1]]]);
  }
  return { frontier, disagreement: [Ud[0], Ud[1]] };
}

/** A lever of a negotiation: an outside option, a linked issue, or a party's patience. */

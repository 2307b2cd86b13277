/**
 * Efficient cooperative tariffs with equal gains (Ossa 2014's trade talks):
 * the governments jointly choose all their tariffs on each other, within
 * bounds, to maximise the smallest gain in their objectives over a threat
 * point (the tariffs the talks start from), so that at the solution every
 * government gains the same. Third economies' tariffs stay as they are.
 *
 * Method: the smallest gain is smoothed by a log-sum-exp soft minimum with
 * width tau (its error is at most tau ln n), maximised by the projected BFGS
 * of optimize.ts with adjoint gradients of all objectives at once (one
 * equilibrium and one LU per evaluation), and tau is shrunk with warm starts.
 */
import { economyIndex, type World } from '../data/world.js';
import { InputError } from '../errors.js';
import { direction, GameEvaluator, harbergerScale } from './game.js';
import { bindObjective, type Objective } from './gradient.js';
import { minimise } from '../numeric/minimise.js';
import { softMin } from '../numeric/softmin.js';
import { COOPERATE_STALL_TOL, COOPERATE_STALL_WINDOW, COOPERATE_TAU_FIRST, COOPERATE_TAU_LAST, COOPERATE_TOL } from '../numeric/tolerances.js';
import type { DeficitRule } from '../model/system.js';

export interface CooperationOptions {
  /** The governments at the table (codes). */
  parties: readonly string[];
  /** Tariffs the talks start from (the threat point), [i][j][s]; their payoffs are the zero of every gain. */
  start: Float64Array;
  /** Each party's objective (default welfare). */
  objectives?: Readonly<Record<string, Objective>>;
  lower?: number;
  upper?: number;
  /** Deficit rule of the (already prepared) world; default fixed. */
  rule?: DeficitRule;
  /** Final smoothing width of the soft minimum, in objective units (percent); default 1e-3. */
  tau?: number;
  maxIterations?: number;
}

export interface Cooperation {
  converged: boolean;
  iterations: number;
  /** Tariffs at the solution, [i][j][s]. */
  tariffs: Float64Array;
  /** Each party's objective at the start and at the solution (percent, relative to the world's baseline). */
  before: number[];
  after: number[];
  /** Gain of each party over the start: the percentage change of 1 + U/100 (equal for all at the solution). */
  gains: number[];
  /** Largest minus smallest gain: how equal the solution is. */
  spread: number;
}


/** 100 ln((1 + U/100) / (1 + U0/100)): the log gain over the start, in percent. */
function relGain(U: number, U0: number): number {
  return 100 * Math.log((100 + U) / (100 + U0));
}

export function cooperate(world: World, o: CooperationOptions): Cooperation {
  const { N, S } = world;
  const lower = o.lower ?? 0;
  const upper = o.upper ?? 10;
  if (!(lower > -1) || !(upper > lower)) throw new InputError(`bounds must satisfy -1 < lower < upper, found [${lower}, ${upper}]`);
  const parties = o.parties.map((c) => economyIndex(world, c, 'parties'));
  if (parties.length < 2) throw new InputError('cooperation needs at least two parties');
  // One variable per tariff a party sets on another party.
  const cells: number[] = [];
  for (const j of parties) for (const i of parties) if (i !== j) for (let s = 0; s < S; s++) cells.push((i * N + j) * S + s);
  const base = Float64Array.from(o.start);
  for (const c of cells) base[c] = 0;
  const objs = parties.map((k) => bindObjective(world, k, o.objectives?.[world.codes[k]]));
  const evaluator = new GameEvaluator({
    world,
    rule: o.rule ?? 'fixed',
    variables: cells.map((c) => ({ name: String(c), lower, upper, start: o.start[c] })),
    states: [{ probability: 1, base, costFactors: new Float64Array(N * N * S).fill(1), coef: cells.map((c) => direction([c])) }],
    parties: objs,
  });
  const x0 = Float64Array.from(cells, (c) => Math.min(upper, Math.max(lower, o.start[c])));
  const before = Array.from(evaluator.payoffs(x0));
  const scale = harbergerScale(world, cells.map((c) => [c]));
  const P = parties.length;
  const w = new Float64Array(P);
  const gain = new Float64Array(P);
  let x: Float64Array = x0;
  let iterations = 0;
  let converged = false;
  const tauFinal = o.tau ?? COOPERATE_TAU_LAST;
  for (let tau = Math.max(COOPERATE_TAU_FIRST, tauFinal); ; tau = Math.max(tauFinal, tau / 10)) {
    // Gains are relative: 100 ln((1 + U/100) / (1 + U0/100)), so "equal gains" means equal percentage
    // changes over the start. f = -softmin / 100, so the tolerances read as in log welfare.
    const fg = (xv: Float64Array) => {
      const { U, G } = evaluator.evaluate(xv);
      for (let p = 0; p < P; p++) gain[p] = relGain(U[p], before[p]);
      const soft = softMin(gain, tau, w);
      const g = new Float64Array(xv.length);
      for (let p = 0; p < P; p++) {
        const wp = w[p] / (100 + U[p]);
        for (let v = 0; v < g.length; v++) g[v] -= wp * G[p][v];
      }
      return { f: -soft / 100, g };
    };
    // Stop when the smallest gain has stalled: tariffs on negligible flows can keep drifting
    // long after every gain is fixed to 1e-7 percentage points.
    const history: number[] = [];
    const stalled = (_: Float64Array, f: number): boolean => {
      history.push(f);
      return history.length > COOPERATE_STALL_WINDOW && history[history.length - 1 - COOPERATE_STALL_WINDOW] - f < COOPERATE_STALL_TOL;
    };
    const res = minimise(fg, x, { lower: new Float64Array(cells.length).fill(lower), upper: new Float64Array(cells.length).fill(upper), tol: COOPERATE_TOL, maxIterations: o.maxIterations ?? 3000, scale, stop: stalled });
    x = res.x;
    iterations += res.iterations;
    converged = res.converged;
    if (tau <= tauFinal) break;
  }
  const after = Array.from(evaluator.payoffs(x));
  const gains = after.map((u, p) => 100 * ((100 + u) / (100 + before[p]) - 1));
  return { converged, iterations, tariffs: evaluator.tariffs(x), before, after, gains, spread: Math.max(...gains) - Math.min(...gains) };
}

/**
 * The parties' payoff Hessians over a game's variables, for projected Newton
 * on objectives built from the payoffs (the Nash product, the smooth maximin).
 * Forward differences of the exact gradients cost one equilibrium per variable
 * and state; a payoff's curvature (Harberger triangles, the terms of trade)
 * changes slowly with the tariffs, while the objective's own nonlinearity
 * (ln of a surplus that may be 1e-6 of income) changes fast. So the payoff
 * Hessians are differenced once, kept, and corrected after every step by the
 * secant condition (a symmetric rank-one update per party, which allows the
 * indefinite curvature payoffs have); the objective's Hessian is assembled
 * from them and the exact gradients at each point. Differencing is repeated
 * only when the minimiser asks for it (a step along the model failed, or was
 * small enough to count as convergence).
 */
import { HESSIAN_STEP, SR1_SKIP } from '../numeric/tolerances.js';
import { softMin } from '../numeric/softmin.js';
import type { GameEvaluator, GameValue } from './game.js';

interface Evaluated extends GameValue {
  x: Float64Array;
}

/** Points kept for lookup: the minimiser asks for the Hessian at its current point, one of the last few evaluated. */
const KEPT = 4;

export class PayoffCurvature {
  /** Per party, the payoff Hessian (n x n, row-major), once differenced. */
  private hessians?: Float64Array[];
  private readonly recent: Evaluated[] = [];
  /** The point of the last Hessian asked for, whose gradients the next secant pair starts from. */
  private anchor?: Evaluated;

  /** `start`: payoff Hessians to begin with instead of differencing (used only if there is one n x n per party). */
  constructor(
    private readonly evaluator: GameEvaluator,
    start?: readonly ArrayLike<number>[],
  ) {
    const n = evaluator.game.variables.length;
    if (start?.length === evaluator.game.parties.length && start.every((H) => H.length === n * n)) this.hessians = start.map((H) => Float64Array.from(H));
  }

  /** A copy of the payoff Hessians as last updated (none before the first is asked for): a neighbouring search can start from them. */
  get kept(): Float64Array[] {
    return this.hessians?.map((H) => Float64Array.from(H)) ?? [];
  }

  /** Payoffs and gradients at x (as GameEvaluator.evaluate), remembered for the Hessian. */
  evaluate(x: Float64Array): GameValue {
    const v = this.evaluator.evaluate(x);
    this.recent.push({ x: Float64Array.from(x), U: v.U, G: v.G });
    if (this.recent.length > KEPT) this.recent.shift();
    return v;
  }

  /**
   * Payoffs, gradients and payoff Hessians at x (an evaluated point, or evaluated now): the kept
   * Hessians updated by the step from the last point asked for, or differenced afresh at x.
   */
  at(x: Float64Array, fresh: boolean): PayoffsAt {
    const here = this.recent.find((e) => e.x.every((v, k) => v === x[k])) ?? { x: Float64Array.from(x), ...this.evaluator.evaluate(x) };
    if (fresh || !this.hessians) this.hessians = this.differenced(here);
    else if (this.anchor) this.secantUpdate(this.anchor, here);
    this.anchor = here;
    return { U: here.U, G: here.G, H: this.hessians };
  }

  /** Each party's payoff Hessian by forward differences of its exact gradient (one evaluation per variable). */
  private differenced(at: Evaluated): Float64Array[] {
    const n = at.x.length;
    const lower = this.evaluator.game.variables.map((v) => v.lower);
    const upper = this.evaluator.game.variables.map((v) => v.upper);
    const H = at.G.map(() => new Float64Array(n * n));
    for (let c = 0; c < n; c++) {
      const h = HESSIAN_STEP * Math.max(1, Math.abs(at.x[c]));
      const step = at.x[c] + h <= upper[c] || at.x[c] - h < lower[c] ? h : -h;
      const xp = Float64Array.from(at.x);
      xp[c] += step;
      const { G } = this.evaluator.evaluate(xp);
      H.forEach((Hp, p) => {
        for (let r = 0; r < n; r++) Hp[r * n + c] = (G[p][r] - at.G[p][r]) / step;
      });
    }
    for (const Hp of H) {
      for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) Hp[a * n + b] = Hp[b * n + a] = (Hp[a * n + b] + Hp[b * n + a]) / 2;
    }
    return H;
  }

  /** B += (y - Bs)(y - Bs)' / (y - Bs)'s per party, skipped where the denominator is negligible (Nocedal & Wright 6.26). */
  private secantUpdate(from: Evaluated, to: Evaluated): void {
    const n = to.x.length;
    const s = Float64Array.from(to.x, (v, k) => v - from.x[k]);
    let ss = 0;
    for (let k = 0; k < n; k++) ss += s[k] * s[k];
    if (ss === 0) return;
    const r = new Float64Array(n);
    this.hessians!.forEach((B, p) => {
      let rs = 0;
      let rr = 0;
      for (let a = 0; a < n; a++) {
        let Bs = 0;
        for (let b = 0; b < n; b++) Bs += B[a * n + b] * s[b];
        r[a] = to.G[p][a] - from.G[p][a] - Bs;
        rs += r[a] * s[a];
        rr += r[a] * r[a];
      }
      if (!(Math.abs(rs) > SR1_SKIP * Math.sqrt(ss * rr))) return;
      for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) B[a * n + b] += (r[a] * r[b]) / rs;
    });
  }
}

/** Payoffs, their gradients and Hessians at a point (PayoffCurvature.at). */
export interface PayoffsAt {
  U: Float64Array;
  G: Float64Array[];
  H: Float64Array[];
}

/**
 * The Hessian of the Nash objective -sum_p theta_p ln s_p, s_p = (U_p - Ud_p) / scale:
 * sum_p theta_p (G_p G_p' / (scale s_p)^2 - H_p / (scale s_p)). The second term carries the
 * payoffs' curvature, the first the logarithm's, exact at every point.
 */
export function nashHessian(at: PayoffsAt, surplus: (U: Float64Array) => Float64Array, theta: Float64Array, scale: number): Float64Array | undefined {
  const s = surplus(at.U);
  if (s.some((v) => !(v > 0))) return undefined;
  const n = at.G[0].length;
  const H = new Float64Array(n * n);
  at.G.forEach((G, p) => {
    const a = theta[p] / (scale * s[p]);
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) H[r * n + c] += a * ((a / theta[p]) * G[r] * G[c] - at.H[p][r * n + c]);
  });
  return H;
}

/**
 * The Hessian of phase 1's objective -softmin_tau(s), with softmax weights w_p and g_p = G_p / scale:
 * -sum_p w_p H_p / scale + (sum_p w_p g_p g_p' - gbar gbar') / tau, gbar = sum_p w_p g_p.
 */
export function smoothMinHessian(at: PayoffsAt, surplus: (U: Float64Array) => Float64Array, tau: number, scale: number): Float64Array {
  const w = new Float64Array(at.U.length);
  softMin(surplus(at.U), tau, w);
  const n = at.G[0].length;
  const H = new Float64Array(n * n);
  const gbar = new Float64Array(n);
  at.G.forEach((G, p) => {
    for (let r = 0; r < n; r++) gbar[r] += (w[p] * G[r]) / scale;
  });
  at.G.forEach((G, p) => {
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) H[r * n + c] += w[p] * ((G[r] * G[c]) / (scale * scale * tau) - at.H[p][r * n + c] / scale);
  });
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) H[r * n + c] -= (gbar[r] * gbar[c]) / tau;
  return H;
}

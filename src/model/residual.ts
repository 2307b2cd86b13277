/**
 * The equations the core model is solved on, defined once for the Newton
 * solve (equilibrium.ts) and the adjoint gradients of strategy (the
 * multipliers mu, adjointMultipliers below): F(w) = (excess_i / L_i for every market but the
 * last; the numeraire), where L is labour income (output under Armington).
 * The last market clears by Walras' law. Rows are scaled by L so every
 * equation reads as a share of the economy's income.
 */
import { dot, luFactor, luSolveTranspose } from '../numeric/linalg.js';
import type { Baseline } from './baseline.js';
import { SecantJacobian } from '../numeric/secant.js';

/**
 * What the solver needs of an equilibrium system in factor prices: the core
 * model (system.ts) and the input-output model (io-system.ts) both are one.
 */
export interface MarketSystem {
  readonly N: number;
  readonly base: Baseline;
  /** Labour income per economy at baseline, the rows' scale and the numeraire's weights. */
  readonly L: Float64Array;
  readonly sumL: number;
  /** Excess demand for labour at the last evaluated point. */
  readonly excess: Float64Array;
  /** Largest N for which Newton forms the Jacobian and factors it; above it, GMRES on jvp(). */
  readonly directMaxN: number;
  /** Run damped excess-demand steps before Newton: worth it only where an evaluation is much cheaper than a Newton step. */
  readonly dampedStart: boolean;
  /** Evaluate at factor prices w; returns max_i |excess_i| / L_i (NaN if undefined). */
  evaluate(w: ArrayLike<number>): number;
  jvp(v: ArrayLike<number>, out: Float64Array): void;
  jacobian(J: Float64Array): void;
  /** An approximation of the Jacobian's diagonal (GMRES preconditioner). */
  diagonal(out: Float64Array): void;
  /** Told the relative accuracy the next products with the Jacobian need (krylov.ts), so their inner solves may be loose; 0 = full accuracy. */
  tangentAccuracy?(accuracy: number): void;
  /**
   * dF/dw as last formed exactly (for adjoint gradients), then kept up to date from every product with it at later
   * points (numeric/secant.ts): the Krylov solvers' preconditioner at the next points, which in strategy lie close by,
   * so a Newton direction or a set of multipliers costs one or two products instead of many.
   */
  jacobianEstimate?: SecantJacobian;
}

/** The market whose equation is replaced by the numeraire. */
export function droppedMarket(sys: Pick<MarketSystem, 'N'>): number {
  return sys.N - 1;
}

/** Numeraire residual: world labour income fixed, sum_i w_i L_i = sum_i L_i. */
export function numeraireResidual(sys: MarketSystem, w: Float64Array): number {
  return (dot(w, sys.L) - sys.sumL) / sys.sumL;
}

/**
 * Evaluate the system at w and fill F; returns the convergence measure: the
 * largest |excess_i| / L_i over every market (the dropped one included) and
 * the numeraire residual.
 */
export function residual(sys: MarketSystem, w: Float64Array, F: Float64Array): number {
  sys.evaluate(w);
  return currentResidual(sys, w, F);
}

/** As `residual`, at the point the system last evaluated (w), without evaluating again. */
export function currentResidual(sys: MarketSystem, w: Float64Array, F: Float64Array): number {
  const L = sys.L;
  let worst = 0;
  for (let i = 0; i < sys.N; i++) {
    F[i] = sys.excess[i] / L[i];
    const r = Math.abs(sys.excess[i]) / L[i];
    if (!(r <= worst)) worst = r; // NaN wins, as in the systems' evaluate
  }
  const num = numeraireResidual(sys, w);
  F[droppedMarket(sys)] = num;
  return Math.max(worst, Math.abs(num));
}

/** dF/dw at the system's current point, row-major N x N (from the analytic Jacobian of excess demand). */
export function residualJacobian(sys: MarketSystem, J: Float64Array): void {
  const { N } = sys;
  sys.jacobian(J);
  for (let m = 0; m < N; m++) jacobianColumn(sys, m, J, J, m, N);
}

/**
 * Column m of dF/dw from column m of the excess-demand Jacobian (`raw`, read at
 * raw[i * stride + offset]), written into J (row-major N x N).
 */
export function jacobianColumn(sys: MarketSystem, m: number, raw: Float64Array, J: Float64Array, offset = 0, stride = 1): void {
  const { N } = sys;
  const L = sys.L;
  const drop = droppedMarket(sys);
  for (let i = 0; i < N; i++) J[i * N + m] = i === drop ? L[m] / sys.sumL : raw[i * stride + offset] / L[i];
}

/** dF/dw times v (for GMRES): out = scaled J v. */
export function residualJvp(sys: MarketSystem, v: Float64Array, out: Float64Array): void {
  sys.jvp(v, out);
  const L = sys.L;
  for (let i = 0; i < sys.N; i++) out[i] /= L[i];
  out[droppedMarket(sys)] = dot(v, L) / sys.sumL;
}

/** The full Jacobian d(excess)/dw (row-major N x N) by N Jacobian-vector products on unit vectors. */
export function jacobianByProducts(sys: Pick<MarketSystem, 'N' | 'jvp'>, J: Float64Array): void {
  const { N } = sys;
  const e = new Float64Array(N);
  const col = new Float64Array(N);
  for (let k = 0; k < N; k++) {
    e[k] = 1;
    sys.jvp(e, col);
    e[k] = 0;
    for (let i = 0; i < N; i++) J[i * N + k] = col[i];
  }
}

/**
 * The adjoint multipliers mu of each objective: (dF/dw)' mu = (dU/dw)', with
 * dF/dw (the solver's equations, model/residual.ts) built column by column
 * from N Jacobian-vector products; dUdw(o, m) is objective o's derivative
 * along w_m, read from the system's tangent right after the product.
 */
export function adjointMultipliers(sys: MarketSystem, count: number, dUdw: (o: number, m: number) => number): Float64Array[] {
  const { N } = sys;
  const J = new Float64Array(N * N);
  const Uw = Array.from({ length: count }, () => new Float64Array(N));
  const e = new Float64Array(N);
  const col = new Float64Array(N);
  for (let m = 0; m < N; m++) {
    e[m] = 1;
    sys.jvp(e, col);
    for (let o = 0; o < count; o++) Uw[o][m] = dUdw(o, m);
    e[m] = 0;
    jacobianColumn(sys, m, col, J);
  }
  (sys.jacobianEstimate ??= new SecantJacobian(N)).set(J);
  const piv = new Int32Array(N);
  luFactor(J, N, piv);
  return Uw.map((rhs) => {
    const mu = new Float64Array(N);
    luSolveTranspose(J, N, piv, rhs, mu);
    return mu;
  });
}

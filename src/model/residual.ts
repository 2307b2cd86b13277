/**
 * The equations the core model is solved on, defined once for the Newton
 * solve (equilibrium.ts) and the adjoint gradients of strategy
 * (strategy/gradient.ts): F(w) = (excess_i / L_i for every market but the
 * last; the numeraire), where L is labour income (output under Armington).
 * The last market clears by Walras' law. Rows are scaled by L so every
 * equation reads as a share of the economy's income.
 */
import { dot } from '../numeric/linalg.js';
import type { EquilibriumSystem } from './system.js';

/** The market whose equation is replaced by the numeraire. */
export function droppedMarket(sys: Pick<EquilibriumSystem, 'N'>): number {
  return sys.N - 1;
}

/** Numeraire residual: world labour income fixed, sum_i w_i L_i = sum_i L_i. */
export function numeraireResidual(sys: EquilibriumSystem, w: Float64Array): number {
  return (dot(w, sys.L) - sys.sumL) / sys.sumL;
}

/**
 * Evaluate the system at w and fill F; returns the convergence measure: the
 * largest |excess_i| / L_i over every market (the dropped one included) and
 * the numeraire residual.
 */
export function residual(sys: EquilibriumSystem, w: Float64Array, F: Float64Array): number {
  sys.evaluate(w);
  return currentResidual(sys, w, F);
}

/** As `residual`, at the point the system last evaluated (w), without evaluating again. */
export function currentResidual(sys: EquilibriumSystem, w: Float64Array, F: Float64Array): number {
  const L = sys.L;
  let worst = 0;
  for (let i = 0; i < sys.N; i++) {
    F[i] = sys.excess[i] / L[i];
    const r = Math.abs(sys.excess[i]) / L[i];
    if (!(r <= worst)) worst = r; // NaN wins, as in EquilibriumSystem.evaluate
  }
  const num = numeraireResidual(sys, w);
  F[droppedMarket(sys)] = num;
  return Math.max(worst, Math.abs(num));
}

/** dF/dw at the system's current point, row-major N x N (from the analytic Jacobian of excess demand). */
export function residualJacobian(sys: EquilibriumSystem, J: Float64Array): void {
  const { N } = sys;
  sys.jacobian(J);
  for (let m = 0; m < N; m++) jacobianColumn(sys, m, J, J, m, N);
}

/**
 * Column m of dF/dw from column m of the excess-demand Jacobian (`raw`, read at
 * raw[i * stride + offset]), written into J (row-major N x N).
 */
export function jacobianColumn(sys: EquilibriumSystem, m: number, raw: Float64Array, J: Float64Array, offset = 0, stride = 1): void {
  const { N } = sys;
  const L = sys.L;
  const drop = droppedMarket(sys);
  for (let i = 0; i < N; i++) J[i * N + m] = i === drop ? L[m] / sys.sumL : raw[i * stride + offset] / L[i];
}

/** dF/dw times v (for GMRES): out = scaled J v. */
export function residualJvp(sys: EquilibriumSystem, v: Float64Array, out: Float64Array): void {
  sys.jvp(v, out);
  const L = sys.L;
  for (let i = 0; i < sys.N; i++) out[i] /= L[i];
  out[droppedMarket(sys)] = dot(v, L) / sys.sumL;
}

/**
 * Gradients of a government's welfare with respect to tariffs, without
 * re-solving the equilibrium (MODEL.md §2). With the equilibrium written as
 * F(w, t) = 0 (scaled market clearing for N-1 economies plus the numeraire)
 * and U(w, t) = ln W_k:
 *
 *   dU/dt = dU/dt|_w - mu' dF/dt|_w,   where (dF/dw)' mu = (dU/dw)'
 *
 * one transpose solve per objective, whatever the number of tariffs; each
 * tariff direction then costs one O(N^2 S) tangent at fixed w.
 */
import type { EquilibriumSystem, Tangent } from '../model/system.js';
import { luFactor, luSolveTranspose } from '../model/linalg.js';

export interface WelfareGradient {
  /** ln W_k at the current point (W = welfare change factor, MODEL.md §1). */
  lnWelfare: number;
  /** d ln W_k / d theta for each direction given. */
  gradient: Float64Array;
}

/** ln W_k and its derivative along a tangent (dw = v, or dw = 0 for a tariff tangent). */
function welfareParts(sys: EquilibriumSystem, k: number, tan: Tangent | null, vk: number): number {
  const { S, w, Ep, rho, Q } = sys;
  const { Y, R, beta, world } = sys.base;
  const eps = world.eps;
  const income = w[k] * Y[k] + Ep[k] * rho[k]; // what Y + R'
  if (!tan) {
    let v = Math.log(income) - Math.log(Y[k] + R[k]);
    for (let s = 0; s < S; s++) if (beta[k * S + s] > 0) v += (beta[k * S + s] * Math.log(Q[k * S + s])) / eps[s];
    return v;
  }
  let d = (Y[k] * vk + tan.dE[k] * rho[k] + Ep[k] * tan.dRho[k]) / income;
  for (let s = 0; s < S; s++) d += (beta[k * S + s] * tan.dlnQ[k * S + s]) / eps[s];
  return d;
}

/**
 * d ln W_k / d theta at the equilibrium `sys` holds (it must be solved and
 * evaluated there), for tariff directions dt ([i][j][s] each).
 */
export function welfareGradient(sys: EquilibriumSystem, k: number, directions: readonly Float64Array[]): WelfareGradient {
  const { N } = sys;
  const Y = sys.base.Y;
  const drop = N - 1; // same equations as the solver: its market clears by Walras' law
  const J = new Float64Array(N * N); // scaled dF/dw, filled column by column
  const Uw = new Float64Array(N);
  const e = new Float64Array(N);
  const col = new Float64Array(N);
  for (let m = 0; m < N; m++) {
    e[m] = 1;
    sys.jvp(e, col);
    Uw[m] = welfareParts(sys, k, sys.tangent(), m === k ? 1 : 0);
    e[m] = 0;
    for (let i = 0; i < N; i++) J[i * N + m] = i === drop ? Y[m] / sys.sumY : col[i] / Y[i];
  }
  // The adjoint: J' mu = dU/dw.
  const piv = new Int32Array(N);
  luFactor(J, N, piv);
  const mu = new Float64Array(N);
  luSolveTranspose(J, N, piv, Uw, mu);
  const gradient = new Float64Array(directions.length);
  directions.forEach((dt, d) => {
    sys.tariffTangent(dt);
    const tan = sys.tangent();
    let g = welfareParts(sys, k, tan, 0);
    for (let i = 0; i < N; i++) if (i !== drop) g -= (mu[i] * tan.dExcess[i]) / Y[i];
    gradient[d] = g;
  });
  return { lnWelfare: welfareParts(sys, k, null, 0), gradient };
}

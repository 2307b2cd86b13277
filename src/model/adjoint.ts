/**
 * Reverse mode of the tariff tangent (the adjoint pass of EquilibriumSystem):
 * dPhi/dt'[i][j][s] for every cell at once, O(N^2 S) whatever the number of
 * tariffs, from a scalar's seeds on the system's quantities at fixed w.
 *   x = seeds.excess:  u_bar += x_i E'_j,  up_bar -= x_i E'_j,  E_bar_j += sum_i x_i (u - up)_ij
 *   E' = M^-1 A0, M = diag(1 - rho) - up:  z = M^-T E_bar,  rho_bar_j += z_j E'_j,  up_bar_jk += z_j E'_k
 *   u, up, rho -> lam', g;  lam' = a w^-eps / Q -> a, Q;  a, g -> t'.
 * Seeds are read, not changed.
 */
import { luSolveTranspose } from '../numeric/linalg.js';
import type { EquilibriumSystem, TariffSeeds } from './system.js';

interface AdjointScratch {
  ubar: Float64Array;
  upbar: Float64Array;
  rhobar: Float64Array;
  ebar: Float64Array;
  z: Float64Array;
  Qbar: Float64Array;
  pair: Float64Array;
}

/** Work buffers per system, allocated on its first reverse pass. */
const scratch = new WeakMap<EquilibriumSystem, AdjointScratch>();

function adjointScratch(sys: EquilibriumSystem): AdjointScratch {
  let sc = scratch.get(sys);
  if (!sc) {
    const { N, S } = sys;
    sc = { ubar: new Float64Array(N * N), upbar: new Float64Array(N * N), rhobar: new Float64Array(N), ebar: new Float64Array(N), z: new Float64Array(N), Qbar: new Float64Array(N * S), pair: new Float64Array(2) };
    scratch.set(sys, sc);
  }
  return sc;
}

export function tariffAdjoint(sys: EquilibriumSystem, seeds: TariffSeeds, out: Float64Array): void {
  const { N, S, a, g, wpow, invQ, cb, u, up, Ep, tPrime } = sys;
  const { beta, world, profitShare } = sys.base;
  const eps = world.eps;
  const krugman = sys.krugman;
  const NS = N * S;
  const sc = adjointScratch(sys);
  const { ubar, upbar, rhobar, ebar, z, Qbar } = sc;
  ubar.set(seeds.u);
  if (krugman) upbar.set(seeds.up);
  rhobar.set(seeds.rho);
  ebar.set(seeds.E);
  const x = seeds.excess;
  for (let i = 0; i < N; i++) {
    if (x[i] === 0) continue;
    for (let j = 0; j < N; j++) {
      const ij = i * N + j;
      ubar[ij] += x[i] * Ep[j];
      ebar[j] += x[i] * u[ij];
      if (krugman) {
        upbar[ij] -= x[i] * Ep[j];
        ebar[j] -= x[i] * up[ij];
      }
    }
  }
  const sales = seeds.sales;
  if (sales) {
    const k = sales.exporter;
    for (let j = 0; j < N; j++) {
      const b = (k * N + j) * S;
      let v = 0;
      for (let s = 0; s < S; s++) v += sales.weight[s] * a[b + s] * wpow[k * S + s] * cb[j * S + s] * g[b + s];
      ebar[j] += v;
    }
  }
  if (krugman) luSolveTranspose(sys.M, N, sys.piv, ebar, z);
  else for (let j = 0; j < N; j++) z[j] = ebar[j] / (1 - sys.rho[j]);
  for (let j = 0; j < N; j++) {
    rhobar[j] += z[j] * Ep[j];
    if (krugman) for (let k = 0; k < N; k++) upbar[j * N + k] += z[j] * Ep[k];
  }
  // lam'-bar and g-bar per cell, from u, up, rho (and the sales seed); Q-bar summed per column.
  for (let js = 0; js < NS; js++) Qbar[js] = seeds.lnQ[js] * invQ[js];
  const lgBar = (i: number, j: number, s: number, k: number, l: number, out2: Float64Array): void => {
    const ij = i * N + j;
    const bj = beta[j * S + s];
    const coef = ubar[ij] + (krugman ? profitShare[s] * upbar[ij] : 0);
    let lb = bj * (coef * g[k] + rhobar[j] * (1 - g[k]));
    let gb = bj * l * (coef - rhobar[j]);
    if (sales && i === sales.exporter) {
      lb += sales.weight[s] * bj * g[k] * Ep[j];
      gb += sales.weight[s] * bj * l * Ep[j];
    }
    out2[0] = lb;
    out2[1] = gb;
  }
  const pair = sc.pair;
  for (let i = 0; i < N; i++) {
    for (let js = 0, s = 0, j = 0; js < NS; js++) {
      const k = i * NS + js;
      const l = a[k] * wpow[i * S + s] * invQ[js];
      if (l !== 0) {
        lgBar(i, j, s, k, l, pair);
        Qbar[js] -= pair[0] * l * invQ[js];
      }
      if (++s === S) {
        s = 0;
        j++;
      }
    }
  }
  for (let i = 0; i < N; i++) {
    for (let js = 0, s = 0, j = 0; js < NS; js++) {
      const k = i * NS + js;
      const l = a[k] * wpow[i * S + s] * invQ[js];
      let abar = Qbar[js] * wpow[i * S + s];
      let gb = 0;
      if (l !== 0) {
        lgBar(i, j, s, k, l, pair);
        abar += pair[0] * wpow[i * S + s] * invQ[js];
        gb = pair[1];
      }
      out[k] = (abar * -eps[s] * a[k]) / (1 + tPrime[k]) - gb * g[k] * g[k];
      if (++s === S) {
        s = 0;
        j++;
      }
    }
  }
}

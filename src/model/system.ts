/**
 * The equilibrium system in changes (exact hat algebra, MODEL.md §1): given
 * factor-price changes `what`, evaluate import shares, expenditure, sales and
 * excess demand, and the analytic Jacobian d(excess)/d(what).
 *
 * All arrays are allocated once per system and reused by every evaluation:
 * a solve, a best response or a Monte Carlo draw never allocates per element.
 */
import type { Baseline } from './baseline.js';

/**
 * How deficits behave in the counterfactual (MODEL.md §1):
 * - `fixed`: D' = D in units of the numeraire (world output).
 * - `zero`: D' = 0 (used to purge deficits; the public option is `balanced`).
 * - `proportional`: spending before tariff revenue keeps its ratio to output,
 *   scaled by one world scalar kappa so deficits add to zero (Yotov et al. 2016; gegravity).
 */
export type DeficitRule = 'fixed' | 'zero' | 'proportional';

export class EquilibriumSystem {
  readonly N: number;
  readonly S: number;
  readonly base: Baseline;
  readonly rule: DeficitRule;
  /** New tariffs t' and iceberg changes dhat, [i][j][s]. */
  readonly tPrime: Float64Array;
  readonly dhat: Float64Array;

  // Fixed per system: a = lam * tauhat^-eps, m = t'/(1+t'), g = 1/(1+t').
  private readonly a: Float64Array;
  private readonly m: Float64Array;
  private readonly g: Float64Array;
  private readonly YD: Float64Array; // Y + D, for the proportional rule
  readonly sumY: number;

  // State of the last evaluation.
  readonly w: Float64Array;
  private readonly wpow: Float64Array; // w_i^-eps_s, [i][s]
  /** Q[j][s] = Phat[j][s]^-eps_s. */
  readonly Q: Float64Array;
  /** lam'[i][j][s]. */
  readonly lamP: Float64Array;
  /** Share of tariff-inclusive spending that is tariff revenue, per importer. */
  readonly rho: Float64Array;
  /** Spending before tariff revenue, w Y + D'. */
  readonly A: Float64Array;
  /** New expenditure E'. */
  readonly Ep: Float64Array;
  /** Sales at factory prices, per exporter. */
  readonly sales: Float64Array;
  /** Excess demand sales - w Y, per exporter. */
  readonly excess: Float64Array;
  kappa = 1;

  // Jacobian scratch.
  private readonly lamT: Float64Array; // lam' as [j][s][k]
  private readonly C: Float64Array; // N x N
  private readonly H: Float64Array; // N x N
  private readonly dE: Float64Array; // N x N
  private readonly ownEps: Float64Array; // sum_{j,s} eps U_ijs

  constructor(base: Baseline, tPrime: Float64Array, dhat: Float64Array, rule: DeficitRule) {
    const { N, S } = base;
    const size = N * N * S;
    if (tPrime.length !== size || dhat.length !== size) throw new Error(`shock arrays must have N*N*S = ${size} entries`);
    this.N = N;
    this.S = S;
    this.base = base;
    this.rule = rule;
    this.tPrime = tPrime;
    this.dhat = dhat;
    this.a = new Float64Array(size);
    this.m = new Float64Array(size);
    this.g = new Float64Array(size);
    this.YD = new Float64Array(N);
    let sumY = 0;
    for (let i = 0; i < N; i++) {
      this.YD[i] = base.Y[i] + base.D[i];
      sumY += base.Y[i];
    }
    this.sumY = sumY;
    this.w = new Float64Array(N).fill(1);
    this.wpow = new Float64Array(N * S);
    this.Q = new Float64Array(N * S);
    this.lamP = new Float64Array(size);
    this.rho = new Float64Array(N);
    this.A = new Float64Array(N);
    this.Ep = new Float64Array(N);
    this.sales = new Float64Array(N);
    this.excess = new Float64Array(N);
    this.lamT = new Float64Array(size);
    this.C = new Float64Array(N * N);
    this.H = new Float64Array(N * N);
    this.dE = new Float64Array(N * N);
    this.ownEps = new Float64Array(N);
    this.setShock();
  }

  /** Recompute the fixed coefficients after tPrime or dhat changed in place. */
  setShock(): void {
    const { N, S, base, tPrime, dhat, a, m, g } = this;
    const { lam, world } = base;
    const t0 = world.t;
    const eps = world.eps;
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        const b = (i * N + j) * S;
        for (let s = 0; s < S; s++) {
          const k = b + s;
          const tp = tPrime[k];
          const tauhat = (dhat[k] * (1 + tp)) / (1 + t0[k]);
          const l = lam[k];
          // tauhat = Infinity (prohibitive) gives pow = 0: the flow vanishes.
          a[k] = l === 0 ? 0 : l * Math.pow(tauhat, -eps[s]);
          g[k] = 1 / (1 + tp);
          m[k] = tp / (1 + tp);
        }
      }
    }
  }

  /** Evaluate every quantity at factor prices w (copied in). Returns max_i |excess_i| / Y_i. */
  evaluate(w: ArrayLike<number>): number {
    const { N, S, a, m, g, wpow, Q, lamP, rho, A, Ep, sales, excess } = this;
    const { Y, D, beta, world } = this.base;
    const eps = world.eps;
    for (let i = 0; i < N; i++) this.w[i] = w[i];
    for (let i = 0; i < N; i++) for (let s = 0; s < S; s++) wpow[i * S + s] = Math.pow(this.w[i], -eps[s]);
    Q.fill(0);
    for (let i = 0; i < N; i++) {
      const wi = i * S;
      for (let j = 0; j < N; j++) {
        const b = (i * N + j) * S;
        const qj = j * S;
        for (let s = 0; s < S; s++) {
          const c = a[b + s] * wpow[wi + s];
          lamP[b + s] = c;
          Q[qj + s] += c;
        }
      }
    }
    for (let j = 0; j < N; j++) {
      for (let s = 0; s < S; s++) {
        if (!(Q[j * S + s] > 0) && beta[j * S + s] > 0) {
          throw new Error(`${world.codes[j]} can buy sector ${world.sectors[s]} from no one: every source is prohibitive`);
        }
      }
    }
    rho.fill(0);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        const b = (i * N + j) * S;
        const qj = j * S;
        let r = 0;
        for (let s = 0; s < S; s++) {
          const q = Q[qj + s];
          const l = q > 0 ? lamP[b + s] / q : 0;
          lamP[b + s] = l;
          r += beta[qj + s] * l * m[b + s];
        }
        rho[j] += r;
      }
    }
    if (this.rule === 'proportional') {
      let num = 0;
      let den = 0;
      for (let j = 0; j < N; j++) {
        num += this.w[j] * Y[j];
        den += this.w[j] * this.YD[j];
      }
      this.kappa = num / den;
    }
    for (let j = 0; j < N; j++) {
      const wy = this.w[j] * Y[j];
      A[j] = this.rule === 'fixed' ? wy + D[j] : this.rule === 'zero' ? wy : this.kappa * this.w[j] * this.YD[j];
      Ep[j] = A[j] / (1 - rho[j]);
    }
    let worst = 0;
    for (let i = 0; i < N; i++) {
      let v = 0;
      for (let j = 0; j < N; j++) {
        const b = (i * N + j) * S;
        const qj = j * S;
        let u = 0;
        for (let s = 0; s < S; s++) u += lamP[b + s] * beta[qj + s] * g[b + s];
        v += u * Ep[j];
      }
      sales[i] = v;
      excess[i] = v - this.w[i] * Y[i];
      const r = Math.abs(excess[i]) / Y[i];
      if (!(r <= worst)) worst = r; // NaN propagates as "worst"
    }
    return worst;
  }

  /**
   * Analytic Jacobian J[i][k] = d excess_i / d w_k (row-major N x N) at the
   * last evaluated point. Derivation in docs/model.md ("The Jacobian").
   */
  jacobian(J: Float64Array): void {
    const { N, S, m, g, lamP, lamT, C, H, dE, ownEps, rho, Ep, w } = this;
    const { Y, beta, world } = this.base;
    const eps = world.eps;
    // lam' regrouped by (j, s) so the O(N^3 S) cross term runs over contiguous memory.
    for (let k = 0; k < N; k++) {
      for (let j = 0; j < N; j++) {
        const b = (k * N + j) * S;
        for (let s = 0; s < S; s++) lamT[(j * S + s) * N + k] = lamP[b + s];
      }
    }
    C.fill(0);
    H.fill(0);
    ownEps.fill(0);
    // G[j][k] = d rho_j / d w_k, stored in dE for now.
    dE.fill(0);
    for (let j = 0; j < N; j++) {
      for (let s = 0; s < S; s++) {
        const js = j * S + s;
        const bjs = beta[js];
        if (bjs === 0) continue;
        const col = js * N;
        let mbar = 0;
        for (let i = 0; i < N; i++) mbar += lamT[col + i] * m[(i * N + j) * S + s];
        const es = eps[s];
        const Ej = Ep[j];
        for (let k = 0; k < N; k++) {
          const lk = lamT[col + k];
          if (lk === 0) continue;
          dE[j * N + k] -= bjs * es * lk * (m[(k * N + j) * S + s] - mbar);
        }
        for (let i = 0; i < N; i++) {
          const li = lamT[col + i];
          if (li === 0) continue;
          const gi = g[(i * N + j) * S + s];
          H[i * N + j] += bjs * gi * li;
          const u = es * bjs * gi * Ej * li;
          ownEps[i] += u;
          const row = i * N;
          for (let k = 0; k < N; k++) C[row + k] += u * lamT[col + k];
        }
      }
    }
    // dE[j][k] = (dA_j/dw_k + E'_j G[j][k] / w_k) / (1 - rho_j); G was stored without its 1/w_k.
    const prop = this.rule === 'proportional';
    let S2 = 0;
    if (prop) for (let j = 0; j < N; j++) S2 += w[j] * this.YD[j];
    for (let j = 0; j < N; j++) {
      const inv = 1 / (1 - rho[j]);
      for (let k = 0; k < N; k++) {
        let dA = 0;
        if (prop) {
          dA = (w[j] * this.YD[j] * (Y[k] - this.kappa * this.YD[k])) / S2;
          if (j === k) dA += this.kappa * this.YD[j];
        } else if (j === k) {
          dA = Y[j];
        }
        dE[j * N + k] = (dA + (Ep[j] * dE[j * N + k]) / w[k]) * inv;
      }
    }
    for (let i = 0; i < N; i++) {
      const row = i * N;
      for (let k = 0; k < N; k++) J[row + k] = C[row + k] / w[k];
      J[row + i] -= ownEps[i] / w[i] + Y[i];
      for (let j = 0; j < N; j++) {
        const h = H[row + j];
        if (h === 0) continue;
        const dj = j * N;
        for (let k = 0; k < N; k++) J[row + k] += h * dE[dj + k];
      }
    }
  }
}

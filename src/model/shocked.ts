/**
 * What every equilibrium system in factor prices starts from (the core model,
 * system.ts, and the input-output model, io-system.ts): a baseline, a shock
 * (new tariffs t' and iceberg changes dhat, changed in place then setShock()),
 * the deficit rule, labour income as the numeraire's weights, and the
 * coefficients fixed per shock, a = lam tauhat^-eps and g = 1 / (1 + t').
 */
import type { Baseline } from './baseline.js';
import type { DeficitRule } from './system.js';

export abstract class ShockedSystem {
  readonly N: number;
  readonly S: number;
  readonly base: Baseline;
  readonly rule: DeficitRule;
  /** New tariffs t' and iceberg changes dhat, [i][j][s]; change in place, then call setShock(). */
  readonly tPrime: Float64Array;
  readonly dhat: Float64Array;
  /** Labour income per economy at baseline (value added under input-output links): the numeraire's weights, sum_i what_i L_i = sum_i L_i. */
  readonly L: Float64Array;
  readonly sumL: number;
  /** Factor prices at the last evaluated point. */
  readonly w: Float64Array;
  /**
   * Income each economy receives from others as a deal's transfers (an investment pledge), in baseline currency,
   * added to its spending (D') and to the income welfare counts; sums to zero. Change in place before evaluate().
   */
  readonly transfer: Float64Array;
  // Fixed per shock: a = lam * tauhat^-eps and g = 1/(1+t') (so t'/(1+t') = 1 - g).
  /** @internal (the systems and their tangents) */
  readonly a: Float64Array;
  /** @internal */
  readonly g: Float64Array;

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
    this.L = base.L;
    let sumL = 0;
    for (let i = 0; i < N; i++) sumL += base.L[i];
    this.sumL = sumL;
    this.w = new Float64Array(N).fill(1);
    this.transfer = new Float64Array(N);
    this.a = new Float64Array(size);
    this.g = new Float64Array(size);
    this.setShock();
  }

  /** Recompute the fixed coefficients after tPrime or dhat changed in place. */
  setShock(): void {
    const { N, S, tPrime, dhat, a, g } = this;
    const { lam, world } = this.base;
    const t0 = world.t;
    const eps = world.eps;
    for (let ij = 0; ij < N * N; ij++) {
      const b = ij * S;
      for (let s = 0; s < S; s++) {
        const k = b + s;
        const tp = tPrime[k];
        const l = lam[k];
        // tauhat = dhat (1 + t') / (1 + t); Infinity (prohibitive) gives a = 0: the flow vanishes.
        // Most cells of a shock are unchanged, so skip the pow there.
        const tauhat = (dhat[k] * (1 + tp)) / (1 + t0[k]);
        a[k] = l === 0 ? 0 : tauhat === 1 ? l : l * Math.pow(tauhat, -eps[s]);
        g[k] = 1 / (1 + tp);
      }
    }
  }
}

/**
 * Deriving the final-demand side of an input-output structure from flows
 * (MODEL.md §4): spending on s is intermediate use plus final demand,
 * X[n][s] = sum_k gamma[n][s][k] GO[n][k] + alpha[n][s] I[n], so alpha is what
 * is left of spending after intermediate use, as a share of income. Caliendo &
 * Parro's code does the same and clips negative remainders (inventories and
 * data noise) to zero before renormalising; so does this.
 */
export interface FinalDemand {
  /** Final-demand shares [n][s], each economy's summing to 1. */
  alpha: Float64Array;
  /** Cells whose remainder was negative and clipped to 0. */
  clipped: number[];
}

export function finalDemandShares(N: number, S: number, Z: Float64Array, t: Float64Array, gamma: Float64Array): FinalDemand {
  const X = new Float64Array(N * S);
  const GO = new Float64Array(N * S);
  for (let i = 0; i < N; i++) {
    for (let n = 0; n < N; n++) {
      const b = (i * N + n) * S;
      for (let s = 0; s < S; s++) {
        X[n * S + s] += Z[b + s] * (1 + t[b + s]);
        GO[i * S + s] += Z[b + s];
      }
    }
  }
  const alpha = new Float64Array(N * S);
  const clipped: number[] = [];
  for (let n = 0; n < N; n++) {
    let total = 0;
    for (let s = 0; s < S; s++) {
      let inter = 0;
      for (let k = 0; k < S; k++) inter += gamma[(n * S + s) * S + k] * GO[n * S + k];
      const f = X[n * S + s] - inter;
      if (f < 0) clipped.push(n * S + s);
      alpha[n * S + s] = Math.max(0, f);
      total += alpha[n * S + s];
    }
    for (let s = 0; s < S; s++) alpha[n * S + s] = total > 0 ? alpha[n * S + s] / total : 1 / S;
  }
  return { alpha, clipped };
}

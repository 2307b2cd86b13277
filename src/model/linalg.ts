/**
 * Dense LU with partial pivoting on a row-major n x n Float64Array, in place
 * (Doolittle, as in JAMA / ml-matrix's LuDecomposition). Small n (economies),
 * so a plain O(n^3) factorisation is the right tool.
 */

export class SingularMatrixError extends Error {
  constructor(column: number) {
    super(`matrix is singular to working precision (pivot column ${column})`);
    this.name = 'SingularMatrixError';
  }
}

/** Factor A (overwritten by L\U) and fill piv; throws SingularMatrixError on a zero pivot. */
export function luFactor(A: Float64Array, n: number, piv: Int32Array): void {
  for (let i = 0; i < n; i++) piv[i] = i;
  for (let k = 0; k < n; k++) {
    let p = k;
    let max = Math.abs(A[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(A[i * n + k]);
      if (v > max) {
        max = v;
        p = i;
      }
    }
    if (!(max > 0) || !Number.isFinite(max)) throw new SingularMatrixError(k);
    if (p !== k) {
      for (let c = 0; c < n; c++) {
        const tmp = A[k * n + c];
        A[k * n + c] = A[p * n + c];
        A[p * n + c] = tmp;
      }
      const tp = piv[k];
      piv[k] = piv[p];
      piv[p] = tp;
    }
    const akk = A[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const f = (A[i * n + k] /= akk);
      if (f === 0) continue;
      const ri = i * n;
      const rk = k * n;
      for (let c = k + 1; c < n; c++) A[ri + c] -= f * A[rk + c];
    }
  }
}

/** Solve A x = b with a factored A; b is read, x written (may alias scratch, not b). */
export function luSolve(LU: Float64Array, n: number, piv: Int32Array, b: Float64Array, x: Float64Array): void {
  for (let i = 0; i < n; i++) x[i] = b[piv[i]];
  for (let i = 0; i < n; i++) {
    let v = x[i];
    for (let k = 0; k < i; k++) v -= LU[i * n + k] * x[k];
    x[i] = v;
  }
  for (let i = n - 1; i >= 0; i--) {
    let v = x[i];
    for (let k = i + 1; k < n; k++) v -= LU[i * n + k] * x[k];
    x[i] = v / LU[i * n + i];
  }
}

/** Solve A' x = b (the transpose) with a factored A: used by adjoint gradients. */
export function luSolveTranspose(LU: Float64Array, n: number, piv: Int32Array, b: Float64Array, x: Float64Array): void {
  // A = P' L U, so A' = U' L' P and A' x = b  <=>  U' y = b, L' z = y, x = P' z.
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = b[i];
    for (let k = 0; k < i; k++) v -= LU[k * n + i] * y[k];
    y[i] = v / LU[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let v = y[i];
    for (let k = i + 1; k < n; k++) v -= LU[k * n + i] * y[k];
    y[i] = v;
  }
  for (let i = 0; i < n; i++) x[piv[i]] = y[i];
}

/**
 * Dense linear algebra on row-major Float64Arrays, for the small systems of
 * Parley (n = economies or strategic variables): LU with partial pivoting
 * (Doolittle, as in JAMA / ml-matrix's LuDecomposition), Cholesky with
 * Levenberg damping, Gauss-Jordan inversion of small blocks, and vector norms.
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

/**
 * Solve A x = b with a factored A; b is read, x written (may alias scratch, not b). `luAt` and
 * `at` locate one block in larger arrays (the block's factor at LU[luAt..], its pivots and vectors
 * at [at..]): block-diagonal preconditioners solve every block in place, allocating nothing.
 */
export function luSolve(LU: Float64Array, n: number, piv: Int32Array, b: Float64Array, x: Float64Array, luAt = 0, at = 0): void {
  for (let i = 0; i < n; i++) x[at + i] = b[at + piv[at + i]];
  for (let i = 0; i < n; i++) {
    let v = x[at + i];
    for (let k = 0; k < i; k++) v -= LU[luAt + i * n + k] * x[at + k];
    x[at + i] = v;
  }
  for (let i = n - 1; i >= 0; i--) {
    let v = x[at + i];
    for (let k = i + 1; k < n; k++) v -= LU[luAt + i * n + k] * x[at + k];
    x[at + i] = v / LU[luAt + i * n + i];
  }
}

/**
 * Solve A' x = b (the transpose) with a factored A: used by adjoint gradients. `y` is scratch of
 * n entries (made when not given); `luAt` and `at` locate a block as in luSolve.
 */
export function luSolveTranspose(LU: Float64Array, n: number, piv: Int32Array, b: Float64Array, x: Float64Array, y: Float64Array = new Float64Array(n), luAt = 0, at = 0): void {
  // A = P' L U, so A' = U' L' P and A' x = b  <=>  U' y = b, L' z = y, x = P' z.
  for (let i = 0; i < n; i++) {
    let v = b[at + i];
    for (let k = 0; k < i; k++) v -= LU[luAt + k * n + i] * y[k];
    y[i] = v / LU[luAt + i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let v = y[i];
    for (let k = i + 1; k < n; k++) v -= LU[luAt + k * n + i] * y[k];
    y[i] = v;
  }
  for (let i = 0; i < n; i++) x[at + piv[at + i]] = y[i];
}

/** Cholesky factor L (row-major m x m, lower) of A + lambda I, or undefined when it is not positive definite. */
export function cholesky(A: Float64Array, m: number, lambda = 0): Float64Array | undefined {
  const L = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * m + j] + (i === j ? lambda : 0);
      for (let k = 0; k < j; k++) s -= L[i * m + k] * L[j * m + k];
      if (i === j) {
        if (!(s > 0)) return undefined;
        L[i * m + i] = Math.sqrt(s);
      } else L[i * m + j] = s / L[j * m + j];
    }
  }
  return L;
}

/** Solve L L' x = r for a Cholesky factor L. */
export function choleskySolve(L: Float64Array, r: Float64Array, m: number): Float64Array {
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = r[i];
    for (let k = 0; k < i; k++) s -= L[i * m + k] * y[k];
    y[i] = s / L[i * m + i];
  }
  const x = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < m; k++) s -= L[k * m + i] * x[k];
    x[i] = s / L[i * m + i];
  }
  return x;
}

/**
 * Solve (H + lambda I) d = r with the smallest lambda from `ladder` (times the
 * largest |diagonal|) that makes the matrix positive definite (Levenberg);
 * if none does, a diagonal step r / scale.
 */
export function dampedSolve(H: Float64Array, r: Float64Array, m: number, ladder: readonly number[], scaleFloor: number): Float64Array {
  let scale = 0;
  for (let k = 0; k < m; k++) scale = Math.max(scale, Math.abs(H[k * m + k]));
  for (const lambda of ladder.map((l) => l * Math.max(scale, scaleFloor))) {
    const L = cholesky(H, m, lambda);
    if (L) return choleskySolve(L, r, m);
  }
  return Float64Array.from(r, (v) => v / Math.max(scale, scaleFloor));
}

/**
 * Invert the row-major n x n block of `a` starting at `off`, in place
 * (Gauss-Jordan with partial pivoting); false, leaving `a` as it was, when singular.
 * For the small per-economy blocks of block-diagonal preconditioners.
 */
export function invertBlock(a: Float64Array, off: number, n: number): boolean {
  const w = 2 * n;
  const m = new Float64Array(n * w);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) m[r * w + c] = a[off + r * n + c];
    m[r * w + n + r] = 1;
  }
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * w + c]) > Math.abs(m[p * w + c])) p = r;
    if (!(Math.abs(m[p * w + c]) > 0)) return false;
    if (p !== c) for (let k = 0; k < w; k++) [m[c * w + k], m[p * w + k]] = [m[p * w + k], m[c * w + k]];
    const d = m[c * w + c];
    for (let k = 0; k < w; k++) m[c * w + k] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r * w + c];
      if (f !== 0) for (let k = 0; k < w; k++) m[r * w + k] -= f * m[c * w + k];
    }
  }
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) a[off + r * n + c] = m[r * w + n + c];
  return true;
}

/** Dot product of two equal-length vectors. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let v = 0;
  for (let i = 0; i < a.length; i++) v += a[i] * b[i];
  return v;
}

/** Largest |entry| (NaN if any entry is NaN, so a broken point never looks small). */
export function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}

/** Euclidean norm. */
export function norm2(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

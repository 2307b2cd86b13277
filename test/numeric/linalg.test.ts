/** Dense linear algebra against known solutions (Hilbert systems, hand-built SPD matrices, inverses). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cholesky, choleskySolve, dampedSolve, dot, invertBlock, luFactor, luSolve, luSolveTranspose, maxAbs, norm2, SingularMatrixError } from '../../src/numeric/linalg.js';
import { DAMPING_LADDER, DAMPING_SCALE_FLOOR } from '../../src/numeric/tolerances.js';
import { assertClose } from '../helpers.js';

function hilbert(n: number): Float64Array {
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) H[i * n + j] = 1 / (i + j + 1);
  return H;
}

function matVec(A: Float64Array, x: Float64Array, n: number, transpose = false): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) y[i] += (transpose ? A[j * n + i] : A[i * n + j]) * x[j];
  return y;
}

test('LU solves Hilbert systems H x = H 1 to the accuracy their condition number allows', () => {
  // cond(H_6) ~ 1.5e7, cond(H_8) ~ 1.5e10: errors of about cond * 1e-16.
  for (const [n, tol] of [[4, 1e-11], [6, 1e-8], [8, 1e-5]] as const) {
    const H = hilbert(n);
    const b = matVec(H, new Float64Array(n).fill(1), n);
    const LU = Float64Array.from(H);
    const piv = new Int32Array(n);
    luFactor(LU, n, piv);
    const x = new Float64Array(n);
    luSolve(LU, n, piv, b, x);
    for (let i = 0; i < n; i++) assertClose(x[i], 1, tol, `H_${n} x[${i}]`);
    // Transposed solve with the same factors: A' y = c.
    const c = matVec(H, Float64Array.from({ length: n }, (_, k) => k + 1), n, true);
    const y = new Float64Array(n);
    luSolveTranspose(LU, n, piv, c, y);
    for (let i = 0; i < n; i++) assertClose(y[i], i + 1, tol * n, `H_${n}' y[${i}]`);
  }
});

test('LU pivots (a zero leading entry) and reports a singular matrix', () => {
  const A = Float64Array.from([0, 1, 1, 0]);
  const piv = new Int32Array(2);
  luFactor(A, 2, piv);
  const x = new Float64Array(2);
  luSolve(A, 2, piv, Float64Array.from([3, 5]), x);
  assert.deepEqual([...x], [5, 3]);
  assert.throws(() => luFactor(Float64Array.from([1, 2, 2, 4]), 2, new Int32Array(2)), SingularMatrixError);
});

test('Cholesky: L L\' = A for an SPD matrix, solves, and refuses an indefinite one unless damped', () => {
  const A = Float64Array.from([4, 2, 2, 3]);
  const L = cholesky(A, 2)!;
  assert.deepEqual([...L], [2, 0, 1, Math.sqrt(2)]);
  const x = choleskySolve(L, Float64Array.from([2, 1]), 2);
  const r = matVec(A, x, 2);
  assertClose(r[0], 2, 1e-15, 'A x = b (0)');
  assertClose(r[1], 1, 1e-15, 'A x = b (1)');
  const indefinite = Float64Array.from([1, 0, 0, -1]);
  assert.equal(cholesky(indefinite, 2), undefined);
  // Damped: the smallest ladder step that makes it positive definite (lambda = 2 * max|diag| here: the negative
  // curvature mirrored, -1 + 2 = 1).
  const d = dampedSolve(indefinite, Float64Array.from([1, 1]), 2, DAMPING_LADDER, DAMPING_SCALE_FLOOR);
  assertClose(d[0], 1 / 3, 1e-15, 'damped (1 + 2) d = 1');
  assertClose(d[1], 1, 1e-15, 'damped (-1 + 2) d = 1');
});

test('invertBlock inverts a small block in place (A A^-1 = I) and leaves a singular one untouched', () => {
  const a = Float64Array.from([9, 9, 2, 1, 0, 1, 1, 3, 2, 0, 9, 9]); // a 3 x 3 block at offset 1, padded
  const block = a.slice(1, 10);
  assert.ok(invertBlock(a, 1, 3));
  const inv = a.slice(1, 10);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let v = 0;
      for (let k = 0; k < 3; k++) v += block[i * 3 + k] * inv[k * 3 + j];
      assertClose(v, i === j ? 1 : 0, 1e-14, `(A A^-1)[${i}][${j}]`);
    }
  }
  assert.equal(a[0], 9, 'nothing outside the block changes');
  assert.equal(a[10], 9);
  const singular = Float64Array.from([1, 2, 2, 4]);
  assert.equal(invertBlock(singular, 0, 2), false);
  assert.deepEqual([...singular], [1, 2, 2, 4]);
});

test('dot, norm2 and maxAbs; maxAbs lets NaN win so a broken point never looks converged', () => {
  assert.equal(dot([1, 2, 3], [4, 5, 6]), 32);
  assert.equal(norm2([3, 4]), 5);
  assert.equal(maxAbs([1, -7, 3]), 7);
  assert.ok(Number.isNaN(maxAbs([1, NaN, 3])));
});

/** The Jacobian estimate kept from exact products (numeric/secant.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SecantJacobian } from '../../src/numeric/secant.js';
import { mulberry32 } from '../../src/random.js';
import { assertClose } from '../helpers.js';

const n = 6;

function randomMatrix(seed: number): Float64Array {
  const r = mulberry32(seed);
  const J = Float64Array.from({ length: n * n }, () => r() - 0.5);
  for (let i = 0; i < n; i++) J[i * n + i] += 3;
  return J;
}

function times(J: Float64Array, v: Float64Array): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => v.reduce((s, vc, c) => s + J[i * n + c] * vc, 0));
}

function timesTransposed(J: Float64Array, u: Float64Array): Float64Array {
  return Float64Array.from({ length: n }, (_, c) => u.reduce((s, ui, i) => s + ui * J[i * n + c], 0));
}

test('secant Jacobian: a product J v makes the estimate exact along v, a product u\'J exact along u, and later products at the same point keep both', () => {
  const old = randomMatrix(1);
  const J = Float64Array.from(randomMatrix(2), (x, k) => old[k] + 0.1 * x);
  const est = new SecantJacobian(n);
  est.set(old);
  const r = mulberry32(9);
  const v = Float64Array.from({ length: n }, () => r() - 0.5);
  const Jv = times(J, v);
  est.observeProduct(v, Jv);
  // B v = J v: solving B x = J v gives v back.
  const x = new Float64Array(n);
  assert.ok(est.solve(Jv, x));
  for (let c = 0; c < n; c++) assertClose(x[c], v[c], 1e-12, `B^-1 J v = v at ${c}`);
  const u = Float64Array.from({ length: n }, () => r() - 0.5);
  const uJ = timesTransposed(J, u);
  est.observeTransposeProduct(u, uJ);
  assert.ok(est.solveTranspose(uJ, x));
  for (let i = 0; i < n; i++) assertClose(x[i], u[i], 1e-12, `B^-T J' u = u at ${i}`);
  // Two more of each at this point: the first ones still hold (multi-secant).
  for (let k = 0; k < 2; k++) {
    const v2 = Float64Array.from({ length: n }, () => r() - 0.5);
    est.observeProduct(v2, times(J, v2));
    const u2 = Float64Array.from({ length: n }, () => r() - 0.5);
    est.observeTransposeProduct(u2, timesTransposed(J, u2));
  }
  assert.ok(est.solve(Jv, x));
  for (let c = 0; c < n; c++) assertClose(x[c], v[c], 1e-11, `still B^-1 J v = v at ${c}`);
  assert.ok(est.solveTranspose(uJ, x));
  for (let i = 0; i < n; i++) assertClose(x[i], u[i], 1e-11, `still B^-T J' u = u at ${i}`);
});

test('secant Jacobian: products along a basis recover a fixed Jacobian exactly; a singular estimate refuses to solve', () => {
  const J = randomMatrix(4);
  const est = new SecantJacobian(n);
  est.set(new Float64Array(n * n).map((_, k) => (k % (n + 1) === 0 ? 1 : 0)));
  const e = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    e.fill(0);
    e[c] = 1;
    est.observeProduct(e, times(J, e));
  }
  const b = Float64Array.from({ length: n }, (_, k) => k + 1);
  const x = new Float64Array(n);
  assert.ok(est.solve(times(J, b), x));
  for (let c = 0; c < n; c++) assertClose(x[c], b[c], 1e-12, `x[${c}]`);
  est.set(new Float64Array(n * n));
  assert.equal(est.solve(b, x), false);
  assert.equal(est.solveTranspose(b, x), false);
});

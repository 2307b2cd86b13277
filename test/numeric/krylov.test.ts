/** GMRES on systems with known solutions, with and without preconditioning and restarts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gmres } from '../../src/numeric/krylov.js';
import { mulberry32 } from '../../src/random.js';
import { assertClose } from '../helpers.js';

/** A diagonally dominant nonsymmetric n x n matrix (well conditioned, not normal). */
function matrix(n: number, seed: number): Float64Array {
  const r = mulberry32(seed);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) A[i * n + j] = r() - 0.5;
    A[i * n + i] += n * (1 + i / n);
  }
  return A;
}

function operator(A: Float64Array, n: number, diagonalPrecond: boolean) {
  return {
    n,
    apply: (v: Float64Array, out: Float64Array) => {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += A[i * n + j] * v[j];
        out[i] = s;
      }
    },
    precond: (v: Float64Array, out: Float64Array) => {
      for (let i = 0; i < n; i++) out[i] = diagonalPrecond ? v[i] / A[i * n + i] : v[i];
    },
  };
}

test('GMRES recovers a known solution x* from b = A x* to the requested relative residual', () => {
  const n = 60;
  const A = matrix(n, 7);
  const xs = Float64Array.from({ length: n }, (_, k) => Math.sin(k + 1));
  const b = new Float64Array(n);
  operator(A, n, false).apply(xs, b);
  for (const precond of [false, true]) {
    const x = new Float64Array(n);
    const res = gmres(operator(A, n, precond), b, x, { tol: 1e-12 });
    assert.ok(res.relResidual <= 1e-12, `relative residual ${res.relResidual}`);
    for (let i = 0; i < n; i++) assertClose(x[i], xs[i], 1e-10, `x[${i}] (${precond ? 'preconditioned' : 'plain'})`);
  }
});

test('a diagonal preconditioner cuts the products; restarts still converge; b = 0 gives x = 0', () => {
  const n = 80;
  const A = matrix(n, 11);
  for (let i = 0; i < n; i++) A[i * n + i] *= 1 + 50 * (i % 5); // badly scaled rows
  const b = Float64Array.from({ length: n }, (_, k) => 1 + (k % 3));
  const plain = gmres(operator(A, n, false), b, new Float64Array(n), { tol: 1e-10, maxProducts: 2000 });
  const pre = gmres(operator(A, n, true), b, new Float64Array(n), { tol: 1e-10, maxProducts: 2000 });
  assert.ok(pre.products < plain.products, `preconditioned ${pre.products} < plain ${plain.products}`);
  const restarted = gmres(operator(A, n, true), b, new Float64Array(n), { tol: 1e-10, restart: 5, maxProducts: 2000 });
  assert.ok(restarted.relResidual <= 1e-10, `GMRES(5) residual ${restarted.relResidual}`);
  const x = new Float64Array(n).fill(3);
  assert.equal(gmres(operator(A, n, true), new Float64Array(n), x, { tol: 1e-10 }).relResidual, 0);
  assert.ok(x.every((v) => v === 0));
});

test('inexact products: each is asked for tol over the residual reached, and errors of that size still give the requested residual', () => {
  const n = 60;
  const A = matrix(n, 5);
  const b = Float64Array.from({ length: n }, (_, k) => Math.cos(k));
  const exact = operator(A, n, true);
  const noise = mulberry32(3);
  const asked: number[] = [];
  const inexact = {
    ...exact,
    // A product wrong by `accuracy` of its size, as an operator made of inner solves to that accuracy would be.
    apply: (v: Float64Array, out: Float64Array, accuracy: number) => {
      asked.push(accuracy);
      exact.apply(v, out);
      let size = 0;
      for (let i = 0; i < n; i++) size += out[i] * out[i];
      const e = (accuracy * Math.sqrt(size)) / Math.sqrt(n);
      for (let i = 0; i < n; i++) out[i] += e * (2 * noise() - 1);
    },
  };
  const tol = 1e-10;
  const x = new Float64Array(n);
  gmres(inexact, b, x, { tol });
  assert.equal(asked[0], tol, 'the first product is as accurate as the solve');
  assert.ok(asked.at(-2)! > 1e3 * tol, `late products are looser (${asked.at(-2)})`);
  const r = new Float64Array(n);
  exact.apply(x, r);
  let rr = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    rr += (b[i] - r[i]) ** 2;
    bb += b[i] ** 2;
  }
  assert.ok(Math.sqrt(rr / bb) <= 10 * tol, `true relative residual ${Math.sqrt(rr / bb)}`);
});

test('onTerm: the solution is the sum of the products\' inputs with the coefficients it is told, across restarts', () => {
  const n = 30;
  const A = matrix(n, 13);
  const b = Float64Array.from({ length: n }, (_, k) => 1 + Math.sin(k));
  const base = operator(A, n, true);
  const inputs: Float64Array[] = [];
  const op = { ...base, apply: (v: Float64Array, out: Float64Array) => (inputs.push(Float64Array.from(v)), base.apply(v, out)) };
  const sum = new Float64Array(n);
  const x = new Float64Array(n);
  gmres(op, b, x, { tol: 1e-12, restart: 4, onTerm: (p, c) => inputs[p].forEach((v, k) => (sum[k] += c * v)) });
  for (let k = 0; k < n; k++) assertClose(sum[k], x[k], 1e-12 * Math.max(1, Math.abs(x[k])), `x[${k}]`);
});

/** The damped Newton iteration on systems with known roots. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { luFactor, luSolve, maxAbs } from '../../src/numeric/linalg.js';
import { newton, type NewtonProblem } from '../../src/numeric/newton.js';
import { assertClose } from '../helpers.js';

/** A problem from F and its Jacobian, solved by LU. */
function problem(n: number, F: (x: Float64Array, out: Float64Array) => void, J: (x: Float64Array, out: Float64Array) => void, extra: Partial<NewtonProblem> = {}): NewtonProblem & { evaluations: number } {
  const Jm = new Float64Array(n * n);
  const piv = new Int32Array(n);
  const rhs = new Float64Array(n);
  const p = {
    n,
    evaluations: 0,
    evaluate(x: Float64Array, out: Float64Array) {
      p.evaluations++;
      F(x, out);
      return maxAbs(out);
    },
    direction(x: Float64Array, out: Float64Array, _m: number, dx: Float64Array) {
      J(x, Jm);
      for (let i = 0; i < n; i++) rhs[i] = -out[i];
      luFactor(Jm, n, piv);
      luSolve(Jm, n, piv, rhs, dx);
      return true;
    },
    ...extra,
  };
  return p;
}

test('Newton converges quadratically to the root of a smooth 2-D system (x^2 + y^2 = 4, x = y)', () => {
  const p = problem(
    2,
    (x, F) => {
      F[0] = x[0] * x[0] + x[1] * x[1] - 4;
      F[1] = x[0] - x[1];
    },
    (x, J) => J.set([2 * x[0], 2 * x[1], 1, -1]),
  );
  const x = Float64Array.from([1, 0.5]);
  const r = newton(p, x, { tol: 1e-14, maxIterations: 20, maxHalvings: 30 });
  assert.ok(r.converged, `residual ${r.residual}`);
  assertClose(x[0], Math.SQRT2, 1e-14, 'x');
  assertClose(x[1], Math.SQRT2, 1e-14, 'y');
  assert.ok(r.iterations <= 6, `quadratic convergence: ${r.iterations} steps`);
});

test('the line search keeps a trial inside the admissible region and still converges (ln x = 1 from x = 10)', () => {
  // A full Newton step from 10 lands at 10 - 10 (ln 10 - 1) < 0, outside the domain of ln.
  const p = problem(
    1,
    (x, F) => {
      F[0] = Math.log(x[0]) - 1;
    },
    (x, J) => J.set([1 / x[0]]),
    { admissible: (x) => x[0] > 0 },
  );
  const x = Float64Array.from([10]);
  const r = newton(p, x, { tol: 1e-14, maxIterations: 50, maxHalvings: 40 });
  assert.ok(r.converged);
  assertClose(x[0], Math.E, 1e-13, 'x = e');
});

test('an unconverged run says so: converged false, the residual it reached, the iterations it used', () => {
  // x^2 + 1 = 0 has no real root; Newton cannot drive the residual below 1.
  const p = problem(
    1,
    (x, F) => {
      F[0] = x[0] * x[0] + 1;
    },
    (x, J) => J.set([2 * x[0]]),
  );
  const r = newton(p, Float64Array.from([3]), { tol: 1e-10, maxIterations: 25, maxHalvings: 20 });
  assert.equal(r.converged, false);
  assert.ok(r.residual >= 1, `residual ${r.residual}`);
  assert.ok(r.iterations <= 25);
});

test('a problem that cannot give a direction stops at once; tighten() gets one more try after a failed search', () => {
  const none = problem(1, (x, F) => void (F[0] = x[0] - 1), (_x, J) => J.set([1]), { direction: () => false });
  const r = newton(none, Float64Array.from([5]), { tol: 1e-12, maxIterations: 10, maxHalvings: 10 });
  assert.equal(r.converged, false);
  assert.equal(r.iterations, 1);
  // A direction that never descends (wrong sign) fails every line search; tighten() is asked once.
  let tightened = 0;
  const wrong = problem(1, (x, F) => void (F[0] = x[0] - 1), (_x, J) => J.set([-1]), {
    tighten: () => tightened++ === 0,
  });
  const w = newton(wrong, Float64Array.from([5]), { tol: 1e-12, maxIterations: 10, maxHalvings: 5 });
  assert.equal(w.converged, false);
  assert.equal(tightened, 2, 'asked after each of the two failed searches; it agreed once');
  assert.equal(w.iterations, 2);
});

/** Box-constrained minimisation against problems with known solutions, for each method and the front door. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DENSE_BFGS_MAX, minimise, type MinimiseMethod } from '../../src/numeric/minimise.js';
import { assertClose } from '../helpers.js';

const METHODS: MinimiseMethod[] = ['newton', 'bfgs', 'lbfgs'];

function box(n: number, lower: number, upper: number) {
  return { lower: new Float64Array(n).fill(lower), upper: new Float64Array(n).fill(upper) };
}

/** Rosenbrock's banana, minimum 0 at (1, 1). */
function rosenbrock(x: Float64Array) {
  const [a, b] = [x[0], x[1]];
  const f = 100 * (b - a * a) ** 2 + (1 - a) ** 2;
  return { f, g: Float64Array.from([-400 * a * (b - a * a) - 2 * (1 - a), 200 * (b - a * a)]) };
}

test('Rosenbrock in a box containing its minimum: projected Newton and BFGS find (1, 1)', () => {
  // Not L-BFGS: with an Armijo-only backtracking search (no Wolfe curvature condition) it crawls along the
  // banana's valley; it is meant for thousands of well-scaled variables (cooperative tariffs), tested below.
  for (const method of ['newton', 'bfgs'] as const) {
    const r = minimise(rosenbrock, Float64Array.from([-1.2, 1]), { ...box(2, -2, 2), tol: 1e-10, maxIterations: 500, method });
    assert.ok(r.converged, `${method}: projected gradient ${r.projectedGradient}`);
    assertClose(r.x[0], 1, 1e-6, `${method} x`);
    assertClose(r.x[1], 1, 1e-6, `${method} y`);
  }
});

test('Rosenbrock with the bound x <= 0.5 active: the minimum is on the bound, at (0.5, 0.25)', () => {
  // On x = 0.5 the best y is x^2; the x-derivative there is -2(1 - x) < 0, pushing against the bound.
  // tol 1e-7: projected BFGS keeps the free block of the full inverse Hessian, so its last digits come slowly.
  for (const method of METHODS) {
    const r = minimise(rosenbrock, Float64Array.from([-1, 2]), { lower: Float64Array.from([-2, -2]), upper: Float64Array.from([0.5, 2]), tol: 1e-7, maxIterations: 500, method });
    assert.ok(r.converged, method);
    assert.equal(r.x[0], 0.5, `${method}: x on its bound`);
    assertClose(r.x[1], 0.25, 1e-7, `${method} y`);
    assert.ok(r.g[0] < 0, 'the gradient points out of the box at the active bound');
  }
});

test('a separable quadratic with half its targets outside [0, 1] ends at the clamped targets', () => {
  const n = 12;
  const c = Float64Array.from({ length: n }, (_, k) => -0.5 + (2 * k) / (n - 1)); // from -0.5 to 1.5
  const wts = Float64Array.from({ length: n }, (_, k) => 1 + 100 * (k % 3)); // curvatures 1 to 201
  const fg = (x: Float64Array) => {
    let f = 0;
    const g = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      f += 0.5 * wts[k] * (x[k] - c[k]) ** 2;
      g[k] = wts[k] * (x[k] - c[k]);
    }
    return { f, g };
  };
  for (const method of METHODS) {
    const r = minimise(fg, new Float64Array(n).fill(0.5), { ...box(n, 0, 1), tol: 1e-10, maxIterations: 300, method, scale: Float64Array.from(wts, (w) => 1 / w) });
    assert.ok(r.converged, method);
    for (let k = 0; k < n; k++) assertClose(r.x[k], Math.min(1, Math.max(0, c[k])), 1e-9, `${method} x[${k}]`);
  }
});

test('the front door picks projected Newton up to newtonMax, BFGS up to DENSE_BFGS_MAX, then L-BFGS', () => {
  // Count gradient evaluations: projected Newton spends n extra per step on its Hessian.
  const calls = (n: number, newtonMax: number) => {
    let k = 0;
    const fg = (x: Float64Array) => {
      k++;
      let f = 0;
      const g = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        f += (x[i] - 0.3) ** 2;
        g[i] = 2 * (x[i] - 0.3);
      }
      return { f, g };
    };
    const r = minimise(fg, new Float64Array(n), { ...box(n, 0, 1), tol: 1e-12, maxIterations: 100, newtonMax });
    return { calls: k, iterations: r.iterations };
  };
  const asNewton = calls(5, 5);
  const asBfgs = calls(5, 4);
  assert.ok(asNewton.calls >= asNewton.iterations * (1 + 5), `projected Newton pays n gradients a step for its Hessian (${asNewton.calls} for ${asNewton.iterations} steps)`);
  assert.ok(asBfgs.calls < asNewton.calls, `BFGS needs no Hessian (${asBfgs.calls} gradients)`);
  assert.equal(DENSE_BFGS_MAX, 1000);
});

test('L-BFGS on a coupled, badly scaled quadratic in 2,000 variables (where dense BFGS would not fit) reaches its minimiser', () => {
  const n = 2000;
  // f = sum_k a_k (x_k - x_{k-1} / 2 - 0.2)^2: coupled neighbours, curvatures 1 to 1000, minimiser x_k = 0.2 (1 + 1/2 + ...).
  const a = Float64Array.from({ length: n }, (_, k) => 10 ** (3 * ((k * 7) % 11) / 10));
  const target = new Float64Array(n);
  for (let k = 0; k < n; k++) target[k] = 0.2 + (k > 0 ? target[k - 1] / 2 : 0);
  const fg = (x: Float64Array) => {
    let f = 0;
    const g = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const r = x[k] - (k > 0 ? x[k - 1] / 2 : 0) - 0.2;
      f += a[k] * r * r;
      g[k] += 2 * a[k] * r;
      if (k > 0) g[k - 1] -= a[k] * r;
    }
    return { f, g };
  };
  const r = minimise(fg, new Float64Array(n), { ...box(n, 0, 1), tol: 1e-7, maxIterations: 3000, scale: Float64Array.from(a, (v) => 1 / (2 * v)) });
  assert.ok(r.converged, `projected gradient ${r.projectedGradient} after ${r.iterations}`);
  for (let k = 0; k < n; k += 97) assertClose(r.x[k], target[k], 1e-7, `x[${k}]`);
});

test('f = Infinity at the start is reported, not minimised; stop() ends early as converged', () => {
  const r = minimise(() => ({ f: Infinity, g: new Float64Array(1) }), Float64Array.from([0]), { ...box(1, 0, 1), tol: 1e-8, maxIterations: 10 });
  assert.equal(r.converged, false);
  assert.equal(r.iterations, 0);
  const stopped = minimise(rosenbrock, Float64Array.from([-1.2, 1]), { ...box(2, -2, 2), tol: 1e-12, maxIterations: 500, method: 'bfgs', stop: (_x, f) => f < 1 });
  assert.ok(stopped.converged && stopped.f < 1 && stopped.f > 1e-6, `stopped at f = ${stopped.f}`);
});

test('a payoff too flat to measure: (L-)BFGS given flatTol stop as converged but flat and name the variable left undetermined', () => {
  // x0 matters; x1 moves f by at most 1e-12 in all (below flatTol 1e-11), though its gradient never vanishes.
  const fg = (x: Float64Array) => ({ f: (x[0] - 1) ** 2 + 1e-12 / (1 + x[1]), g: Float64Array.from([2 * (x[0] - 1), -1e-12 / (1 + x[1]) ** 2]) });
  const bounds = { lower: Float64Array.from([-2, 0]), upper: Float64Array.from([2, 1e12]) };
  for (const method of ['bfgs', 'lbfgs'] as const) {
    // tol is out of reach: only the flat rule can stop it.
    const r = minimise(fg, Float64Array.from([0, 0]), { ...bounds, tol: 1e-30, maxIterations: 5000, method, flatTol: 1e-11 });
    assert.ok(r.converged, method);
    assert.equal(r.flat, true, `${method}: flat`);
    assertClose(r.x[0], 1, 1e-6, `${method}: the variable that matters is found`);
    assert.deepEqual(r.flatVariables, [1], `${method}: x1 is the one left undetermined`);
    // Without flatTol the same descent runs to its iteration cap: the rule is what stopped it.
    const plain = minimise(fg, Float64Array.from([0, 0]), { ...bounds, tol: 1e-30, maxIterations: 200, method });
    assert.ok(!plain.flat && plain.iterations > 21, `${method}: without flatTol no flat stop`);
  }
});

test('projected Newton started where the objective is concave (a tariff far above its optimum) takes full-size steps and converges', () => {
  // f = u / (1 + u), u = (x - 1)^2: a well with its minimum at 1, concave beyond |x - 1| > 1/sqrt(3), like a payoff
  // in a tariff that has choked trade off. Damped to a hundredth of the curvature, Newton crawled out of there.
  const well = (x: Float64Array) => {
    const u = (x[0] - 1) ** 2;
    return { f: u / (1 + u), g: Float64Array.of((2 * (x[0] - 1)) / (1 + u) ** 2) };
  };
  const r = minimise(well, Float64Array.of(4), { ...box(1, 0, 10), tol: 1e-10, maxIterations: 40, method: 'newton' });
  assert.ok(r.converged, `projected gradient ${r.projectedGradient} after ${r.iterations} iterations`);
  assertClose(r.x[0], 1, 1e-8, 'x');
});

test('projected Newton with maxStep moves no variable more than that share of its range per step, and still converges', () => {
  // f = (x - 0.9)^2 + 10 (y - 0.1)^2 / 2 on [0, 1] x [0, 2]: one full Newton step would go straight there.
  const fg = (v: Float64Array) => ({ f: (v[0] - 0.9) ** 2 + (10 * (v[1] - 0.1) ** 2) / 2, g: Float64Array.of(2 * (v[0] - 0.9), 10 * (v[1] - 0.1)) });
  const opts = { lower: Float64Array.of(0, 0), upper: Float64Array.of(1, 2), tol: 1e-10, method: 'newton' as const };
  const one = minimise(fg, Float64Array.of(0, 2), { ...opts, maxIterations: 1, maxStep: 0.05 });
  assert.ok(Math.abs(one.x[0] - 0) <= 0.05 + 1e-15 && Math.abs(one.x[1] - 2) <= 0.1 + 1e-15, `first step within 5% of each range: ${Array.from(one.x)}`);
  const all = minimise(fg, Float64Array.of(0, 2), { ...opts, maxIterations: 200, maxStep: 0.05 });
  assert.ok(all.converged);
  assertClose(all.x[0], 0.9, 1e-9, 'x');
  assertClose(all.x[1], 0.1, 1e-9, 'y');
});

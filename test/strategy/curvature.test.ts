/**
 * Payoff curvature for projected Newton (strategy/curvature.ts): the objectives' Hessians assembled from payoff
 * Hessians are the derivatives of their gradients, the differenced payoff Hessians are the payoffs' second
 * derivatives, a secant update meets the secant condition, and a minimiser given a wrong model still finds the optimum.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nashHessian, PayoffCurvature, smoothMinHessian, type PayoffsAt } from '../../src/strategy/curvature.js';
import { strategicWorld } from '../../src/strategy/game.js';
import { bindObjective, WELFARE_ONLY } from '../../src/strategy/gradient.js';
import { minimise } from '../../src/numeric/minimise.js';
import { softMin } from '../../src/numeric/softmin.js';
import { assertClose, randomIoWorld, tariffGame } from '../helpers.js';

/** Two smooth payoffs of three variables with known gradients and Hessians (cubic, so the Hessians vary). */
function payoffs(x: Float64Array): PayoffsAt {
  const [a, b, c] = x;
  const U = Float64Array.of(2 + a - 0.5 * a * a + 0.3 * a * b + 0.1 * c * c * c, 1.5 - 0.4 * a + b - b * b + 0.2 * b * c);
  const G = [Float64Array.of(1 - a + 0.3 * b, 0.3 * a, 0.3 * c * c), Float64Array.of(-0.4, 1 - 2 * b + 0.2 * c, 0.2 * b)];
  const H = [Float64Array.of(-1, 0.3, 0, 0.3, 0, 0, 0, 0, 0.6 * c), Float64Array.of(0, 0, 0, 0, -2, 0.2, 0, 0.2, 0)];
  return { U, G, H };
}

/** Forward differences of a gradient, as a dense n x n matrix. */
function differenced(grad: (x: Float64Array) => Float64Array, x: Float64Array, h = 1e-7): Float64Array {
  const n = x.length;
  const g0 = grad(x);
  const H = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    const xp = Float64Array.from(x);
    xp[c] += h;
    const g = grad(xp);
    for (let r = 0; r < n; r++) H[r * n + c] = (g[r] - g0[r]) / h;
  }
  return H;
}

const Ud = Float64Array.of(1.2, 0.9);
const scale = 100;
const surplus = (U: Float64Array) => U.map((u, p) => (u - Ud[p]) / scale);

test('the Nash objective\'s Hessian from payoff Hessians equals the derivative of its gradient', () => {
  const theta = Float64Array.of(0.7, 0.3);
  // d/dx of -sum theta ln s = -sum theta G / (scale s), as bargain.ts's objective computes it.
  const grad = (x: Float64Array) => {
    const at = payoffs(x);
    const s = surplus(at.U);
    return Float64Array.from(x, (_, k) => -at.G.reduce((a, G, p) => a + (theta[p] * G[k]) / (scale * s[p]), 0));
  };
  for (const x of [Float64Array.of(0.2, 0.1, 0.5), Float64Array.of(-0.3, 0.4, 1.1)]) {
    const H = nashHessian(payoffs(x), surplus, theta, scale)!;
    const fd = differenced(grad, x);
    H.forEach((v, k) => assertClose(v, fd[k], 1e-5 * Math.max(1, Math.abs(fd[k])), `entry ${k}`));
  }
  // Below disagreement the objective is undefined, and so is its Hessian.
  assert.equal(nashHessian({ ...payoffs(Float64Array.of(0, 0, 0)), U: Float64Array.of(1, 2) }, surplus, theta, scale), undefined);
});

test('phase 1\'s smooth maximin Hessian from payoff Hessians equals the derivative of its gradient', () => {
  for (const tau of [1e-2, 1e-3]) {
    const w = new Float64Array(2);
    const grad = (x: Float64Array) => {
      const at = payoffs(x);
      softMin(surplus(at.U), tau, w);
      return Float64Array.from(x, (_, k) => -at.G.reduce((a, G, p) => a + (w[p] * G[k]) / scale, 0));
    };
    // Where the two surpluses are close, both weights matter and the softmax term is large.
    const x = Float64Array.of(0.2, 0.1, 0.5);
    const H = smoothMinHessian(payoffs(x), surplus, tau, scale);
    const fd = differenced(grad, x, 1e-8);
    H.forEach((v, k) => assertClose(v, fd[k], 1e-5 * Math.max(1e-3, Math.abs(fd[k])), `tau ${tau}, entry ${k}`));
  }
});

test('payoff Hessians: differenced ones match central differences, and a secant update makes B s = y', () => {
  const { world, rule } = strategicWorld(randomIoWorld(4, 3, 5, { tariffs: true }), 'balanced', 'test');
  const { evaluator } = tariffGame(world, rule, 3, [bindObjective(world, 0, WELFARE_ONLY), bindObjective(world, 1, WELFARE_ONLY)]);
  const curvature = new PayoffCurvature(evaluator);
  const x = Float64Array.of(0.1, 0.15, 0.2);
  curvature.evaluate(x);
  const { H } = curvature.at(x, false);
  // Forward differences with steps of 1e-6 are good to about 1e-5 of the largest entry (the third derivatives).
  const size = H.map((Hp) => Math.max(...Hp.map(Math.abs)));
  const h = 1e-5;
  for (let c = 0; c < 3; c++) {
    const up = Float64Array.from(x);
    const dn = Float64Array.from(x);
    up[c] += h;
    dn[c] -= h;
    const Gu = evaluator.evaluate(up).G;
    const Gd = evaluator.evaluate(dn).G;
    for (let p = 0; p < 2; p++) for (let r = 0; r < 3; r++) assertClose(H[p][r * 3 + c], (Gu[p][r] - Gd[p][r]) / (2 * h), 1e-5 * size[p], `d2U_${p}/dx_${r}dx_${c}`);
  }
  // A step away: the updated Hessians reproduce the change in each gradient along it.
  const before = curvature.at(x, false);
  const G0 = before.G.map((g) => Float64Array.from(g));
  const x1 = Float64Array.of(0.3, 0.05, 0.25);
  curvature.evaluate(x1);
  const after = curvature.at(x1, false);
  const s = x1.map((v, k) => v - x[k]);
  for (let p = 0; p < 2; p++) {
    for (let r = 0; r < 3; r++) {
      const Bs = s.reduce((a, v, c) => a + after.H[p][r * 3 + c] * v, 0);
      assertClose(Bs, after.G[p][r] - G0[p][r], 1e-9 * Math.max(1, Math.abs(Bs)), `secant condition, party ${p}, row ${r}`);
    }
  }
});

test('projected Newton given a wrong curvature model asks for a fresh one and still reaches the optimum', () => {
  // f = sum_k c_k (x_k - m_k)^2 / 2 on [0, 1]: the minimum is m clipped to the box.
  const c = Float64Array.of(1, 10, 100);
  const m = Float64Array.of(0.3, 1.4, -0.2);
  const fg = (x: Float64Array) => ({ f: x.reduce((a, v, k) => a + (c[k] * (v - m[k]) ** 2) / 2, 0), g: x.map((v, k) => c[k] * (v - m[k])) });
  let freshAsked = 0;
  const hessian = (_x: Float64Array, fresh: boolean) => {
    if (fresh) freshAsked++;
    // The kept model is 1,000 times too stiff: near the optimum its steps are below the step tolerance and would
    // pass for convergence 1e-6 away from it.
    const k = fresh ? 1 : 1000;
    return Float64Array.from({ length: 9 }, (_, e) => (e % 4 === 0 ? k * c[e / 4] : 0));
  };
  const r = minimise(fg, Float64Array.of(0.3 + 1e-6, 1, 0), { lower: new Float64Array(3), upper: new Float64Array(3).fill(1), tol: 1e-10, maxIterations: 50, method: 'newton', stepTol: 1e-9, hessian });
  assert.ok(r.converged);
  assert.ok(freshAsked >= 1, 'a fresh model was asked for');
  assertClose(r.x[0], 0.3, 1e-9, 'interior variable');
  assert.equal(r.x[1], 1, 'upper bound');
  assert.equal(r.x[2], 0, 'lower bound');
});

test('payoff Hessians handed over start the search without differencing, and are ignored if their size differs', () => {
  const { world, rule } = strategicWorld(randomIoWorld(3, 2, 9, { tariffs: true }), 'balanced', 'test');
  const { evaluator } = tariffGame(world, rule, 2, [bindObjective(world, 0, WELFARE_ONLY), bindObjective(world, 1, WELFARE_ONLY)], 'partner');
  let evaluations = 0;
  const evaluate = evaluator.evaluate.bind(evaluator);
  evaluator.evaluate = (x) => (evaluations++, evaluate(x));
  const x = Float64Array.of(0.1, 0.2);
  const given = [Float64Array.of(-1, 0.1, 0.1, -2), Float64Array.of(0.5, 0, 0, 0.3)];
  const kept = new PayoffCurvature(evaluator, given);
  kept.evaluate(x);
  assert.deepEqual(kept.at(x, false).H, given, 'the given Hessians, as given');
  assert.equal(evaluations, 1, 'no differencing');
  const wrongSize = new PayoffCurvature(evaluator, [new Float64Array(9), new Float64Array(9)]);
  wrongSize.evaluate(x);
  wrongSize.at(x, false);
  assert.equal(evaluations, 1 + 1 + 2, 'differenced: one evaluation per variable');
});

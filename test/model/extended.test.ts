import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calibrateExtended, ExtendedSystem, solveExtended, solveExtendedOrThrow, type ExtendedParams } from '../../src/model/extended.js';
import { solveOrThrow } from '../../src/model/equilibrium.js';
import { economyResults } from '../../src/model/results.js';
import { ConvergenceError } from '../../src/errors.js';
import { assertClose, randomWorld, rejectsInput, rng } from '../helpers.js';

const N = 6;
const world = randomWorld(N, 1, 11);

function params(over: Partial<ExtendedParams> = {}): ExtendedParams {
  const r = rng(5);
  return {
    eps: 4,
    kappa: 0.5,
    psi: 0.67 / 4,
    beta: 1,
    nu: Float64Array.from({ length: N }, () => 0.05 + 0.25 * r()),
    phi: Float64Array.from({ length: N }, () => 0.6 + 0.8 * r()),
    revenue: 'tax-relief',
    numeraire: 'prices',
    ...over,
  };
}

function tariffs(seed: number, scale = 0.4): Float64Array {
  const r = rng(seed);
  const t = new Float64Array(N * N);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) if (i !== j) t[i * N + j] = scale * r();
  return t;
}

for (const variant of [
  { name: 'baseline model, tax relief', over: {} },
  { name: 'input-output model, lump-sum, wage numeraire', over: { beta: 0.49, revenue: 'lump-sum' as const, numeraire: 'wages' as const } },
]) {
  test(`extended model (${variant.name}): the analytic Jacobian-vector product matches central differences`, () => {
    const p = params(variant.over);
    const cal = calibrateExtended(world, p.nu, p.beta);
    const sys = new ExtendedSystem(cal, p, tariffs(3));
    const r = rng(9);
    const z = Float64Array.from({ length: 4 * N }, () => 0.1 * (r() - 0.5));
    const v = Float64Array.from({ length: 4 * N }, () => r() - 0.5);
    for (const anchored of [false, true]) {
      sys.anchored = anchored;
      const F0 = new Float64Array(4 * N);
      sys.evaluate(z, F0);
      const Jv = new Float64Array(4 * N);
      sys.jvp(v, Jv);
      const h = 1e-6;
      const Fp = new Float64Array(4 * N);
      const Fm = new Float64Array(4 * N);
      sys.evaluate(z.map((x, k) => x + h * v[k]), Fp);
      sys.evaluate(z.map((x, k) => x - h * v[k]), Fm);
      for (let k = 0; k < 4 * N; k++) assertClose(Jv[k], (Fp[k] - Fm[k]) / (2 * h), 1e-7 * (1 + Math.abs(Jv[k])), `J v [${k}] (anchored ${anchored})`);
    }
  });

  test(`extended model (${variant.name}): each economy's own 4x4 block (the preconditioner) is the Jacobian's`, () => {
    const p = params(variant.over);
    const cal = calibrateExtended(world, p.nu, p.beta);
    const sys = new ExtendedSystem(cal, p, tariffs(4));
    sys.anchored = true;
    const r = rng(2);
    const z = Float64Array.from({ length: 4 * N }, () => 0.1 * (r() - 0.5));
    sys.evaluate(z, new Float64Array(4 * N));
    const block = new Float64Array(16);
    const e = new Float64Array(4 * N);
    const col = new Float64Array(4 * N);
    for (let m = 0; m < N; m++) {
      sys.ownBlock(m, block);
      for (let c = 0; c < 4; c++) {
        e.fill(0);
        e[c * N + m] = 1;
        sys.jvp(e, col);
        for (let rr = 0; rr < 4; rr++) assertClose(block[rr * 4 + c], col[rr * N + m], 1e-12 * (1 + Math.abs(col[rr * N + m])), `block ${m} (${rr},${c})`);
      }
    }
  });
}

test('extended model: no shock leaves every hat and welfare at 1', () => {
  const p = params();
  const cal = calibrateExtended(world, p.nu, 1);
  const eq = solveExtendedOrThrow(cal, p, new Float64Array(N * N));
  for (let i = 0; i < N; i++) {
    for (const [name, x] of [['what', eq.what], ['Lhat', eq.Lhat], ['Phat', eq.Phat], ['welfare', eq.welfare]] as const) assertClose(x[i], 1, 1e-12, `${name}[${i}]`);
  }
});

test('extended model: at a solution markets clear, budgets hold and the paper numeraire is met', () => {
  for (const over of [{}, { beta: 0.49, numeraire: 'wages' as const }]) {
    const p = params(over);
    const cal = calibrateExtended(world, p.nu, p.beta);
    const eq = solveExtendedOrThrow(cal, p, tariffs(7));
    assert.ok(eq.residual < 1e-10);
    let num = 0;
    let den = 0;
    for (let i = 0; i < N; i++) {
      num += p.numeraire === 'prices' ? eq.Phat[i] * cal.E[i] : eq.what[i] * cal.Y[i];
      den += p.numeraire === 'prices' ? cal.E[i] : cal.Y[i];
    }
    assertClose(num / den, 1, 1e-12, 'numeraire');
    // Walras: the market-clearing row dropped for the numeraire clears too.
    const i = N - 1;
    let sales = 0;
    let imp = 0;
    for (let j = 0; j < N; j++) {
      sales += (1 - p.nu[j]) * eq.Zp[i * N + j];
      imp += eq.Zp[j * N + i];
    }
    assertClose(p.beta * sales + p.nu[i] * imp, eq.what[i] * eq.Lhat[i] * cal.Y[i], 1e-9 * cal.Y[i], 'dropped market');
  }
});

test('extended model with every extension off is MODEL.md core model with fixed deficits', () => {
  const w = randomWorld(5, 1, 21);
  const n = w.N;
  const t = new Float64Array(n * n);
  const r = rng(8);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) t[i * n + j] = 0.5 * r();
  const p: ExtendedParams = { eps: w.eps[0], kappa: 0, psi: 0, beta: 1, nu: new Float64Array(n), phi: new Float64Array(n).fill(1), revenue: 'lump-sum', numeraire: 'prices' };
  const ext = solveExtendedOrThrow(calibrateExtended(w, p.nu, 1), p, t);
  const core = solveOrThrow(w, { tariffs: t, costFactors: new Float64Array(n * n).fill(1) });
  const rows = economyResults(core);
  for (let i = 0; i < n; i++) {
    assertClose(100 * (ext.realIncome[i] - 1), rows[i].welfare_pct, 1e-8, `real income ${i}`);
    // Relative wages and flow shares do not depend on the numeraire.
    assertClose(ext.what[i] / ext.what[0], core.what[i] / core.what[0], 1e-10, `relative wage ${i}`);
    for (let j = 0; j < n; j++) assertClose(ext.Zp[i * n + j] / ext.Zp[j * n + j], core.Zp[i * n + j] / core.Zp[j * n + j], 1e-9, `flow ratio ${i},${j}`);
  }
});

test('extended model: parameters out of range get a clear error', () => {
  const cal = calibrateExtended(world, params().nu, 1);
  const t = new Float64Array(N * N);
  rejectsInput(() => solveExtended(cal, params({ eps: 0 }), t), /eps = 0 is out of range; expected eps > 0/);
  rejectsInput(() => solveExtended(cal, params({ kappa: -0.1 }), t), /kappa = -0.1 is out of range; expected kappa >= 0/);
  rejectsInput(() => solveExtended(cal, params({ beta: 1.5 }), t), /beta = 1.5 is out of range; expected beta in \(0, 1\]/);
  rejectsInput(() => solveExtended(cal, params({ beta: 0 }), t), /beta = 0 is out of range/);
  const nu = params().nu.slice();
  nu[2] = 1;
  rejectsInput(() => solveExtended(cal, params({ nu }), t), /nu\[2\] = 1 is out of range; expected nu in \[0, 1\)/);
  rejectsInput(() => calibrateExtended(randomWorld(3, 1, 1, { tariffs: true }), new Float64Array(3), 1), /starts from zero tariffs/);
  rejectsInput(() => calibrateExtended(randomWorld(3, 2, 1), new Float64Array(3), 1), /one sector expected/);
});

test('extended model: a solve cut short reports its residual instead of a result', () => {
  const p = params();
  const cal = calibrateExtended(world, p.nu, 1);
  const eq = solveExtended(cal, p, tariffs(3, 2), { maxIterations: 1 });
  assert.equal(eq.converged, false);
  assert.ok(eq.residual > 1e-10);
  assert.throws(() => solveExtendedOrThrow(cal, p, tariffs(3, 2), 'scenario x', { maxIterations: 1 }), (e: unknown) => e instanceof ConvergenceError && /scenario x did not converge: residual/.test(e.message));
});

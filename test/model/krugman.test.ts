/** The Krugman variant (Ossa 2014): identities, an independent oracle, analytic derivatives. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeBaseline } from '../../src/model/baseline.js';
import { noShock, purgeDeficits, solveOrThrow, solveSystem } from '../../src/model/equilibrium.js';
import { EquilibriumSystem } from '../../src/model/system.js';
import { economyResults } from '../../src/model/results.js';
import { createWorld, type World } from '../../src/data/world.js';
import { bindObjective, objectiveGradients, objectiveParts } from '../../src/strategy/gradient.js';
import { luFactor, luSolve } from '../../src/numeric/linalg.js';
import { assertClose, randomWorld, rejectsInput, rng } from '../helpers.js';

function krugmanWorld(N: number, S: number, seed: number): World {
  const w = randomWorld(N, S, seed, { tariffs: true });
  return createWorld({ codes: w.codes, sectors: w.sectors, Z: w.Z, t: w.t, eps: w.eps, model: 'krugman' });
}

function shocked(world: World, seed: number) {
  const r = rng(seed);
  const shock = noShock(world);
  shock.tariffs.forEach((t, k) => (shock.tariffs[k] = t > 0 ? t + 0.3 * r() : t));
  return shock;
}

test('Krugman: no shock leaves every hat at 1; profits are 1/sigma of sales in the baseline', () => {
  const world = krugmanWorld(4, 3, 3);
  const eq = solveOrThrow(world, noShock(world));
  for (let i = 0; i < world.N; i++) assertClose(eq.what[i], 1, 1e-12, `what ${i}`);
  for (const r of economyResults(eq)) assertClose(r.welfare_pct, 0, 1e-10, `welfare ${r.code}`);
  const b = computeBaseline(world);
  for (let i = 0; i < world.N; i++) {
    let pi = 0;
    for (let s = 0; s < world.S; s++) pi += b.Ys[i * world.S + s] / (world.eps[s] + 1);
    assertClose(b.Pi[i], pi, 1e-9 * b.Y[i], `profits ${i}`);
    assertClose(b.L[i] + b.Pi[i], b.Y[i], 1e-9 * b.Y[i], `L + Pi = Y ${i}`);
  }
});

test('Krugman: at a solution the labour market clears, profits are 1/sigma of new sales, and budgets hold', () => {
  const world = krugmanWorld(5, 3, 7);
  const shock = shocked(world, 1);
  const eq = solveOrThrow(world, shock);
  const { N, S } = world;
  const b = computeBaseline(world);
  for (let i = 0; i < N; i++) {
    let labour = 0;
    let profits = 0;
    let imports = 0;
    let sales = 0;
    for (let j = 0; j < N; j++) {
      for (let s = 0; s < S; s++) {
        const z = eq.Zp[(i * N + j) * S + s];
        labour += (1 - b.profitShare[s]) * z;
        profits += b.profitShare[s] * z;
        sales += z;
        imports += eq.Zp[(j * N + i) * S + s] * (1 + shock.tariffs[(j * N + i) * S + s]);
      }
    }
    assertClose(labour, eq.what[i] * b.L[i], 1e-9 * b.L[i], `labour market ${i}`);
    assertClose(eq.Yp[i], sales, 1e-9 * b.Y[i], `output = labour + profits ${i}`);
    assertClose(eq.Ep[i], imports, 1e-9 * b.E[i], `spending ${i}`);
    assertClose(eq.Ep[i], eq.Yp[i] + eq.Rp[i] + eq.Dp[i], 1e-9 * b.E[i], `budget ${i}`);
    assertClose(eq.Dp[i], b.D[i], 1e-9 * b.E[i], `deficit held ${i}`);
    assert.ok(profits > 0);
  }
});

/** Ossa's own formulation: unknowns what and Ehat, his equations 1-5 (SOURCE.md of the package), NX' = 0. */
function ossaOracle(world: World, tp: Float64Array): { what: Float64Array; W: Float64Array } {
  const { N, S, Z, t, eps } = world;
  const b = computeBaseline(world);
  const sigma = Array.from(eps, (e) => e + 1);
  const X = (i: number, j: number, s: number) => Z[(i * N + j) * S + s];
  const E = b.E;
  const L = b.L;
  const sumL = L.reduce((a, v) => a + v, 0);
  const evalF = (x: Float64Array, out: Float64Array, W?: Float64Array) => {
    const w = x.subarray(0, N);
    const Eh = x.subarray(N, 2 * N);
    const newX = new Float64Array(N * N * S);
    const lnP = new Float64Array(N);
    for (let j = 0; j < N; j++) {
      for (let s = 0; s < S; s++) {
        let den = 0;
        for (let i = 0; i < N; i++) den += X(i, j, s) * (1 + t[(i * N + j) * S + s]);
        let Pq = 0;
        for (let i = 0; i < N; i++) {
          const k = (i * N + j) * S + s;
          const tau = (1 + tp[k]) / (1 + t[k]);
          Pq += ((X(i, j, s) * (1 + t[k])) / den) * Math.pow(w[i] * tau, 1 - sigma[s]);
        }
        const P = Math.pow(Pq, 1 / (1 - sigma[s]));
        lnP[j] += b.beta[j * S + s] * Math.log(P);
        for (let i = 0; i < N; i++) {
          const k = (i * N + j) * S + s;
          const tau = (1 + tp[k]) / (1 + t[k]);
          newX[k] = X(i, j, s) * Math.pow(w[i], 1 - sigma[s]) * Math.pow(tau, -sigma[s]) * Math.pow(P, sigma[s] - 1) * Eh[j];
        }
      }
    }
    for (let i = 0; i < N; i++) {
      let lab = 0;
      let prof = 0;
      let rev = 0;
      for (let j = 0; j < N; j++) {
        for (let s = 0; s < S; s++) {
          lab += ((sigma[s] - 1) / sigma[s]) * newX[(i * N + j) * S + s];
          prof += newX[(i * N + j) * S + s] / sigma[s];
          rev += tp[(j * N + i) * S + s] * newX[(j * N + i) * S + s];
        }
      }
      out[i] = (lab - w[i] * L[i]) / L[i];
      out[N + i] = (L[i] * w[i] + prof + rev - Eh[i] * E[i]) / E[i];
      if (W) W[i] = Eh[i] / Math.exp(lnP[i]);
    }
    let num = 0;
    for (let i = 0; i < N; i++) num += L[i] * w[i];
    out[N - 1] = num / sumL - 1;
  };
  const n = 2 * N;
  const x = new Float64Array(n).fill(1);
  const F = new Float64Array(n);
  const Fh = new Float64Array(n);
  const J = new Float64Array(n * n);
  const piv = new Int32Array(n);
  const dx = new Float64Array(n);
  for (let it = 0; it < 50; it++) {
    evalF(x, F);
    if (Math.max(...F.map(Math.abs)) < 1e-13) break;
    for (let c = 0; c < n; c++) {
      const h = 1e-7 * x[c];
      x[c] += h;
      evalF(x, Fh);
      x[c] -= h;
      for (let r = 0; r < n; r++) J[r * n + c] = (Fh[r] - F[r]) / h;
    }
    luFactor(J, n, piv);
    luSolve(J, n, piv, F.map((v) => -v), dx);
    for (let c = 0; c < n; c++) x[c] += dx[c];
  }
  const W = new Float64Array(N);
  evalF(x, F, W);
  assert.ok(Math.max(...F.map(Math.abs)) < 1e-10, 'oracle converged');
  return { what: Float64Array.from(x.subarray(0, N)), W };
}

test("Krugman: welfare and wages match Ossa's own two-unknown formulation (an independent oracle)", () => {
  const world = purgeDeficits(krugmanWorld(4, 3, 11));
  const shock = shocked(world, 5);
  const eq = solveOrThrow(world, shock);
  const oracle = ossaOracle(world, shock.tariffs);
  const rows = economyResults(eq);
  for (let i = 0; i < world.N; i++) {
    assertClose(eq.what[i], oracle.what[i], 1e-8, `what ${i}`);
    assertClose(1 + rows[i].welfare_pct / 100, oracle.W[i], 1e-8, `welfare ${i} (Ehat / Phat)`);
  }
});

test('Krugman: the analytic Jacobian-vector product and tariff tangent match central differences', () => {
  const world = krugmanWorld(4, 3, 13);
  const shock = shocked(world, 2);
  const base = computeBaseline(world);
  const sys = new EquilibriumSystem(base, Float64Array.from(shock.tariffs), shock.costFactors, 'fixed');
  const N = world.N;
  const w0 = Float64Array.from([1.02, 0.97, 1.01, 0.99]);
  const v = Float64Array.from([0.3, -0.2, 0.5, 0.1]);
  const excessAt = (w: Float64Array) => {
    sys.evaluate(w);
    return Float64Array.from(sys.excess);
  };
  const h = 1e-6;
  const fd = excessAt(w0.map((x, k) => x + h * v[k]));
  const fm = excessAt(w0.map((x, k) => x - h * v[k]));
  sys.evaluate(w0);
  const Jv = new Float64Array(N);
  sys.jvp(v, Jv);
  for (let i = 0; i < N; i++) assertClose(Jv[i], (fd[i] - fm[i]) / (2 * h), 1e-6 * base.L[i], `J v [${i}]`);
  // Tariff tangent at fixed w: importer 2's tariff on exporter 0 in sector 1.
  const cell = (0 * N + 2) * world.S + 1;
  sys.evaluate(w0);
  sys.tariffTangentSparse([cell], [1]);
  const dEx = Float64Array.from(sys.tangent().dExcess);
  const at = (d: number) => {
    sys.tPrime[cell] = shock.tariffs[cell] + d;
    sys.setShock();
    return excessAt(w0);
  };
  const p = at(h);
  const m = at(-h);
  at(0);
  for (let i = 0; i < N; i++) assertClose(dEx[i], (p[i] - m[i]) / (2 * h), 1e-6 * base.L[i], `d excess / d t [${i}]`);
});

for (const model of ['krugman', 'armington'] as const) {
  test(`government welfare with political-economy weights: adjoint gradient matches central differences (${model})`, () => {
    const w0 = randomWorld(4, 3, 17, { tariffs: true });
    const world = purgeDeficits(createWorld({ codes: w0.codes, sectors: w0.sectors, Z: w0.Z, t: w0.t, eps: w0.eps, model }));
    const { N, S } = world;
    const shock = shocked(world, 9);
    const r = rng(4);
    const objs = [0, 2].map((k) => bindObjective(world, k, { welfare: 1, revenue: 0, balances: [], industryWeights: Array.from({ length: S }, () => 0.3 + 1.5 * r()) }));
    // Directions: 0's tariff on 1 in sector 2 (0's imports); 3's tariff on 0 in sector 0 (0's exports: its sales row); a uniform move of 2's tariffs.
    const dirs = [new Float64Array(N * N * S), new Float64Array(N * N * S), new Float64Array(N * N * S)];
    dirs[0][(1 * N + 0) * S + 2] = 1;
    dirs[1][(0 * N + 3) * S + 0] = 1;
    for (let i = 0; i < N; i++) if (i !== 2) for (let s = 0; s < S; s++) dirs[2][(i * N + 2) * S + s] = 1;
    const sys = new EquilibriumSystem(computeBaseline(world), Float64Array.from(shock.tariffs), shock.costFactors, 'fixed');
    assert.ok(solveSystem(sys, { tol: 1e-13 }).converged);
    const grads = objectiveGradients(sys, objs, dirs);
    const U = (t: Float64Array, o: number) => {
      const s2 = new EquilibriumSystem(computeBaseline(world), Float64Array.from(t), shock.costFactors, 'fixed');
      assert.ok(solveSystem(s2, { tol: 1e-13 }).converged);
      return objectiveParts(s2, objs[o]).value;
    };
    const h = 1e-5;
    objs.forEach((_, o) => {
      dirs.forEach((dt, d) => {
        const fd = (U(shock.tariffs.map((t, q) => t + h * dt[q]), o) - U(shock.tariffs.map((t, q) => t - h * dt[q]), o)) / (2 * h);
        const scale = Math.max(1e-2, Math.abs(fd));
        assertClose(grads[o].gradient[d] / scale, fd / scale, 1e-6, `dG_${o}/d theta_${d}`);
      });
    });
  });
}

test('government welfare with all weights 1 is welfare', () => {
  const world = purgeDeficits(krugmanWorld(4, 3, 19));
  const shock = shocked(world, 3);
  const sys = new EquilibriumSystem(computeBaseline(world), Float64Array.from(shock.tariffs), shock.costFactors, 'fixed');
  assert.ok(solveSystem(sys).converged);
  for (let k = 0; k < world.N; k++) {
    const parts = objectiveParts(sys, bindObjective(world, k, { welfare: 1, revenue: 0, balances: [], industryWeights: new Array(world.S).fill(1) }));
    assertClose(parts.governmentPct, parts.welfarePct, 1e-9, `G = W for ${k}`);
  }
});

test('Krugman: proportional deficits are refused with a clear error; bad industry weights too', () => {
  const world = krugmanWorld(3, 2, 1);
  rejectsInput(() => new EquilibriumSystem(computeBaseline(world), Float64Array.from(world.t), new Float64Array(world.t.length).fill(1), 'proportional'), /proportional deficits are not defined for the Krugman model/);
  rejectsInput(() => bindObjective(world, 0, { welfare: 1, revenue: 0, balances: [], industryWeights: [1] }), /1 industry weights for 2 sectors/);
  rejectsInput(() => bindObjective(world, 0, { welfare: 1, revenue: 0, balances: [], industryWeights: [1, -1] }), /industry weights must be finite and >= 0/);
});

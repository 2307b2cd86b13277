/** MODEL.md §4 checks 8 and 9: the input-output model (Caliendo & Parro 2015). Check 10 is in test/replicate/cp2015.test.ts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorld, type World } from '../../src/data/world.js';
import { computeBaseline } from '../../src/model/baseline.js';
import { noShock, solveOrThrow, type Deficits, type Equilibrium, type Shock } from '../../src/model/equilibrium.js';
import { IoSystem } from '../../src/model/io-system.js';
import { economyResults } from '../../src/model/results.js';
import { assertClose, centralDifference, randomIoWorld, randomWorld, rejectsInput } from '../helpers.js';

/** A shock with tariff changes up and down and a few iceberg changes. */
function mixedShock(world: World): Shock {
  const shock = noShock(world);
  const { N, S } = world;
  for (let k = 0; k < shock.tariffs.length; k++) {
    const s = k % S;
    const ij = (k - s) / S;
    if (ij % N === Math.floor(ij / N)) continue;
    if (k % 3 === 0) shock.tariffs[k] += 0.25;
    if (k % 7 === 0) shock.tariffs[k] = 0;
  }
  shock.costFactors[(0 * N + 1) * S] = 0.8;
  shock.costFactors[(2 * N + 0) * S + (S - 1)] = 1.3;
  return shock;
}

/** §1's world seen as an input-output world with no intermediates: gva = 1, gamma = 0, alpha = beta. */
function withoutIntermediates(world: World): World {
  const { N, S } = world;
  const beta = computeBaseline(world).beta;
  return createWorld({ ...world, io: { gva: new Float64Array(N * S).fill(1), gamma: new Float64Array(N * S * S), alpha: beta } });
}

test('check 8: with no intermediates the input-output model reproduces §1 to 1e-10 (fixed and balanced deficits)', () => {
  const plain = randomWorld(6, 3, 21, { tariffs: true });
  const io = withoutIntermediates(plain);
  for (const deficits of ['fixed', 'balanced'] as Deficits[]) {
    const a = solveOrThrow(plain, mixedShock(plain), { deficits });
    const b = solveOrThrow(io, mixedShock(io), { deficits });
    assert.ok(b.io, 'the input-output solver ran');
    for (let i = 0; i < plain.N; i++) assertClose(b.what[i], a.what[i], 1e-10, `what[${i}] (${deficits})`);
    for (let k = 0; k < a.PhatS.length; k++) assertClose(b.PhatS[k], a.PhatS[k], 1e-10, `Phat[${k}] (${deficits})`);
    for (let k = 0; k < a.Zp.length; k++) assertClose(b.Zp[k] / plain.Z[k], a.Zp[k] / plain.Z[k], 1e-10, `Z'/Z[${k}] (${deficits})`);
    const ra = economyResults(a);
    const rb = economyResults(b);
    for (let j = 0; j < plain.N; j++) {
      assertClose(rb[j].welfare_pct, ra[j].welfare_pct, 1e-8, `welfare % of ${ra[j].code} (${deficits})`);
      assertClose(rb[j].tariff_revenue_after / ra[j].tariff_revenue_after, 1, 1e-10, `revenue of ${ra[j].code} (${deficits})`);
    }
  }
});

/** Every identity of MODEL.md §4 at a solution: labour markets, spending, income, revenue, output. */
function assertIoIdentities(eq: Equilibrium, tol = 1e-9): void {
  assert.ok(eq.converged && eq.io, `solved (residual ${eq.residual})`);
  const { N, S, L, world } = eq.baseline;
  const { gva, gamma, alpha } = world.io!;
  const { GOp, Xp, Ip } = eq.io;
  const t = eq.shock.tariffs;
  const scale = L.reduce((a, b) => a + b, 0);
  for (let i = 0; i < N; i++) {
    let labour = 0;
    for (let s = 0; s < S; s++) {
      let sold = 0;
      for (let n = 0; n < N; n++) sold += eq.Zp[(i * N + n) * S + s];
      assertClose(sold / scale, GOp[i * S + s] / scale, tol, `output of ${i}/${s} = its sales`);
      labour += gva[i * S + s] * GOp[i * S + s];
    }
    assertClose(labour / L[i], eq.what[i], tol, `labour market of economy ${i}`);
  }
  for (let n = 0; n < N; n++) {
    let revenue = 0;
    for (let s = 0; s < S; s++) {
      let bought = 0;
      for (let i = 0; i < N; i++) {
        const k = (i * N + n) * S + s;
        bought += eq.Zp[k] * (1 + t[k]);
        revenue += t[k] * eq.Zp[k];
      }
      let use = alpha[n * S + s] * Ip[n];
      for (let k = 0; k < S; k++) use += gamma[(n * S + s) * S + k] * GOp[n * S + k];
      assertClose(bought / scale, Xp[n * S + s] / scale, tol, `spending of ${n} on ${s} = its purchases`);
      assertClose(use / scale, Xp[n * S + s] / scale, tol, `spending of ${n} on ${s} = intermediate + final use`);
    }
    assertClose(revenue / scale, eq.Rp[n] / scale, tol, `revenue of ${n} = sum t' Z'`);
    assertClose(Ip[n] / scale, (eq.what[n] * L[n] + eq.Rp[n] + eq.Dp[n]) / scale, tol, `income of ${n}`);
  }
  let out = 0;
  for (let i = 0; i < N; i++) out += eq.what[i] * L[i];
  assertClose(out / scale, 1, tol, 'numeraire: world value added fixed');
}

test('check 9: no shock leaves every hat at 1 on a consistent input-output world', () => {
  const world = randomIoWorld(5, 4, 3, { tariffs: true });
  for (const deficits of ['fixed', 'balanced'] as Deficits[]) {
    const eq = solveOrThrow(world, noShock(world), { deficits });
    assertIoIdentities(eq);
    if (deficits === 'balanced') continue; // the purge itself moves prices
    for (let i = 0; i < world.N; i++) assertClose(eq.what[i], 1, 1e-12, `what[${i}]`);
    for (let k = 0; k < eq.PhatS.length; k++) {
      assertClose(eq.PhatS[k], 1, 1e-12, `Phat[${k}]`);
      assertClose(eq.io!.chat[k], 1, 1e-12, `chat[${k}]`);
    }
  }
});

test('check 9: scaling every flow changes no hat', () => {
  const world = randomIoWorld(5, 3, 4, { tariffs: true });
  const scaled = createWorld({ ...world, Z: world.Z.map((z) => z * 1234.5) });
  const a = solveOrThrow(world, mixedShock(world));
  const b = solveOrThrow(scaled, mixedShock(scaled));
  for (let i = 0; i < world.N; i++) assertClose(b.what[i], a.what[i], 1e-11, `what[${i}]`);
  for (let k = 0; k < a.PhatS.length; k++) assertClose(b.PhatS[k], a.PhatS[k], 1e-11, `Phat[${k}]`);
});

test('check 9: at a solution every labour market clears, budgets hold and revenue is sum t\' Z\'', () => {
  const world = randomIoWorld(6, 4, 5, { tariffs: true });
  for (const deficits of ['fixed', 'balanced'] as Deficits[]) assertIoIdentities(solveOrThrow(world, mixedShock(world), { deficits }));
});

test('check 9: the analytic Jacobian of labour excess demand matches central differences', () => {
  const world = randomIoWorld(5, 3, 6, { tariffs: true });
  const shock = mixedShock(world);
  const sys = new IoSystem(computeBaseline(world), shock.tariffs, shock.costFactors, 'fixed');
  const w = Float64Array.from([1.03, 0.97, 1.01, 0.99, 1.02]);
  const N = world.N;
  sys.evaluate(w);
  const J = new Float64Array(N * N);
  sys.jacobian(J);
  const excessAt = (x: Float64Array) => {
    sys.evaluate(x);
    return Float64Array.from(sys.excess);
  };
  for (let k = 0; k < N; k++) {
    const fd = centralDifference(w, k, 1e-6, excessAt);
    for (let i = 0; i < N; i++) assertClose(J[i * N + k], fd[i], 1e-6 * Math.max(1, Math.abs(fd[i])), `J[${i}][${k}]`);
  }
});

test('check 9: roundabout production, iceberg shock: real wage = (lam\'_nn / lam_nn)^(-1 / (eps gva))', () => {
  const N = 5;
  const flows = randomWorld(N, 1, 8);
  const gva = Float64Array.from({ length: N }, (_, n) => 0.35 + 0.1 * n);
  const gamma = Float64Array.from(gva, (v) => 1 - v);
  const world = createWorld({ ...flows, io: { gva, gamma, alpha: new Float64Array(N).fill(1) } });
  const shock = noShock(world);
  shock.costFactors[0 * N + 3] = 0.7;
  shock.costFactors[4 * N + 1] = 1.6;
  shock.costFactors[2 * N + 0] = 0.85;
  for (const deficits of ['fixed', 'balanced'] as Deficits[]) {
    const eq = solveOrThrow(world, shock, { deficits });
    assertIoIdentities(eq);
    const base = eq.baseline;
    for (let n = 0; n < N; n++) {
      const k = n * N + n;
      const lamNew = (eq.Zp[k] * (1 + eq.shock.tariffs[k])) / eq.io!.Xp[n];
      const predicted = Math.pow(lamNew / base.lam[k], -1 / (world.eps[0] * gva[n]));
      assertClose(eq.what[n] / eq.Phat[n], predicted, 1e-10, `real wage of ${world.codes[n]} (${deficits})`);
    }
  }
});

test('bad input-output shares are one-line errors naming the field', () => {
  const flows = randomWorld(2, 2, 1);
  const ok = { gva: new Float64Array(4).fill(0.5), gamma: new Float64Array(8).fill(0.25), alpha: new Float64Array(4).fill(0.5) };
  createWorld({ ...flows, io: ok });
  rejectsInput(() => createWorld({ ...flows, io: { ...ok, gamma: new Float64Array(8).fill(0.3) } }), /gamma: value-added and input shares of E0 \[S0\] sum to 1\.1/);
  rejectsInput(() => createWorld({ ...flows, io: { ...ok, gva: Float64Array.from([0.5, 0.5, -0.5, 0.5]) } }), /gva: value-added share of E1 \[S0\] must be in \(0, 1\]/);
  rejectsInput(() => createWorld({ ...flows, io: { ...ok, alpha: Float64Array.from([0.7, 0.7, 0.5, 0.5]) } }), /alpha: final-demand shares of E0 sum to 1\.4/);
});

/** Adjoint welfare gradients against central differences of re-solved equilibria (MODEL.md §2). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeBaseline } from '../../src/model/baseline.js';
import { noShock, purgeDeficits, solveOrThrow, solveSystem, type Deficits } from '../../src/model/equilibrium.js';
import { EquilibriumSystem } from '../../src/model/system.js';
import { economyResults } from '../../src/model/results.js';
import { welfareGradient } from '../../src/strategy/gradient.js';
import { assertClose, randomWorld } from '../helpers.js';

for (const deficits of ['fixed', 'balanced', 'proportional'] as Deficits[]) {
  test(`d ln W / d tariffs by adjoint matches central differences (${deficits} deficits)`, () => {
    const world0 = randomWorld(4, 3, 31, { tariffs: true });
    const world = deficits === 'balanced' ? purgeDeficits(world0) : world0;
    const rule = deficits === 'proportional' ? 'proportional' : 'fixed';
    const { N, S } = world;
    const shock = noShock(world);
    shock.tariffs.forEach((t, k) => (shock.tariffs[k] = t > 0 ? t + 0.1 : t));
    // Directions: economy 0's tariff on 1 in sector 2; economy 0's tariffs on everyone (uniform); 2's tariff on 0 in sector 0.
    const dirs = [new Float64Array(N * N * S), new Float64Array(N * N * S), new Float64Array(N * N * S)];
    dirs[0][(1 * N + 0) * S + 2] = 1;
    for (let i = 1; i < N; i++) for (let s = 0; s < S; s++) dirs[1][(i * N + 0) * S + s] = 1;
    dirs[2][(0 * N + 2) * S + 0] = 1;
    const sys = new EquilibriumSystem(computeBaseline(world), shock.tariffs, shock.costFactors, rule);
    assert.ok(solveSystem(sys).converged);
    const lnW = (t: Float64Array, k: number) => {
      const eq = solveOrThrow(world, { tariffs: t, costFactors: shock.costFactors }, { deficits: rule });
      return Math.log(1 + economyResults(eq)[k].welfare_pct / 100);
    };
    const h = 1e-5;
    for (const k of [0, 1, 2]) {
      const { lnWelfare, gradient } = welfareGradient(sys, k, dirs);
      assertClose(lnWelfare, lnW(shock.tariffs, k), 1e-12, `ln W_${k} at the point`);
      dirs.forEach((dt, d) => {
        const tp = shock.tariffs.map((t, q) => t + h * dt[q]);
        const tm = shock.tariffs.map((t, q) => t - h * dt[q]);
        const fd = (lnW(tp, k) - lnW(tm, k)) / (2 * h);
        const scale = Math.max(1e-3, Math.abs(fd));
        assertClose(gradient[d] / scale, fd / scale, 1e-6, `d ln W_${k} / d theta_${d}`);
      });
    }
  });
}

for (const deficits of ['fixed', 'balanced', 'proportional'] as Deficits[]) {
  test(`weighted objectives (welfare, revenue, bilateral balances) by adjoint match central differences (${deficits})`, async () => {
    const { bindObjective, objectiveGradients, objectiveParts } = await import('../../src/strategy/gradient.js');
    const world0 = randomWorld(4, 2, 77, { tariffs: true });
    const world = deficits === 'balanced' ? purgeDeficits(world0) : world0;
    const rule = deficits === 'proportional' ? 'proportional' : 'fixed';
    const { N, S } = world;
    const shock = noShock(world);
    shock.tariffs.forEach((t, k) => (shock.tariffs[k] = t > 0 ? t + 0.15 : t));
    const dirs = [new Float64Array(N * N * S), new Float64Array(N * N * S)];
    dirs[0][(1 * N + 0) * S + 1] = 1;
    for (let i = 0; i < N; i++) if (i !== 2) dirs[1][(i * N + 2) * S + 0] = 1;
    const objs = [
      bindObjective(world, 0, { welfare: 1, revenue: 0.5, balances: [{ partner: world.codes[1], weight: 0.3 }] }),
      bindObjective(world, 2, { welfare: 0.2, revenue: 1, balances: [{ partner: world.codes[0], weight: -1 }, { partner: world.codes[3], weight: 2 }] }),
    ];
    const sys = new EquilibriumSystem(computeBaseline(world), Float64Array.from(shock.tariffs), shock.costFactors, rule);
    assert.ok(solveSystem(sys).converged);
    const grads = objectiveGradients(sys, objs, dirs);
    const U = (t: Float64Array, o: number) => {
      const s2 = new EquilibriumSystem(computeBaseline(world), Float64Array.from(t), shock.costFactors, rule);
      assert.ok(solveSystem(s2).converged);
      return objectiveParts(s2, objs[o]).value;
    };
    const h = 1e-5;
    objs.forEach((_, o) => {
      assertClose(grads[o].value, U(shock.tariffs, o), 1e-10, `U_${o}`);
      dirs.forEach((dt, d) => {
        const fd = (U(shock.tariffs.map((t, q) => t + h * dt[q]), o) - U(shock.tariffs.map((t, q) => t - h * dt[q]), o)) / (2 * h);
        const scale = Math.max(1e-2, Math.abs(fd));
        assertClose(grads[o].gradient[d] / scale, fd / scale, 1e-6, `dU_${o}/d theta_${d}`);
      });
    });
  });
}

for (const model of ['armington', 'krugman'] as const) {
  test(`reverse-mode tariff gradients (one pass for every cell) equal the forward tangents (${model})`, async () => {
    const { bindObjective, objectiveGradients } = await import('../../src/strategy/gradient.js');
    const { createWorld } = await import('../../src/data/world.js');
    const w0 = randomWorld(5, 3, 41, { tariffs: true });
    const world = purgeDeficits(createWorld({ codes: w0.codes, sectors: w0.sectors, Z: w0.Z, t: w0.t, eps: w0.eps, model }));
    const { N, S } = world;
    const shock = noShock(world);
    shock.tariffs.forEach((t, k) => (shock.tariffs[k] = t > 0 ? t + 0.2 : t));
    const objs = [
      bindObjective(world, 0, { welfare: 1, revenue: 0, balances: [] }),
      bindObjective(world, 1, { welfare: 0.7, revenue: 0.4, balances: [{ partner: world.codes[2], weight: 0.5 }, { partner: world.codes[4], weight: -1 }] }),
      bindObjective(world, 3, { welfare: 1, revenue: 0.2, balances: [], industryWeights: [0.5, 1.7, 1.1] }),
    ];
    // Every single cell, plus a dense uniform direction.
    const dirs: (Float64Array | { cells: Int32Array; values: Float64Array })[] = [];
    for (let c = 0; c < N * N * S; c++) dirs.push({ cells: Int32Array.of(c), values: Float64Array.of(1) });
    const dense = new Float64Array(N * N * S);
    for (let i = 0; i < N; i++) if (i !== 3) for (let s = 0; s < S; s++) dense[(i * N + 3) * S + s] = 1;
    dirs.push(dense);
    const sys = new EquilibriumSystem(computeBaseline(world), Float64Array.from(shock.tariffs), shock.costFactors, 'fixed');
    assert.ok(solveSystem(sys, { tol: 1e-13 }).converged);
    const fwd = objectiveGradients(sys, objs, dirs, 'forward');
    const rev = objectiveGradients(sys, objs, dirs, 'reverse');
    objs.forEach((_, o) => {
      const scale = Math.max(...fwd[o].gradient.map(Math.abs));
      dirs.forEach((_, d) => assertClose(rev[o].gradient[d], fwd[o].gradient[d], 1e-10 * scale, `objective ${o}, direction ${d}`));
    });
  });
}

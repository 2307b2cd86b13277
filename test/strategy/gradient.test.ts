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

/** The analytic Jacobian of the equilibrium system against central finite differences. */
import { test } from 'node:test';
import { computeBaseline } from '../../src/model/baseline.js';
import { noShock } from '../../src/model/equilibrium.js';
import { EquilibriumSystem, type DeficitRule } from '../../src/model/system.js';
import { assertClose, centralDifference, randomWorld, rng } from '../helpers.js';

for (const rule of ['fixed', 'zero', 'proportional'] as DeficitRule[]) {
  test(`analytic Jacobian matches central differences (${rule} deficits, tariffs and cost shocks)`, () => {
    const world = randomWorld(6, 3, 2, { tariffs: true });
    const shock = noShock(world);
    const r = rng(9);
    shock.tariffs.forEach((t, k) => (shock.tariffs[k] = t > 0 ? t + 0.3 * r() : t));
    shock.costFactors.forEach((_, k) => (shock.costFactors[k] = 0.8 + 0.4 * r()));
    const sys = new EquilibriumSystem(computeBaseline(world), shock.tariffs, shock.costFactors, rule);
    const N = world.N;
    const w = Float64Array.from({ length: N }, () => 0.8 + 0.4 * r());
    sys.evaluate(w);
    const J = new Float64Array(N * N);
    sys.jacobian(J);
    const h = 1e-6;
    const excessAt = (x: Float64Array) => {
      sys.evaluate(x);
      return sys.excess;
    };
    for (let k = 0; k < N; k++) {
      const column = centralDifference(w, k, h, excessAt);
      for (let i = 0; i < N; i++) {
        const fd = column[i];
        const scale = Math.max(1, Math.abs(fd));
        assertClose(J[i * N + k] / scale, fd / scale, 1e-6, `J[${i}][${k}]`);
      }
    }
  });
}

/** The analytic Jacobian of the equilibrium system against central finite differences. */
import { test } from 'node:test';
import { computeBaseline } from '../../src/model/baseline.js';
import { noShock } from '../../src/model/equilibrium.js';
import { EquilibriumSystem, type DeficitRule } from '../../src/model/system.js';
import { assertClose, randomWorld, rng } from '../helpers.js';

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
    for (let k = 0; k < N; k++) {
      const wp = Float64Array.from(w);
      const wm = Float64Array.from(w);
      wp[k] += h;
      wm[k] -= h;
      sys.evaluate(wp);
      const ep = Float64Array.from(sys.excess);
      sys.evaluate(wm);
      for (let i = 0; i < N; i++) {
        const fd = (ep[i] - sys.excess[i]) / (2 * h);
        const scale = Math.max(1, Math.abs(fd));
        assertClose(J[i * N + k] / scale, fd / scale, 1e-6, `J[${i}][${k}]`);
      }
    }
  });
}

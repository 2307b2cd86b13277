/** The solver's equations (model/residual.ts): one definition, consistent with the system it scales. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeBaseline } from '../../src/model/baseline.js';
import { noShock } from '../../src/model/equilibrium.js';
import { currentResidual, droppedMarket, jacobianColumn, residual, residualJacobian, residualJvp } from '../../src/model/residual.js';
import { EquilibriumSystem } from '../../src/model/system.js';
import { assertClose, centralDifference, randomWorld } from '../helpers.js';

function system() {
  const world = randomWorld(6, 3, 21, { tariffs: true });
  const shock = noShock(world);
  for (let k = 0; k < shock.tariffs.length; k += 5) shock.tariffs[k] += 0.2;
  return new EquilibriumSystem(computeBaseline(world), shock.tariffs, shock.costFactors, 'fixed');
}

test('residual: F_i = excess_i / L_i except the dropped market, which holds the numeraire; current = a fresh evaluation', () => {
  const sys = system();
  const w = Float64Array.from({ length: sys.N }, (_, i) => 1 + 0.03 * Math.sin(i));
  const F = new Float64Array(sys.N);
  const measure = residual(sys, w, F);
  const drop = droppedMarket(sys);
  for (let i = 0; i < sys.N; i++) if (i !== drop) assertClose(F[i], sys.excess[i] / sys.L[i], 1e-15, `F[${i}]`);
  let num = 0;
  for (let i = 0; i < sys.N; i++) num += w[i] * sys.L[i];
  assertClose(F[drop], (num - sys.sumL) / sys.sumL, 1e-15, 'numeraire row');
  const again = new Float64Array(sys.N);
  assert.equal(currentResidual(sys, w, again), measure, 'same measure without re-evaluating');
  assert.deepEqual([...again], [...F]);
});

test('the Jacobian of F, whole or by column, and its product with a vector agree with central differences of F', () => {
  const sys = system();
  const N = sys.N;
  const w = Float64Array.from({ length: N }, (_, i) => 1 + 0.02 * Math.cos(i));
  residual(sys, w, new Float64Array(N));
  const J = new Float64Array(N * N);
  residualJacobian(sys, J);
  const h = 1e-6;
  const F = (x: Float64Array) => {
    const out = new Float64Array(N);
    residual(sys, x, out);
    return out;
  };
  for (let m = 0; m < N; m++) {
    const column = centralDifference(w, m, h, F);
    for (let i = 0; i < N; i++) assertClose(J[i * N + m], column[i], 1e-6, `dF${i}/dw${m}`);
  }
  residual(sys, w, new Float64Array(N));
  const raw = new Float64Array(N * N);
  sys.jacobian(raw);
  const byColumn = new Float64Array(N * N);
  for (let m = 0; m < N; m++) {
    const col = Float64Array.from({ length: N }, (_, i) => raw[i * N + m]);
    jacobianColumn(sys, m, col, byColumn);
  }
  assert.deepEqual([...byColumn], [...J], 'column by column = whole matrix');
  const v = Float64Array.from({ length: N }, (_, i) => (i % 2 ? 1 : -0.5));
  const Jv = new Float64Array(N);
  residualJvp(sys, v, Jv);
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let m = 0; m < N; m++) s += J[i * N + m] * v[m];
    assertClose(Jv[i], s, 1e-12, `(J v)[${i}]`);
  }
});

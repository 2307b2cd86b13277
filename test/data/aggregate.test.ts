import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateWorld } from '../../src/data/aggregate.js';
import { createWorld } from '../../src/data/world.js';
import { computeBaseline } from '../../src/model/baseline.js';
import { noShock, solveOrThrow } from '../../src/model/equilibrium.js';
import { InputError } from '../../src/errors.js';
import { assertClose, assertIdentities, randomWorld } from '../helpers.js';

test('aggregating economies keeps world totals, makes intra-group trade domestic and trade-weights tariffs', () => {
  // A, B, C; one sector. B and C form G.
  const world = createWorld({
    codes: ['A', 'B', 'C'],
    Z: [50, 10, 30, /* B-> */ 5, 60, 4, /* C-> */ 20, 6, 70],
    t: [0, 0.1, 0.3, 0.2, 0, 0.05, 0.4, 0.1, 0],
    eps: 4,
  });
  const g = aggregateWorld(world, { economies: { G: ['B', 'C'] } });
  assert.deepEqual(g.codes, ['A', 'G']);
  assert.deepEqual([...g.Z], [50, 40, 25, 60 + 4 + 6 + 70]);
  assertClose(g.t[1], (0.1 * 10 + 0.3 * 30) / 40, 1e-15, 'A->G tariff, trade-weighted');
  assertClose(g.t[2], (0.2 * 5 + 0.4 * 20) / 25, 1e-15, 'G->A tariff, trade-weighted');
  assert.equal(g.t[3], 0, 'no tariff inside the group');
  const total = (z: Float64Array) => z.reduce((a, b) => a + b, 0);
  assert.equal(total(g.Z), total(world.Z));
  assert.deepEqual(g.meta.groups, { G: ['B', 'C'] });
});

test('aggregating sectors adds flows and weights elasticities by world flows', () => {
  const world = randomWorld(4, 3, 7, { tariffs: true });
  const agg = aggregateWorld(world, { sectors: { AB: ['S0', 'S1'] } });
  assert.deepEqual(agg.sectors, ['AB', 'S2']);
  let z0 = 0;
  let z1 = 0;
  for (let k = 0; k < world.Z.length; k += 3) {
    z0 += world.Z[k];
    z1 += world.Z[k + 1];
  }
  assertClose(agg.eps[0], (world.eps[0] * z0 + world.eps[1] * z1) / (z0 + z1), 1e-12, 'merged elasticity');
  assert.equal(agg.eps[1], world.eps[2]);
  const b0 = computeBaseline(world);
  const b1 = computeBaseline(agg);
  for (let j = 0; j < 4; j++) assertClose(b1.E[j], b0.E[j], 1e-9, `expenditure of ${j} is preserved`);
  assertIdentities(solveOrThrow(agg, noShock(agg)));
});

test('aggregation rejects unknown members and overlapping groups', () => {
  const world = randomWorld(4, 1, 1);
  assert.throws(() => aggregateWorld(world, { economies: { G: ['E0', 'XX'] } }), (e: unknown) => e instanceof InputError && /unknown member "XX"/.test(e.message));
  assert.throws(() => aggregateWorld(world, { economies: { G: ['E0'], H: ['E0', 'E1'] } }), (e: unknown) => e instanceof InputError && /two groups/.test(e.message));
});

/**
 * Sweeps: the grid is the product of its axes, the Latin hypercube puts one point in each stratum of every axis,
 * a point's outputs are those of the spec run directly with its values, and a value the spec cannot take is one
 * clear error before anything runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSpec } from '../../src/run/runners.js';
import { NegotiateSpecSchema } from '../../src/run/spec.js';
import { parseAxis, runSweep, sweepPoints } from '../../src/run/sweep.js';
import { resolveUncertain } from '../../src/strategy/uncertainty.js';

test('an axis is FROM:TO:COUNT or a list of numbers and names', () => {
  assert.deepEqual(parseAxis('measures[0].rate=0:0.5:11'), { path: 'measures[0].rate', from: 0, to: 0.5, count: 11 });
  assert.deepEqual(parseAxis('elasticity_set=FGO,CP'), { path: 'elasticity_set', values: ['FGO', 'CP'] });
  assert.deepEqual(parseAxis('at=2025-04-02,2025-04-09'), { path: 'at', values: ['2025-04-02', '2025-04-09'] });
  assert.deepEqual(parseAxis('eps=3,4.5'), { path: 'eps', values: [3, 4.5] });
  assert.deepEqual(parseAxis('eps=2:8'), { path: 'eps', from: 2, to: 8, count: 0 });
  assert.throws(() => sweepPoints({ axes: [parseAxis('eps=2:8')], design: 'grid', seed: 1 }), /a grid needs FROM:TO:COUNT/);
  assert.throws(() => parseAxis('eps'), /expected PATH=FROM:TO:COUNT or PATH=V1,V2/);
  assert.throws(() => parseAxis('a..b=1'), /expected a spec field path/);
});

test('a grid is the product of its axes, the first axis slowest', () => {
  const points = sweepPoints({ axes: [{ path: 'a', from: 0, to: 1, count: 3 }, { path: 'b', values: ['x', 'y'] }], design: 'grid', seed: 1 });
  assert.deepEqual(points, [[0, 'x'], [0, 'y'], [0.5, 'x'], [0.5, 'y'], [1, 'x'], [1, 'y']]);
});

test('a Latin hypercube has one point in each of its n strata on every axis, and the same seed gives the same points', () => {
  const n = 40;
  const plan = { axes: [{ path: 'a', from: 0, to: 2, count: 0 }, { path: 'b', from: -1, to: 1, count: 0 }], design: 'lhs' as const, samples: n, seed: 5 };
  const points = sweepPoints(plan);
  assert.equal(points.length, n);
  plan.axes.forEach((axis, k) => {
    const strata = points.map((p) => Math.floor((((p[k] as number) - axis.from) / (axis.to - axis.from)) * n)).sort((x, y) => x - y);
    assert.deepEqual(strata, Array.from({ length: n }, (_, s) => s), `axis ${axis.path}`);
  });
  assert.deepEqual(sweepPoints(plan), points);
  assert.notDeepEqual(sweepPoints({ ...plan, seed: 6 }), points);
});

test("a sweep point's outputs are the spec's own result at those values", async () => {
  const spec = { parties: ['USA', 'JPN'], at: '2025-04-21', frontier: 0, objectives: { USA: { welfare: 1, revenue: 0, balances: {} } } };
  const r = await runSweep('negotiate', spec, 'episode-2025-1s', { axes: [{ path: 'eps', values: [3, 5] }, { path: 'objectives.USA.revenue', values: [0, 0.4] }], design: 'grid', seed: 1 }, { workers: 1 });
  assert.equal(r.points.length, 4);
  const point = r.points[3];
  assert.deepEqual(point.values, { eps: 5, 'objectives.USA.revenue': 0.4 });
  const direct = runSpec('negotiate', resolveUncertain(NegotiateSpecSchema.parse({ ...spec, eps: 5, objectives: { USA: { welfare: 1, revenue: 0.4, balances: {} } } }), 'central'), { data: 'episode-2025-1s' });
  assert.equal(point.outputs['utility.USA'], direct.utility.USA);
  assert.equal(point.outputs['utility.JPN'], direct.utility.JPN);
  assert.ok(r.outputs.includes('welfare.USA') && r.outputs.some((o) => o.startsWith('agreement.tariffs[USA>JPN>ALL]')), r.outputs.join(', '));
});

test('a value the spec cannot take is one clear error naming the point and the field, before anything runs', async () => {
  await assert.rejects(
    runSweep('negotiate', { parties: ['USA', 'JPN'] }, 'episode-2025-1s', { axes: [{ path: 'frontier', values: [0, 'many'] }], design: 'grid', seed: 1 }),
    /sweep point 1 \(frontier=many\): field "frontier": .*expected number/,
  );
  await assert.rejects(runSweep('negotiate', { parties: ['USA', 'JPN'] }, 'episode-2025-1s', { axes: [{ path: 'parties[5]', values: ['CHN'] }], design: 'grid', seed: 1 }), /"parties\[5\]": the spec has no element \[5\] there/);
});

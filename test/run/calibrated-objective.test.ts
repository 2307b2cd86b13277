/**
 * A calibration as an actor's objective (scenario `objective_from`): each weight a normal distribution over its 90%
 * band, centred on its value, so central answers use the estimate and Monte Carlo draws carry its uncertainty.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calibratedObjective } from '../../src/run/calibrate.js';
import { deficitPartners, type Calibration } from '../../src/strategy/calibrate.js';
import { mulberry32 } from '../../src/random.js';
import { resolveUncertain } from '../../src/strategy/uncertainty.js';
import { assertClose, randomWorld } from '../helpers.js';

const world = randomWorld(7, 1, 11, { tariffs: true });
const player = world.codes[2];
const fit = { mean_abs_gap_points: 1, rms_condition_points: 1, method: 'distance' as const, iterations: 3, conditions: 6, at_bound: [], converged: true };
const calibration = (weights: Calibration['weights']): Calibration => ({ player, weights: { welfare: { value: 1, p5: 1, p95: 1 }, ...weights }, fit, tariffs: [] });

test('each weight with a band is a normal over it: central is the estimate, draws have its 90% band; an exactly identified weight is a number', () => {
  const partner = world.codes[4];
  const o = calibratedObjective(world, player, calibration({ revenue: { value: 0.3, p5: 0.1, p95: 0.5 }, [`balance:${partner}`]: { value: 1.2, p5: null, p95: null } }));
  assert.equal(o.welfare, 1);
  assert.deepEqual(o.balances, { [partner]: 1.2 });
  assert.equal(resolveUncertain(o.revenue, 'central'), 0.3);
  const rand = mulberry32(7);
  const draws = Array.from({ length: 20000 }, () => resolveUncertain(o.revenue, rand) as number).sort((a, b) => a - b);
  assertClose(draws[Math.floor(0.05 * draws.length)], 0.1, 0.01, 'p5 of the draws');
  assertClose(draws[Math.floor(0.95 * draws.length)], 0.5, 0.01, 'p95 of the draws');
});

test('a weight on all deficit partners\' balances is one weight: every weight stays at its estimate, spread over those partners', () => {
  const o = calibratedObjective(world, player, calibration({ revenue: { value: 0.3, p5: 0.1, p95: 0.5 }, balances: { value: 0.25, p5: 0.2, p95: 0.3 } }));
  assert.equal(o.revenue, 0.3);
  assert.deepEqual(o.balances, Object.fromEntries(deficitPartners(world, player).map((p) => [p, 0.25])));
});

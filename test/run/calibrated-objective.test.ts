/**
 * A calibration as an actor's objective (scenario `objective_from`): each weight a normal distribution over its 90%
 * band, centred on its value, so central answers use the estimate and Monte Carlo draws carry its uncertainty (one
 * draw for a weight spread over several partners).
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

test('a weight on all deficit partners\' balances is one weight: drawn once for all of them, over its band, and revenue beside it on its own', () => {
  const o = calibratedObjective(world, player, calibration({ revenue: { value: 0.3, p5: 0.1, p95: 0.5 }, balances: { value: 0.25, p5: 0.2, p95: 0.3 } }));
  const partners = deficitPartners(world, player);
  assert.ok(partners.length > 1, 'several deficit partners');
  assert.deepEqual(resolveUncertain(o.balances, 'central'), Object.fromEntries(partners.map((p) => [p, 0.25])));
  const rand = mulberry32(11);
  const draws = Array.from({ length: 20000 }, () => resolveUncertain(o, rand));
  // In every draw each partner has the same weight; across draws, the band; revenue is not tied to it.
  for (const d of draws) assert.ok(partners.every((p) => d.balances[p] === d.balances[partners[0]]), 'one weight for every partner');
  const first = draws.map((d) => d.balances[partners[0]] as number).sort((a, b) => a - b);
  assertClose(first[Math.floor(0.05 * first.length)], 0.2, 0.005, 'p5 of the balances weight');
  assertClose(first[Math.floor(0.95 * first.length)], 0.3, 0.005, 'p95 of the balances weight');
  const revenue = draws.map((d) => d.revenue as number);
  const balance = draws.map((d) => d.balances[partners[0]] as number);
  const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
  const [mr, mb] = [mean(revenue), mean(balance)];
  const corr = mean(revenue.map((r, k) => (r - mr) * (balance[k] - mb))) / Math.sqrt(mean(revenue.map((r) => (r - mr) ** 2)) * mean(balance.map((b) => (b - mb) ** 2)));
  assert.ok(Math.abs(corr) < 0.05, `revenue and balances drawn independently (correlation ${corr})`);
  // Named beside a partner's own weight, a partner's weight would be a sum of two draws: every weight stays at its estimate.
  const both = calibratedObjective(world, player, calibration({ balances: { value: 0.25, p5: 0.2, p95: 0.3 }, [`balance:${partners[0]}`]: { value: 0.1, p5: 0, p95: 0.2 } }));
  assert.ok(Object.values(both.balances).every((w) => typeof w === 'number'), JSON.stringify(both.balances));
});

test('distributions naming the same together take the same quantile in a draw; without it they are independent', () => {
  const spec = { a: { dist: 'normal', mean: 0, sd: 1, together: 'x' }, b: { dist: 'normal', mean: 10, sd: 2, together: 'x' }, c: { dist: 'normal', mean: 0, sd: 1 } } as const;
  const rand = mulberry32(3);
  let differs = 0;
  for (let k = 0; k < 1000; k++) {
    const d = resolveUncertain(spec, rand) as unknown as Record<string, number>;
    assertClose(d.b, 10 + 2 * d.a, 1e-12, 'b at a\'s quantile');
    if (Math.abs(d.c - d.a) > 1e-6) differs++;
  }
  assert.equal(differs, 1000, 'c is drawn on its own');
});

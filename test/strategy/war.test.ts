/** The trade war: a Nash equilibrium in tariffs by iterated best responses (MODEL.md §2). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestResponse } from '../../src/strategy/best-response.js';
import { tradeWar } from '../../src/strategy/war.js';
import { createWorld } from '../../src/data/world.js';
import { assertClose, randomWorld } from '../helpers.js';

test('at the war equilibrium no government gains by a unilateral deviation (partner x sector tariffs)', () => {
  const world = randomWorld(4, 2, 13, { tariffs: true });
  const war = tradeWar(world, { instrument: 'partner-sector' });
  assert.ok(war.converged, 'war converged');
  assert.ok(war.rounds >= 2 && war.path.at(-1)!.maxChange < 1e-6);
  for (const p of world.codes) {
    const br = bestResponse(war.world, p, { instrument: 'partner-sector', start: { tariffs: war.tariffs, costFactors: new Float64Array(war.tariffs.length).fill(1) }, prepared: { world: war.world, rule: 'fixed' } });
    assert.ok(br.utilityAfter - br.utilityBefore < 1e-8, `${p} gains ${br.utilityAfter - br.utilityBefore}% by deviating`);
    for (const v of br.variables) {
      const cell = (world.codes.indexOf(v.exporter) * world.N + world.codes.indexOf(p)) * world.S + world.sectors.indexOf(v.sector);
      assertClose(v.rate, war.tariffs[cell], 1e-5, `${p} on ${v.exporter}/${v.sector}`);
    }
  }
});

test('a symmetric two-country war has equal tariffs, above zero, and both lose', () => {
  const world = createWorld({ codes: ['A', 'B'], Z: [80, 20, 20, 80], eps: 4 });
  const war = tradeWar(world, { instrument: 'uniform' });
  assert.ok(war.converged);
  assertClose(war.tariffs[2], war.tariffs[1], 1e-7, 'A on B = B on A');
  assert.ok(war.tariffs[1] > 0.1, `war tariff ${war.tariffs[1]}`);
  const a = bestResponse(war.world, 'A', { start: { tariffs: war.tariffs, costFactors: new Float64Array(4).fill(1) } });
  assert.ok(a.welfareBefore < 0, 'both lose from the war relative to free trade');
});

/** The trade war: a Nash equilibrium in tariffs by iterated best responses (MODEL.md §2). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestResponse } from '../../src/strategy/best-response.js';
import { tradeWar } from '../../src/strategy/war.js';
import { createWorld } from '../../src/data/world.js';
import { solveOrThrow } from '../../src/model/equilibrium.js';
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

test('a symmetric two-country war: each tariff is the optimal tariff 1/(eps lam\'_FF) against the other (MODEL.md check 6), and both lose', () => {
  const world = createWorld({ codes: ['A', 'B'], Z: [80, 20, 20, 80], eps: 4 });
  const war = tradeWar(world, { instrument: 'uniform' });
  assert.ok(war.converged);
  assertClose(war.tariffs[2], war.tariffs[1], 1e-7, 'A on B = B on A');
  // At the war equilibrium each best response satisfies the optimal-tariff formula, lam'_FF being the
  // other's own share of its purchases at producer prices (before its own tariff; with a zero foreign
  // tariff, as in check 6, this is its expenditure share). Measured with tariff-inclusive spending the
  // formula would give 0.2741 against the war's 0.2690: the test tells the two apart.
  const eq = solveOrThrow(war.world, { tariffs: war.tariffs, costFactors: new Float64Array(4).fill(1) });
  const ownShareB = eq.Zp[3] / (eq.Zp[1] + eq.Zp[3]);
  assertClose(war.tariffs[1 * 2 + 0], 1 / (4 * ownShareB), 1e-5, "A's war tariff = 1/(eps lam'_BB)");
  assertClose(war.tariffs[0 * 2 + 1], 1 / (4 * (eq.Zp[0] / (eq.Zp[0] + eq.Zp[2]))), 1e-5, "B's war tariff = 1/(eps lam'_AA)");
  const a = bestResponse(war.world, 'A', { start: { tariffs: war.tariffs, costFactors: new Float64Array(4).fill(1) } });
  assert.ok(a.welfareBefore < 0, 'both lose from the war relative to free trade');
});

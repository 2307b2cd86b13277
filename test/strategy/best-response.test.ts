import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorld } from '../../src/data/world.js';
import { noShock, solveOrThrow } from '../../src/model/equilibrium.js';
import { economyResults } from '../../src/model/results.js';
import { bestResponse } from '../../src/strategy/best-response.js';
import { assertClose, randomWorld } from '../helpers.js';

test('best response reproduces the two-country optimal tariff 0.262261 (MODEL.md §1 check 6) to 1e-6', () => {
  const world = createWorld({ codes: ['H', 'F'], Z: [80, 20, 10, 190], eps: 4 });
  const br = bestResponse(world, 'H', { instrument: 'uniform', deficits: 'balanced' });
  assert.ok(br.converged);
  assertClose(br.variables[0].rate, 0.262261, 1e-6, 'optimal tariff (MODEL.md check 6)');
  assert.ok(br.welfareAfter > br.welfareBefore);
});

test('best response by partner on a 3-economy, 2-sector world agrees with a grid search to the grid resolution', () => {
  const world = randomWorld(3, 2, 42);
  const br = bestResponse(world, 'E0', { instrument: 'partner', deficits: 'balanced', upper: 2 });
  assert.ok(br.converged);
  // Grid oracle over the two partner tariffs, step 0.01, around the optimiser's answer (welfare from plain solves).
  const welfare = (t1: number, t2: number) => {
    const shock = noShock(world);
    for (let s = 0; s < 2; s++) {
      shock.tariffs[(1 * 3 + 0) * 2 + s] = t1;
      shock.tariffs[(2 * 3 + 0) * 2 + s] = t2;
    }
    return economyResults(solveOrThrow(world, shock, { deficits: 'balanced' }))[0].welfare_pct;
  };
  let best = { w: -Infinity, t1: 0, t2: 0 };
  for (let a = 0; a <= 60; a++) {
    for (let b = 0; b <= 60; b++) {
      const t1 = a * 0.01;
      const t2 = b * 0.01;
      const w = welfare(t1, t2);
      if (w > best.w) best = { w, t1, t2 };
    }
  }
  assertClose(br.variables[0].rate, best.t1, 0.01, 'tariff on E1 vs grid');
  assertClose(br.variables[1].rate, best.t2, 0.01, 'tariff on E2 vs grid');
  assert.ok(br.welfareAfter >= best.w - 1e-9, 'the optimiser is at least as good as the grid');
});

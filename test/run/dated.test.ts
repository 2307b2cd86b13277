/**
 * The world on a date (run/dated.ts): the baseline solved forward under that
 * day's tariffs. A counterfactual from it must give what the baseline gives
 * for both states: baseline -> A -> B equals (baseline -> B) / (baseline -> A).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openScheduledDataset } from '../../src/schedule/open.js';
import { tariffsAt } from '../../src/schedule/schedule.js';
import { worldOnDate } from '../../src/run/dated.js';
import { solveOrThrow, type Deficits } from '../../src/model/equilibrium.js';
import { economyResults } from '../../src/model/results.js';
import { assertClose } from '../helpers.js';

const { world, schedule } = openScheduledDataset('episode-2025-1s');
const A = '2025-04-21';
const ones = new Float64Array(world.t.length).fill(1);
const cell = (exporter: string, importer: string) => (world.codes.indexOf(exporter) * world.N + world.codes.indexOf(importer)) * world.S;

test('baseline -> 21 April -> B equals baseline -> B over baseline -> 21 April, for several B and both deficit rules', () => {
  const tA = tariffsAt(world, schedule, A).t;
  const shocks: [string, (t: Float64Array) => void][] = [
    ['US tariff on China back to 20.8%', (t) => (t[cell('CHN', 'USA')] = 0.208)],
    ['US tariffs on Japan and Vietnam at 0', (t) => ((t[cell('JPN', 'USA')] = 0), (t[cell('VNM', 'USA')] = 0))],
    ['China raises its tariff on the EU to 30%', (t) => (t[cell('EU', 'CHN')] = 0.3)],
  ];
  for (const deficits of ['balanced', 'fixed'] as Deficits[]) {
    const onA = worldOnDate(world, schedule, A, { deficits });
    const direct = economyResults(solveOrThrow(world, { tariffs: tA, costFactors: ones }, { deficits }));
    for (const [name, change] of shocks) {
      const tB = Float64Array.from(tA);
      change(tB);
      const fromA = economyResults(solveOrThrow(onA, { tariffs: tB, costFactors: ones }, { deficits }));
      const fromBase = economyResults(solveOrThrow(world, { tariffs: tB, costFactors: ones }, { deficits }));
      for (let j = 0; j < world.N; j++) {
        const composed = 100 * ((1 + fromBase[j].welfare_pct / 100) / (1 + direct[j].welfare_pct / 100) - 1);
        assertClose(fromA[j].welfare_pct, composed, 1e-8, `${name}, ${world.codes[j]} (${deficits})`);
      }
    }
  }
});

test('on a date whose tariffs equal the baseline\'s the world is the data\'s own', () => {
  assert.equal(worldOnDate(world, schedule, '2024-12-31', { deficits: 'balanced' }), world);
});

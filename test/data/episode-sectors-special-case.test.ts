/**
 * Issue 15's special case: the April 2025 world in sectors, aggregated to one sector and stripped of intermediate
 * inputs, gives the one-sector model's results on those aggregated flows and tariffs, for the tariffs in force on
 * 21 April (applied by sector, then aggregated with the baseline's flows) and for a government's best response. Any
 * difference left between the worlds' figures therefore comes from the sectors and the input-output links.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateWorld } from '../../src/data/aggregate.js';
import { createWorld, type World } from '../../src/data/world.js';
import { computeBaseline } from '../../src/model/baseline.js';
import { noShock, solveOrThrow } from '../../src/model/equilibrium.js';
import { economyResults } from '../../src/model/results.js';
import { openScheduledDataset } from '../../src/schedule/open.js';
import { tariffsAt } from '../../src/schedule/schedule.js';
import { bestResponse } from '../../src/strategy/best-response.js';
import { assertClose } from '../helpers.js';

const { world: sectors, schedule } = openScheduledDataset('episode-2025');
const oneSector = (w: World) => aggregateWorld(w, { sectors: { ALL: [...w.sectors] } });
// The baseline's flows and tariffs in one sector, and the 21 April tariffs weighted by the same flows.
const merged = oneSector(sectors);
const april21 = oneSector(createWorld({ ...sectors, t: tariffsAt(sectors, schedule, '2025-04-21').t })).t;
const plain = createWorld({ ...merged, io: undefined });
const io = createWorld({ ...plain, io: { gva: new Float64Array(plain.N).fill(1), gamma: new Float64Array(plain.N), alpha: computeBaseline(plain).beta } });

test('the sectoral world aggregated to one sector with no intermediates: the 21 April tariffs give the one-sector results', () => {
  assert.equal(merged.S, 1);
  assert.ok(merged.io, 'the aggregate keeps the input-output structure until it is stripped');
  const shockOf = (w: World) => {
    const s = noShock(w);
    s.tariffs.set(april21);
    return s;
  };
  const a = solveOrThrow(plain, shockOf(plain), { deficits: 'balanced' });
  const b = solveOrThrow(io, shockOf(io), { deficits: 'balanced' });
  assert.ok(b.io && !a.io, 'the input-output solver ran on one, the one-sector model on the other');
  const ra = economyResults(a);
  const rb = economyResults(b);
  for (let j = 0; j < plain.N; j++) {
    assertClose(b.what[j], a.what[j], 1e-10, `wage change of ${plain.codes[j]}`);
    assertClose(rb[j].welfare_pct, ra[j].welfare_pct, 1e-8, `welfare % of ${plain.codes[j]}`);
  }
  // And the tariffs are real: the US rate on China on 21 April is above 100%.
  const usa = plain.codes.indexOf('USA');
  const chn = plain.codes.indexOf('CHN');
  assert.ok(april21[chn * plain.N + usa] > 1, `US tariff on China ${april21[chn * plain.N + usa]}`);
});

test("the US best response on the aggregate is the same on both models", () => {
  const start = (w: World) => createWorld({ ...w, t: april21 });
  const a = bestResponse(start(plain), 'USA', { instrument: 'partner', deficits: 'balanced' });
  const b = bestResponse(start(io), 'USA', { instrument: 'partner', deficits: 'balanced' });
  assert.ok(a.converged && b.converged);
  assert.equal(b.variables.length, plain.N - 1);
  a.variables.forEach((v, k) => assertClose(b.variables[k].rate, v.rate, 1e-7, `US tariff on ${v.exporter}`));
  assertClose(b.welfareAfter, a.welfareAfter, 1e-8, 'US welfare at its best response');
});

/**
 * A data set's parameters drawn by Monte Carlo: a spec's `parameters` replace the data set's in every measure naming
 * them, the triangular distribution keeps central answers at the stated value, and a scenario keeps to its day.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { specContext } from '../../src/run/context.js';
import { centre, sample, drawRandom } from '../../src/strategy/uncertainty.js';
import { loadScenarioText } from '../../src/scenario/load.js';
import { assertClose, rejectsInput } from '../helpers.js';

const data = { data: 'episode-2025-1s' };
const at = '2025-04-21';

function usOn(code: string, parameters?: Record<string, unknown>): number {
  const ctx = specContext(data, { at, ...(parameters ? { parameters } : {}) });
  const { N, S, codes } = ctx.world;
  return ctx.statusQuo.tariffs[(codes.indexOf(code) * N + codes.indexOf('USA')) * S];
}

test('parameters: a value replaces the data set\'s in the measures naming it, and only there (the tariff is linear in a share)', () => {
  const own = usOn('CAN');
  const half = usOn('CAN', { non_usmca_share_CAN: 0.31 });
  const none = usOn('CAN', { non_usmca_share_CAN: 0 });
  assert.ok(own - none > 0.05, `the non-USMCA share carries duty (${own} against ${none})`);
  assertClose(own - half, (own - none) / 2, 1e-12, 'half the share, half its duty');
  assert.equal(usOn('JPN', { non_usmca_share_CAN: 0.31 }), usOn('JPN'), 'Japan names no USMCA share');
  assert.equal(usOn('CAN', { non_usmca_share_CAN: 0.62 }), own, 'the stated value is the data set\'s');
});

test('parameters: an unknown name, a share outside [0, 1] and an undrawn distribution are clear errors', () => {
  rejectsInput(() => usOn('CAN', { usmca: 0.3 }), /parameters\.usmca: not a parameter of the data set \(non_usmca_share_CAN, /);
  rejectsInput(() => usOn('CAN', { non_usmca_share_CAN: 1.2 }), /parameters\.non_usmca_share_CAN: 1\.2 is measure usmca-can's share: expected a number in \[0, 1\]/);
  rejectsInput(() => usOn('CAN', { non_usmca_share_CAN: { dist: 'uniform', min: 0, max: 1 } }), /parameters\.non_usmca_share_CAN: expected a number once distributions are drawn/);
});

test('triangular: the central value is the mode; draws stay in the range with mean (min + mode + max) / 3', () => {
  const d = { dist: 'triangular' as const, min: 0.3, mode: 0.62, max: 0.62 };
  assert.equal(centre(d), 0.62);
  const rand = drawRandom(7, 0);
  let sum = 0;
  const n = 20000;
  for (let k = 0; k < n; k++) {
    const x = sample(d, rand);
    assert.ok(x >= 0.3 && x <= 0.62, `draw ${x}`);
    sum += x;
  }
  assertClose(sum / n, (0.3 + 0.62 + 0.62) / 3, 3e-3, 'mean');
});

test('a scenario keeps to its as_of day: a later event is refused where it stands; a drawn parameter needs a stated range', () => {
  const text = readFileSync(new URL('../../scenarios/april-2025-1s.yaml', import.meta.url), 'utf8');
  rejectsInput(() => loadScenarioText(text.replace('as_of: 2025-04-21', 'as_of: 2025-04-08'), 'early.yaml'), /early\.yaml, line \d+.*field "events\.\d+\.date": event \S+ is dated 2025-04-\d\d, after the scenario's as_of 2025-04-08: a scenario uses only what was known on its day/);
  rejectsInput(() => loadScenarioText(text.replace('as_of: 2025-04-21', 'as_of: 2025-04-21\ndraw_parameters: [non_us_content_share]'), 'flat.yaml'), /field "draw_parameters\.0": parameter non_us_content_share states no range \(low < high\) to draw from/);
  rejectsInput(() => loadScenarioText(text.replace('as_of: 2025-04-21', 'as_of: 2025-04-21\ndraw_parameters: [usmca]'), 'unknown.yaml'), /field "draw_parameters\.0": "usmca" is not a parameter of the data set known on 2025-04-21/);
});

/**
 * The trade elasticity as a choice among a data set's published sets: the central run takes the first set, a
 * named set equals loading the data set with it, and Monte Carlo draws only the listed sets, so its bands run
 * between the sets' own results.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSpec } from '../../src/run/runners.js';
import { BestResponseSpecSchema } from '../../src/run/spec.js';
import { runStrategy } from '../../src/run/strategy.js';
import { rejectsInput } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'parley-sets-'));
const codes = ['A', 'B', 'C'];
const flows = ['exporter,importer,sector,value'];
codes.forEach((e, i) => codes.forEach((m, j) => ['x', 'y'].forEach((s, k) => flows.push(`${e},${m},${s},${i === j ? 60 + 5 * k : 8 + i + 2 * j + 3 * k}`))));
writeFileSync(join(dir, 'flows.csv'), flows.join('\n'));
writeFileSync(join(dir, 'eps.csv'), 'sector,eps_LOW,eps_HIGH\nx,2.5,6\ny,3,8\n');
writeFileSync(join(dir, 'manifest.yaml'), 'name: sets\ncurrency: USD\nsource: test\nflows: flows.csv\nelasticities: { file: eps.csv, columns: { eps_LOW: eps } }\nelasticity_sets: eps.csv\n');

const spec = (set: unknown) => BestResponseSpecSchema.parse({ player: 'A', instrument: 'uniform', elasticity_set: set });
const rate = (r: { tariffs: { rate: number }[] }) => r.tariffs[0].rate;

test('a choice among elasticity sets: central is the first, each draw one of the sets, the bands between them', async () => {
  const low = rate(runSpec('best-response', spec('LOW'), { data: dir }));
  const high = rate(runSpec('best-response', spec('HIGH'), { data: dir }));
  assert.ok(low > high + 0.01, `a lower elasticity means a higher optimal tariff (${low} vs ${high})`);
  const run = await runStrategy('best-response', spec({ dist: 'choice', values: ['LOW', 'HIGH'] }), { data: dir }, { monteCarlo: { draws: 16, seed: 3 } });
  assert.equal(rate(run.central as never), low, 'the central run takes the first set');
  const q = run.uncertainty!.percentiles['tariffs[*>ALL].rate'] ?? Object.entries(run.uncertainty!.percentiles).find(([k]) => k.startsWith('tariffs['))![1];
  assert.ok(q.p5 >= high - 1e-12 && q.p95 <= low + 1e-12, `bands within the sets' results: ${q.p5} to ${q.p95}`);
  assert.ok(q.p95 - q.p5 > 0.5 * (low - high), 'and the draws reach both sets');
  rejectsInput(() => runSpec('best-response', spec('MEDIUM'), { data: dir }), /no set "MEDIUM" \(known: LOW, HIGH\)/);
});

/**
 * Scenarios: the schema rejects each kind of malformed file precisely; the
 * april-2025-1s events replay the data set's schedule exactly; branches change
 * only what they name; results equal the library's for the same questions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/errors.js';
import { solveOrThrow } from '../../src/model/equilibrium.js';
import { economyResults } from '../../src/model/results.js';
import { loadScenario, SCENARIO_DIR } from '../../src/scenario/load.js';
import { runScenario, type ScenarioResult } from '../../src/scenario/run.js';
import { diplomacyAt, timelines } from '../../src/scenario/timeline.js';
import { tariffsAt } from '../../src/schedule/schedule.js';
import { negotiate } from '../../src/strategy/bargain.js';
import { collectWarnings } from '../../src/warn.js';
import { assertClose, ROOT } from '../helpers.js';
import { scenarioMarkdown } from '../../src/report/scenario.js';

const ls = collectWarnings(() => loadScenario('april-2025-1s')).value;
const DATES = ['2025-01-31', '2025-02-04', '2025-03-04', '2025-03-07', '2025-03-12', '2025-04-03', '2025-04-05', '2025-04-09', '2025-04-10', '2025-04-12', '2025-04-15', '2025-04-21', '2025-07-08', '2025-07-09'];

test('replaying the scenario\'s events reproduces the data set\'s tariff matrix on every date', () => {
  const [main] = timelines(ls, 'main');
  assert.equal(main.schedule.measures.length, ls.schedule.measures.length);
  for (const d of DATES) {
    const a = tariffsAt(ls.world, main.schedule, d).t;
    const b = tariffsAt(ls.world, ls.schedule, d).t;
    assert.deepEqual(Array.from(a), Array.from(b), `tariffs on ${d}`);
  }
});

test('a branch changes only what it names', () => {
  const all = timelines(ls);
  const main = all.find((t) => t.name === 'main')!;
  const same = (name: string) => all.find((t) => t.name === name)!;
  // No China card: the same tariffs on every date, the option never opens.
  for (const d of DATES) assert.deepEqual(Array.from(tariffsAt(ls.world, same('no-china-card').schedule, d).t), Array.from(tariffsAt(ls.world, main.schedule, d).t));
  assert.equal(diplomacyAt(ls.scenario, same('no-china-card').events, '2025-04-21').options[0].probability, 0);
  assert.notEqual(diplomacyAt(ls.scenario, main.events, '2025-04-21').options[0].probability, 0);
  // The pause lapses on 21 April: identical before, and from then only US tariffs on paused partners differ.
  const lapse = same('pause-lapses');
  const { N } = ls.world;
  for (const d of DATES) {
    const a = tariffsAt(ls.world, lapse.schedule, d).t;
    const b = tariffsAt(ls.world, main.schedule, d).t;
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        const differs = a[i * N + j] !== b[i * N + j];
        const paused = ls.world.codes[j] === 'USA' && !['CHN', 'CAN', 'MEX', 'USA'].includes(ls.world.codes[i]) && d >= '2025-04-21' && d < '2025-07-09';
        assert.equal(differs, paused && ls.world.codes[i] !== 'SGP', `${ls.world.codes[j]} on ${ls.world.codes[i]} on ${d}`);
      }
    }
  }
  // Japan rushes: only Japan's discount rate changes.
  const rush = same('japan-rushes');
  assert.deepEqual(rush.events, main.events);
  assert.equal(rush.actors.JPN.patience, 0.3);
  assert.deepEqual({ ...rush.actors.JPN, patience: main.actors.JPN.patience }, main.actors.JPN);
  assert.deepEqual(rush.actors.USA, main.actors.USA);
});

let mainRun: ScenarioResult | undefined;
async function mainResult(): Promise<ScenarioResult> {
  mainRun ??= (await collectWarnings(() => runScenario(ls, { branch: 'main', draws: 0 })).value);
  return mainRun;
}

test('the report\'s numbers are the library\'s: tariffs, counterfactual and the US-Japan deal', async () => {
  const r = await mainResult();
  const q = (id: string) => r.branches[0].questions.find((x) => x.id === id)!.result as never;
  // Tariffs.
  const rows = q('tariffs-apr21') as { importer: string; exporter: string; rate: number }[];
  const at = tariffsAt(ls.world, ls.schedule, '2025-04-21');
  for (const row of rows) assert.equal(row.rate, at.cells.find((c) => c.importer === row.importer && c.exporter === row.exporter && c.sector === 'ALL')!.rate);
  // The counterfactual, solved here independently.
  const from = { ...ls.world, t: tariffsAt(ls.world, ls.schedule, '2024-12-31').t };
  const eq = solveOrThrow(from, { tariffs: at.t, costFactors: new Float64Array(at.t.length).fill(1) }, { deficits: 'balanced' });
  const mine = economyResults(eq);
  for (const e of (q('effects-apr21') as { economies: { code: string; welfare_pct: number }[] }).economies) {
    assertClose(e.welfare_pct, mine.find((m) => m.code === e.code)!.welfare_pct, 1e-12, `welfare of ${e.code}`);
  }
  // The deal, from options written out by hand from the scenario (central values of its distributions).
  const deal = q('us-japan') as { agreement: { tariffs: { importer: string; exporter: string; rate: number }[]; issues: Record<string, number> } };
  const byHand = negotiate(ls.world, {
    parties: ['USA', 'JPN'],
    statusQuo: { tariffs: at.t, costFactors: new Float64Array(at.t.length).fill(1) },
    objectives: { USA: { welfare: 1, revenue: 0.5, balances: [{ partner: 'JPN', weight: 0.3 }, { partner: 'CHN', weight: 0.3 }] }, JPN: { welfare: 1, revenue: 0, balances: [] } },
    patience: { USA: 0.3, JPN: 0.1 },
    disagreement: { kind: 'deadline', after: tariffsAt(ls.world, ls.schedule, '2025-07-09').t, days: 79 },
    issues: [
      { name: 'decoupling', lower: 0, upper: 0.25, values: { USA: 0.1, JPN: 0 }, tariffs: [{ importer: 'JPN', exporter: 'CHN', change: 1 }], retaliation: { by: 'CHN', probability: 0.65 } },
      { name: 'defence', lower: 0, upper: 10, values: { USA: 0.015, JPN: -0.05 } },
    ],
    outsideOptions: [{ name: 'china-card', party: 'JPN', probability: 0.225, tariffs: [{ importer: 'JPN', exporter: 'CHN', change: -0.02 }, { importer: 'CHN', exporter: 'JPN', change: -0.02 }] }],
  });
  for (const t of deal.agreement.tariffs) assertClose(t.rate, byHand.tariffs.find((x) => x.importer === t.importer && x.exporter === t.exporter)!.rate, 1e-9, `${t.importer} on ${t.exporter}`);
  assertClose(deal.agreement.issues.defence, byHand.issues.defence, 1e-9, 'defence');
});

test('each lever row shows the two tariffs its points are the difference of, and marks a central value outside its band', async () => {
  const r = structuredClone(await mainResult());
  const deal = r.branches[0].questions.find((x) => x.id === 'us-japan')!.result as { levers: { name: string; tariff_points: number; tariff_with: number; tariff_without: number; ev: number; ev_band?: unknown; utility: number }[] };
  assert.ok(deal.levers.length >= 3);
  for (const l of deal.levers) assertClose(l.tariff_points, 100 * (l.tariff_with - l.tariff_without), 1e-12, `${l.name}: points = with - without`);
  // A lever valued only in payoff points (defence, not agreed here) has no welfare value, not solver noise.
  assert.equal(deal.levers.find((l) => l.name === 'defence')!.ev, 0);
  const [inside, outside] = deal.levers.filter((l) => l.ev !== 0);
  inside.ev_band = { p5: inside.ev - 1, median: inside.ev, p95: inside.ev + 1 };
  outside.ev_band = { p5: outside.ev + 1e6, median: outside.ev + 2e6, p95: outside.ev + 3e6 };
  const md = scenarioMarkdown(r);
  const row = (name: string) => md.split('\n').find((line) => line.startsWith(`| ${name} |`))!;
  assert.match(row(outside.name), /\*/, 'the central value outside its band is marked');
  assert.doesNotMatch(row(inside.name), /\*/, 'a central value inside its band is not');
  assert.match(md, /lies outside the 90% band of the draws/);
  assert.match(row('defence'), /0\.0% -> 0\.0%/);
});

test('the same seed gives byte-identical JSON, Monte Carlo included', async () => {
  const once = async () => JSON.stringify((await collectWarnings(() => runScenario(ls, { branch: 'no-china-card', draws: 3 })).value));
  const a = await once();
  const b = await once();
  assert.equal(a, b);
  const j = JSON.parse(a);
  assert.equal(j.data_hash.length, 64);
  const neg = j.negotiations[0];
  assert.equal(neg.branch, 'no-china-card');
  assert.ok('p5' in neg.agreement.tariffs[0] || neg.agreement.reached === false);
});

// Malformed scenarios: each error names the file, the line and the field.
const dir = mkdtempSync(join(tmpdir(), 'parley-scen-'));
const original = readFileSync(join(SCENARIO_DIR, 'april-2025-1s.yaml'), 'utf8');
function broken(name: string, edit: (s: string) => string): string {
  const text = edit(original);
  assert.notEqual(text, original, `${name}: the edit applied`);
  const p = join(dir, `${name}.yaml`);
  writeFileSync(p, text);
  return p;
}
const rejects = (file: string, re: RegExp) =>
  assert.throws(() => collectWarnings(() => loadScenario(file)), (e: unknown) => {
    assert.ok(e instanceof InputError, String(e));
    assert.match(e.message, re);
    assert.ok(!e.message.includes('\n'));
    return true;
  });

test('the schema rejects each kind of malformed scenario with file, line and field', () => {
  rejects(broken('type', (s) => s.replace('type: letter', 'type: telegram')), /type\.yaml, line \d+: field "events\.\d+\.type"/);
  rejects(broken('nosource', (s) => s.replace(/    source: "events.csv line 55[^\n]*\n/, '')), /nosource\.yaml, line \d+: field "events\.\d+": every event needs a "source" or an "assumption"/);
  rejects(broken('order', (s) => s.replace('date: 2025-04-21\n    type: letter', 'date: 2025-01-01\n    type: letter')), /order\.yaml, line \d+: field "events\.\d+\.date": events out of order/);
  rejects(broken('dup', (s) => s.replace('- id: akazawa-named', '- id: japan-priority')), /field "events\.\d+\.id": duplicate event id "japan-priority"/);
  rejects(broken('lever', (s) => s.replace('levers: [china-card,', 'levers: [russia-card,')), /field "questions\.\d+\.levers\.0": unknown lever "russia-card"/);
  rejects(broken('code', (s) => s.replace('parties: [JPN, MYS]', 'parties: [JPN, XYZ]')), /code\.yaml, line \d+: field "events\.\d+\.parties\.1": unknown economy "XYZ"/);
  rejects(broken('date', (s) => s.replace('baseline: 2024-12-31', 'baseline: 2024-13-31')), /line \d+: field "baseline": expected a date YYYY-MM-DD/);
  rejects(broken('remove', (s) => s.replace('remove: [komeito-visit-planned, letter-to-xi]', 'remove: [komeito-visit-planned, no-such-event]')), /field "branches\.\d+\.remove\.1": no event "no-such-event" to remove/);
  rejects(broken('prob', (s) => s.replace('probs: [0.5, 0.5]', 'probs: [0.5, 0.6]')), /field "events\.\d+\.effect\.probability.*probs must sum to 1/);
  rejects(broken('separate', (s) => s.replace('    frontier: 11\n', '    frontier: 11\n    separate: [CARS]\n')), /separate\.yaml, line \d+: field "questions\.\d+\.separate\.0": unknown sector "CARS"/);
});

test('docs/scenario.schema.json is generated from the validator and up to date (npm run schema)', async () => {
  const { scenarioJsonSchema } = await import('../../src/scenario/json-schema.js');
  const committed = JSON.parse(readFileSync(join(SCENARIO_DIR, '..', 'docs', 'scenario.schema.json'), 'utf8'));
  assert.deepEqual(committed, JSON.parse(JSON.stringify(scenarioJsonSchema())));
  // A scenario is whole (with its events) or extends another (naming it).
  const [whole, extension] = committed.anyOf as { required: string[] }[];
  assert.ok(whole.required.includes('events'));
  assert.deepEqual(extension.required, ['extends']);
});

test('a second built-in scenario renders fully from its declared focus, with no code of its own', async () => {
  const other = collectWarnings(() => loadScenario('us-china-eu-2025')).value;
  const r = await runScenario(other, { draws: 0 });
  const md = scenarioMarkdown(r);
  // Every question of every kind has its section, headed by its title.
  for (const q of other.scenario.questions) assert.ok(md.includes(`${q.title}`), `section for ${q.id}`);
  // The tables and summaries follow the focus: EU and the reference economy, not the episode's Japan.
  assert.match(md, /\| partner \| USA tariff on it \| its tariff on USA \|/);
  assert.match(md, /welfare USA [-+]\d+\.\d+%, EU [-+]\d+\.\d+%, CHN [-+]\d+\.\d+%/);
  assert.match(md, /\| branch \| USA tariff on EU in the deal \| gains from the deal \| USA welfare % \| EU welfare % \| CHN welfare % \|/);
  assert.doesNotMatch(md, /JPN welfare|Japan/);
  assert.deepEqual(r.focus, { economies: ['USA', 'EU', 'CHN'], reference: 'USA' });
  // Every event and source date is on or before the scenario's question dates (21 April 2025).
  for (const s of r.sources) assert.ok(s.date <= '2025-04-21', `${s.id} dated ${s.date}`);
});

test('generic layers name no economy and no built-in data set or scenario: the report and the runners read the focus', () => {
  // (The defaults DEFAULT_DATASET and DEFAULT_SCENARIO are named once, in data/datasets.ts and scenario/load.ts.)
  for (const file of ['src/report/scenario.ts', 'src/scenario/run.ts', 'src/scenario/timeline.ts', 'src/run/strategy.ts', 'src/run/runners.ts', 'src/run/context.ts']) {
    const code = readFileSync(join(ROOT, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    assert.doesNotMatch(code, /'(USA|JPN|CHN|EU)'|episode-2025-1s|april-2025/, `${file} names an economy or a built-in`);
  }
});

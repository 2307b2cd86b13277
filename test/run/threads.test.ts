/**
 * Work on local threads gives the numbers of work on one: a negotiation's parts (frontier, levers, patience points)
 * after its deal, and a scenario's branches. An error that crosses a thread keeps its class (the shells' exit codes
 * depend on it) and its figures.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConvergenceError, errorFromRecord, errorRecord, InputError } from '../../src/errors.js';
import { NegotiateSpecSchema } from '../../src/run/spec.js';
import { runStrategy } from '../../src/run/strategy.js';
import { WARM } from '../../src/run/runners.js';
import { loadScenario, loadScenarioText, SCENARIO_DIR } from '../../src/scenario/load.js';
import { runScenario, type RunOptions } from '../../src/scenario/run.js';
import { collectWarnings, setWarningSink } from '../../src/warn.js';

const talks = NegotiateSpecSchema.parse({
  parties: ['USA', 'JPN'],
  at: '2025-04-21',
  objectives: { USA: { welfare: 1, revenue: 0.5, balances: { JPN: 0.5 } } },
  patience: { USA: 0.3, JPN: 0.1 },
  disagreement: { deadline: '2025-07-09' },
  issues: [{ name: 'defence', lower: 0, upper: 1, values: { USA: 0.05, JPN: -0.03 } }],
  outside_options: [{ name: 'china-card', party: 'JPN', probability: 0.3, tariffs: [{ importer: 'JPN', exporter: 'CHN', change: -0.05 }, { importer: 'CHN', exporter: 'JPN', change: -0.05 }] }],
  levers: ['china-card', 'defence', 'patience:JPN'],
  frontier: 4,
});

test("a negotiation's parts on two threads give the bytes of the parts on one, warm starts for the draws included", async () => {
  const source = { data: 'episode-2025-1s' };
  const one = await runStrategy('negotiate', talks, source, { workers: 1 });
  const two = await runStrategy('negotiate', talks, source, { workers: 2, threadsAfterMs: 0 });
  const c1 = one.central as typeof one.central & { [WARM]: unknown };
  const c2 = two.central as typeof two.central & { [WARM]: unknown };
  assert.equal(c1.levers.length, 3);
  assert.equal(c1.frontier.length, 4);
  assert.equal(c1.patience_sweep.length, 8);
  assert.equal(JSON.stringify(c2), JSON.stringify(c1));
  assert.deepEqual(c2[WARM], c1[WARM]);
});

test("a scenario's branches on threads give the bytes of the run on one thread, calibrations answered once", async () => {
  const loaded = collectWarnings(() => loadScenario('us-china-eu-2025'));
  const ls = loaded.value;
  const run = async (o: RunOptions) => {
    const warnings = new Set<string>();
    const restore = setWarningSink((m) => warnings.add(m));
    try {
      return { value: await runScenario(ls, o), warnings: [...warnings].sort() };
    } finally {
      restore();
    }
  };
  const one = await run({ draws: 0, workers: 1 });
  const progress: number[] = [];
  const two = await run({ draws: 0, workers: 2, onProgress: (label, done) => label.endsWith('Monte Carlo') || progress.push(done) });
  assert.ok(one.value.branches.length > 1);
  assert.equal(JSON.stringify(two.value), JSON.stringify(one.value));
  // The threads' warnings are told here, as one thread's are (each thread opens the data set again, which warns as
  // loading it here did: a process's warnings are told once, so those are not repeated).
  const afterLoad = (w: string[]) => w.filter((m) => !loaded.warnings.includes(m));
  assert.deepEqual(afterLoad(two.warnings), afterLoad(one.warnings));
  // Progress counts questions across branches and ends at the total.
  const total = ls.scenario.questions.length * one.value.branches.length;
  assert.equal(progress.at(-1), total);
  assert.ok(progress.every((d, k) => k === 0 || d >= progress[k - 1]), 'progress never goes back');
});

test('a run cancelled while its branches are on threads stops them and says so', async () => {
  const ls = collectWarnings(() => loadScenario('us-china-eu-2025')).value;
  const cancel = new AbortController();
  setTimeout(() => cancel.abort(), 300);
  // Its threads take longer than that to start, let alone answer: a run that finished would resolve instead.
  await assert.rejects(collectWarnings(() => runScenario(ls, { draws: 0, workers: 2, signal: cancel.signal })).value, /the run was cancelled/);
});

test('details_on: main gives a branch the deal alone, and the same deal', async () => {
  const text = readFileSync(join(SCENARIO_DIR, 'april-2025-1s.yaml'), 'utf8');
  const mainOnly = text.replace('monte_carlo: { draws: 100 }', 'monte_carlo: { draws: 100 }\n    details_on: main');
  assert.notEqual(mainOnly, text);
  const deal = async (t: string) => {
    const ls = collectWarnings(() => loadScenarioText(t, 'scenario')).value;
    const r = await collectWarnings(() => runScenario(ls, { branch: 'no-china-card', draws: 0 })).value;
    return r.branches[0].questions.find((q) => q.id === 'us-japan')!.result as { agreement: unknown; levers: unknown[]; frontier: unknown[]; patience_sweep: unknown[]; levers_unavailable?: string[] };
  };
  const [full, bare] = [await deal(text), await deal(mainOnly)];
  assert.ok(full.levers.length > 0 && full.frontier.length > 0 && full.patience_sweep.length > 0);
  assert.deepEqual([bare.levers, bare.frontier, bare.patience_sweep, bare.levers_unavailable], [[], [], [], undefined]);
  assert.deepEqual(bare.agreement, full.agreement);
});

test('an error that crosses a thread keeps its class, message and figures', () => {
  const c = errorFromRecord(structuredClone(errorRecord(new ConvergenceError('Nash bargaining', 1e-3, 7))), 'branch main: ');
  assert.ok(c instanceof ConvergenceError);
  assert.equal(c.message, 'branch main: Nash bargaining did not converge: residual 1.000e-3 after 7 iterations');
  assert.deepEqual([c.residual, c.iterations], [1e-3, 7]);
  const i = errorFromRecord(structuredClone(errorRecord(new InputError('bad field', { field: 'parties' }))));
  assert.ok(i instanceof InputError);
  assert.equal(i.message, 'parties: bad field');
  const other = errorFromRecord(errorRecord(new TypeError('x is undefined')));
  assert.ok(!(other instanceof InputError) && !(other instanceof ConvergenceError));
});

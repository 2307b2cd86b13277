/**
 * The job pool: a warm thread serves job after job (one thread for many
 * jobs), a job's answer does not depend on what its thread ran before, a
 * failed job leaves its thread serving, and a cancelled job's thread is
 * replaced.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { JobManager, type Job } from '../../src/server/jobs.js';
import type { JobInput } from '../../src/server/compute.js';

const jobs = new JobManager({ concurrency: 1, queue: 8, timeoutMs: 120000, keep: 50 });
after(() => jobs.close());

const counterfactual = (tariff: number): JobInput => ({ type: 'counterfactual', data: 'episode-2025-1s', at: '2025-04-21', shock: [{ exporter: 'CHN', importer: 'USA', tariff }], deficits: 'fixed' });
const run = async (input: JobInput): Promise<Job> => jobs.wait(jobs.submit(input).id);

test('one warm thread serves consecutive jobs, and an answer does not depend on what ran before it', async () => {
  const first = await run(counterfactual(0.3));
  assert.equal(first.status, 'done', first.error?.message);
  const other = await run(counterfactual(0.9));
  const again = await run(counterfactual(0.3));
  assert.equal(jobs.threadsStarted, 1, 'three jobs, one thread');
  assert.notDeepEqual(other.result, first.result);
  assert.equal(JSON.stringify(again.result), JSON.stringify(first.result), 'the same job gives the same bytes on a used thread');
});

test('a job that fails with its own error leaves its thread serving the next', async () => {
  const started = jobs.threadsStarted;
  const bad = await run({ ...counterfactual(0.3), shock: [{ exporter: 'ATLANTIS', importer: 'USA', tariff: 0.3 }] } as JobInput);
  assert.equal(bad.status, 'failed');
  assert.equal(bad.error?.kind, 'input');
  assert.match(bad.error!.message, /ATLANTIS/);
  const good = await run(counterfactual(0.31));
  assert.equal(good.status, 'done');
  assert.equal(jobs.threadsStarted, started, 'no new thread');
});

test('a cancelled job\'s thread is terminated and replaced; the next job runs', async () => {
  const started = jobs.threadsStarted;
  const long = jobs.submit({ type: 'strategy', kind: 'negotiate', data: 'episode-2025-1s', spec: { parties: ['USA', 'JPN'], at: '2025-04-21', frontier: 0, eps: { dist: 'uniform', min: 3, max: 5 }, monte_carlo: { draws: 400, seed: 3 } } });
  for (let k = 0; k < 300 && jobs.get(long.id)!.status !== 'running'; k++) await new Promise((r) => setTimeout(r, 20));
  jobs.cancel(long.id);
  assert.equal((await jobs.wait(long.id)).status, 'cancelled');
  const next = await run(counterfactual(0.32));
  assert.equal(next.status, 'done');
  assert.equal(jobs.threadsStarted, started + 1, 'one new thread, for the cancelled one');
});

/**
 * The task queue on BullMQ over a real Redis (Debian's redis-server on a free loopback port, started and stopped
 * here): Monte Carlo JSON is byte-identical to the local run with one worker process and with two, when a worker
 * is killed (kill -9) mid-run, and when Redis itself is killed and restarted mid-run (AOF on); a sweep on the
 * queue gives the local sweep's bytes; a run cancelled with Ctrl-C leaves nothing queued; a task whose data hash
 * no worker can match fails the run with that reason; an unreachable Redis is one clear error; server jobs on the
 * queue survive a killed server and can be cancelled.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { freePort, ROOT } from '../helpers.js';

const REDIS = '/usr/bin/redis-server';
const skip = existsSync(REDIS) ? false : `no ${REDIS} (apt-get install -y redis-server; .ci/run does)`;
if (skip) console.log(`# SKIPPED queue tests: ${skip}`);

let redis: ChildProcess | undefined;
let url = '';
const workers: ChildProcess[] = [];

let redisPort = 0;
const redisDir = mkdtempSync(join(tmpdir(), 'parley-redis-'));

/** Redis with every write in the append-only file before it is acknowledged, so a kill -9 loses nothing queued. */
async function startRedis(): Promise<void> {
  redis = spawn(REDIS, ['--port', String(redisPort), '--bind', '127.0.0.1', '--dir', redisDir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'], { stdio: 'ignore' });
  url = `redis://127.0.0.1:${redisPort}`;
  // Ready when it answers PING.
  for (let k = 0; k < 100; k++) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {});
    const ok = await client.connect().then(() => client.ping()).then(() => true, () => false);
    client.disconnect();
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  if (skip) return;
  redisPort = await freePort();
  await startRedis();
});

after(async () => {
  for (const w of workers) w.kill('SIGKILL');
  redis?.kill('SIGKILL');
});

const SPEC = `parties: [USA, JPN]\nat: 2025-04-21\nfrontier: 0\neps: { dist: lognormal, median: 4, sigma: 0.2 }\n`;
const specFile = join(mkdtempSync(join(tmpdir(), 'parley-q-')), 'talks.yaml');
writeFileSync(specFile, SPEC);

function parley(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test/cli/parley.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 240000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** Everything on the queue, by state. */
async function queueCounts(): Promise<Record<string, number>> {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const q = new Queue('parley-tasks', { connection });
  const counts = await q.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized');
  await q.close();
  connection.disconnect();
  return counts;
}

/** A parley command running in the background, its stdout gathered (stderr, the progress bar, is not a pipe that could fill). */
function background(...args: string[]): { child: ChildProcess; closed: Promise<number>; out: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/cli/parley.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
  const closed = new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)));
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  return { child, closed, out: () => out };
}

function startWorker(): ChildProcess {
  const w = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/cli/parley.ts'), 'worker', '--redis', url], { cwd: ROOT, stdio: 'ignore' });
  workers.push(w);
  return w;
}

test('with a seed, the JSON is byte-identical locally, with one worker process and with two', { skip, timeout: 300000 }, async () => {
  const args = ['negotiate', '--data', 'episode-2025-1s', '--spec', specFile, '--draws', '12', '--seed', '7', '--json'];
  const local = parley(...args);
  assert.equal(local.code, 0, local.err);
  startWorker();
  const one = parley(...args, '--redis', url);
  assert.equal(one.code, 0, one.err);
  assert.equal(one.out, local.out, 'one worker');
  startWorker();
  const two = parley(...args, '--redis', url);
  assert.equal(two.code, 0, two.err);
  assert.equal(two.out, local.out, 'two workers');
  assert.equal(JSON.parse(two.out).uncertainty.draws, 12);
  // Nothing of the runs is left on the queue.
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const q = new Queue('parley-tasks', { connection });
  const counts = await q.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
  await q.close();
  connection.disconnect();
  assert.deepEqual(Object.values(counts).reduce((a, b) => a + b, 0), 0, JSON.stringify(counts));
});

test('a worker killed (kill -9) mid-run: its task is taken over by another and the result is the same', { skip, timeout: 240000 }, async () => {
  const args = ['negotiate', '--data', 'episode-2025-1s', '--spec', specFile, '--draws', '200', '--seed', '11', '--json'];
  const local = parley(...args);
  assert.equal(local.code, 0, local.err);
  const victim = startWorker();
  startWorker();
  // stderr (the progress bar) is not read here, so it is not a pipe that could fill up.
  const run = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/cli/parley.ts'), ...args, '--redis', url], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
  const closed = new Promise<number>((r) => run.on('close', (c) => r(c ?? -1)));
  let out = '';
  run.stdout!.on('data', (c) => (out += c));
  // While tasks are running, kill one worker outright: its task's lock lapses (30 s) and the stalled check hands it on.
  await new Promise((r) => setTimeout(r, 5000));
  const killedMidRun = run.exitCode === null;
  victim.kill('SIGKILL');
  assert.equal(await closed, 0);
  assert.ok(killedMidRun, 'the worker died while the run was still going');
  assert.equal(out, local.out, 'byte-identical to the local run');
});

test('a task whose data hash the workers cannot match fails with that reason, after bounded attempts', { skip, timeout: 120000 }, async () => {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const listening = connection.duplicate();
  const queue = new Queue('parley-tasks', { connection });
  const events = new QueueEvents('parley-tasks', { connection: listening });
  await events.waitUntilReady();
  const job = await queue.add('items', { kind: 'negotiate', spec: { parties: ['USA', 'JPN'] }, data: 'episode-2025-1s', dataHash: '0'.repeat(64), seed: 1, from: 0, to: 1 }, { attempts: 2, backoff: { type: 'fixed', delay: 100 } });
  await assert.rejects(job.waitUntilFinished(events), /content hash .* the run used 000000000000: refusing to compute on other numbers/);
  await job.remove();
  await events.close();
  await queue.close();
  connection.disconnect();
  listening.disconnect();
});

test('an unreachable Redis is one clear error, exit 2', { skip, timeout: 60000 }, async () => {
  const port = await freePort();
  const r = parley('negotiate', '--data', 'episode-2025-1s', '--spec', specFile, '--draws', '4', '--redis', `redis://127.0.0.1:${port}`);
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /^parley: --redis: cannot reach Redis at 127\.0\.0\.1:\d+/m);
  assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
});

test('Redis killed (kill -9) and restarted mid-run: nothing queued is lost and the result is the same', { skip, timeout: 300000 }, async () => {
  while (workers.filter((w) => w.exitCode === null && !w.killed).length < 2) startWorker();
  const args = ['negotiate', '--data', 'episode-2025-1s', '--spec', specFile, '--draws', '160', '--seed', '13', '--json'];
  const local = parley(...args);
  assert.equal(local.code, 0, local.err);
  const run = background(...args, '--redis', url);
  await new Promise((r) => setTimeout(r, 5000));
  assert.equal(run.child.exitCode, null, 'the run is still going when Redis dies');
  redis!.kill('SIGKILL');
  await new Promise((r) => redis!.once('exit', r));
  await new Promise((r) => setTimeout(r, 1500));
  await startRedis();
  assert.equal(await run.closed, 0);
  assert.equal(run.out(), local.out, 'byte-identical to the local run');
});

test('a sweep on the queue gives the local sweep byte for byte', { skip, timeout: 240000 }, async () => {
  while (workers.filter((w) => w.exitCode === null && !w.killed).length < 2) startWorker();
  const args = ['sweep', 'negotiate', '--data', 'episode-2025-1s', '--parties', 'USA,JPN', '--at', '2025-04-21', '--vary', 'eps=3:5:3', '--vary', 'objectives.USA.revenue=0,0.3', '--json'];
  const local = parley(...args);
  assert.equal(local.code, 0, local.err);
  const queued = parley(...args, '--redis', url);
  assert.equal(queued.code, 0, queued.err);
  assert.equal(queued.out, local.out);
  assert.equal(JSON.parse(queued.out).points.length, 6);
});

test('a run cancelled with Ctrl-C stops, says so, and leaves none of its tasks on the queue, waiting or running', { skip, timeout: 240000 }, async () => {
  // One worker: it runs one task while the rest wait on the queue when the run is cancelled.
  for (const w of workers) w.kill('SIGKILL');
  startWorker();
  const run = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/cli/parley.ts'), 'negotiate', '--data', 'episode-2025-1s', '--spec', specFile, '--draws', '400', '--seed', '3', '--redis', url], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  run.stderr!.on('data', (c) => (err += c));
  const closed = new Promise<number>((r) => run.on('close', (c) => r(c ?? -1)));
  const busy = async () => {
    const c = await queueCounts();
    return c.waiting > 0 && c.active > 0;
  };
  for (let k = 0; k < 300 && !(await busy()); k++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(await busy(), 'one task running, the others waiting');
  run.kill('SIGINT');
  assert.equal(await closed, 2);
  assert.match(err, /the run was cancelled; its queued tasks were removed/);
  // The running task stops at its worker's next look at the cancellation mark.
  for (let k = 0; k < 50 && (await queueCounts()).active > 0; k++) await new Promise((r) => setTimeout(r, 100));
  const counts = await queueCounts();
  assert.equal(counts.waiting + counts.active + counts.delayed + counts.prioritized, 0, JSON.stringify(counts));
});

test('server jobs on the queue: a job outlives a killed server, and a queued job can be cancelled', { skip, timeout: 300000 }, async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'parley-serve-')), 'runs.sqlite');
  const serve = async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/cli/parley.ts'), 'serve', '--port', String(port), '--db', db, '--redis', url], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise<void>((r) => child.stdout!.on('data', (c: Buffer) => String(c).includes('serving on') && r()));
    return { child, api: `http://127.0.0.1:${port}/api` };
  };
  const spec = { parties: ['USA', 'JPN'], at: '2025-04-21', frontier: 0, eps: { dist: 'lognormal', median: 4, sigma: 0.2 }, monte_carlo: { draws: 24, seed: 5 }, data: 'episode-2025-1s' };
  const first = await serve();
  // No worker yet: the job waits on the queue while its server is killed.
  const posted = await fetch(`${first.api}/strategy/negotiate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });
  assert.equal(posted.status, 202);
  const { job } = (await posted.json()) as { job: string };
  first.child.kill('SIGKILL');
  const second = await serve();
  startWorker();
  let view: { status: string; result?: unknown; error?: string } = { status: 'queued' };
  for (let k = 0; k < 600 && (view.status === 'queued' || view.status === 'running'); k++) {
    await new Promise((r) => setTimeout(r, 200));
    view = (await (await fetch(`${second.api}/jobs/${job}`)).json()) as typeof view;
  }
  assert.equal(view.status, 'done', view.error);
  const cli = parley('negotiate', '--data', 'episode-2025-1s', '--spec', specFile, '--draws', '24', '--seed', '5', '--json');
  assert.deepEqual(view.result, JSON.parse(cli.out), 'the queued job gives the CLI run');
  // Cancel a job before any worker takes it.
  for (const w of workers) w.kill('SIGKILL');
  const other = await fetch(`${second.api}/strategy/negotiate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...spec, monte_carlo: { draws: 24, seed: 6 } }) });
  const { job: doomed } = (await other.json()) as { job: string };
  const cancelled = await fetch(`${second.api}/jobs/${doomed}`, { method: 'DELETE' });
  assert.equal(cancelled.status, 200);
  assert.equal(((await cancelled.json()) as { status: string }).status, 'cancelled');
  assert.equal(((await (await fetch(`${second.api}/jobs/${doomed}`)).json()) as { status: string }).status, 'cancelled');
  assert.equal((await queueCounts()).waiting, 0, 'taken off the queue');
  second.child.kill('SIGKILL');
});

test("a scenario's branches as tasks on the queue give the local run's bytes", { skip, timeout: 300000 }, async () => {
  while (workers.filter((w) => w.exitCode === null && !w.killed).length < 2) startWorker();
  const local = parley('run', 'april-2025-1s', '--draws', '0', '--json');
  assert.equal(local.code, 0, local.err);
  const queued = parley('run', 'april-2025-1s', '--draws', '0', '--json', '--redis', url);
  assert.equal(queued.code, 0, queued.err);
  assert.equal(queued.out, local.out);
  assert.equal(JSON.parse(queued.out).branches.length, 5);
});

/**
 * Monte Carlo on BullMQ over a real Redis (Debian's redis-server on a free loopback port, started and stopped
 * here): the JSON is byte-identical to the local run with one worker process and with two, and when a worker is
 * killed (kill -9) mid-run; a task whose data hash no worker can match fails the run with that reason; an
 * unreachable Redis is one clear error.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { ROOT } from '../helpers.js';

const REDIS = '/usr/bin/redis-server';
const skip = existsSync(REDIS) ? false : `no ${REDIS} (apt-get install -y redis-server; .ci/run does)`;
if (skip) console.log(`# SKIPPED queue tests: ${skip}`);

let redis: ChildProcess | undefined;
let url = '';
const workers: ChildProcess[] = [];

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

before(async () => {
  if (skip) return;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'parley-redis-'));
  redis = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes'], { stdio: 'ignore' });
  url = `redis://127.0.0.1:${port}`;
  // Ready when it answers PING.
  for (let k = 0; k < 100; k++) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {});
    const ok = await client.connect().then(() => client.ping()).then(() => true, () => false);
    client.disconnect();
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
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

function startWorker(): ChildProcess {
  const w = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/cli/parley.ts'), 'worker', '--redis', url], { cwd: ROOT, stdio: 'ignore' });
  workers.push(w);
  return w;
}

test('with a seed, the JSON is byte-identical locally, with one worker process and with two', { skip, timeout: 300000 }, async () => {
  const args = ['negotiate', '--data', 'episode-2025', '--spec', specFile, '--draws', '12', '--seed', '7', '--json'];
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
  const args = ['negotiate', '--data', 'episode-2025', '--spec', specFile, '--draws', '200', '--seed', '11', '--json'];
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
  const job = await queue.add('items', { kind: 'negotiate', spec: { parties: ['USA', 'JPN'] }, data: 'episode-2025', dataHash: '0'.repeat(64), seed: 1, from: 0, to: 1 }, { attempts: 2, backoff: { type: 'fixed', delay: 100 } });
  await assert.rejects(job.waitUntilFinished(events), /content hash .* the run used 000000000000: refusing to compute on other numbers/);
  await job.remove();
  await events.close();
  await queue.close();
  connection.disconnect();
  listening.disconnect();
});

test('an unreachable Redis is one clear error, exit 2', { skip, timeout: 60000 }, async () => {
  const port = await freePort();
  const r = parley('negotiate', '--data', 'episode-2025', '--spec', specFile, '--draws', '4', '--redis', `redis://127.0.0.1:${port}`);
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /^parley: --redis: cannot reach Redis at 127\.0\.0\.1:\d+/m);
  assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
});

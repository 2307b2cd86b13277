/**
 * The task queue (issue 16): per-task overhead (empty tasks through a worker process: Redis, BullMQ, the job
 * thread, the data-hash check), the speed-up of 2 worker processes over 1 on the US-Japan talks' Monte Carlo, and
 * a 10,000-draw run's memory in the coordinating process as the draws come in. Needs Debian's redis-server;
 * prints "skipped" without it. BENCH_QUEUE_DRAWS sets the talks' draws (default 2,000, as the issue asks).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents } from 'bullmq';
import { openDataset } from '../src/data/manifest.js';
import { connect, TASKS_QUEUE } from '../src/run/queue.js';
import { monteCarlo } from '../src/run/montecarlo.js';
import { runStrategy } from '../src/run/strategy.js';
import { setWarningSink } from '../src/warn.js';
import { freePort } from '../test/helpers.js';

const REDIS = '/usr/bin/redis-server';
const ROOT = fileURLToPath(new URL('../', import.meta.url));

console.log('\nTask queue (BullMQ on Redis, worker processes on this machine)');
if (!existsSync(REDIS)) {
  console.log(`  skipped: no ${REDIS} (apt-get install -y redis-server)`);
} else {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-redis-'));
  const redis = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  for (let k = 0; k < 100; k++) {
    const ok = await connect(url).then((c) => (c.disconnect(), true), () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const workers: ChildProcess[] = [];
  const startWorkers = async (n: number) => {
    while (workers.length < n) workers.push(spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/cli/parley.ts'), 'worker', '--redis', url], { cwd: ROOT, stdio: 'ignore' }));
    // A worker is ready once it has loaded; give it the time a cold start takes.
    await new Promise((r) => setTimeout(r, 3000));
  };
  const stopWorkers = () => workers.splice(0).forEach((w) => w.kill('SIGKILL'));
  const restore = setWarningSink(() => {});
  try {
    // 1. Overhead: empty item tasks (no items), one worker process, one task at a time.
    await startWorkers(1);
    const connection = await connect(url);
    const queue = new Queue(TASKS_QUEUE, { connection });
    const listening = connection.duplicate();
    const events = new QueueEvents(TASKS_QUEUE, { connection: listening });
    queue.setMaxListeners(1000);
    events.setMaxListeners(1000);
    await events.waitUntilReady();
    const { hash } = openDataset('episode-2025-1s');
    const empty = { kind: 'negotiate', spec: { parties: ['USA', 'JPN'] }, data: 'episode-2025-1s', dataHash: hash, seed: 1, from: 0, to: 0 };
    const TASKS = 300;
    const t0 = performance.now();
    const jobs = await queue.addBulk(Array.from({ length: TASKS }, () => ({ name: 'items', data: empty, opts: { removeOnComplete: true } })));
    await Promise.all(jobs.map((j) => j.waitUntilFinished(events)));
    const perTask = (performance.now() - t0) / TASKS;
    await events.close();
    await queue.close();
    listening.disconnect();
    connection.disconnect();
    console.log(`  overhead per task (${TASKS} empty tasks, 1 worker)`.padEnd(60) + `${perTask.toFixed(2).padStart(8)} ms   target < 5`);

    // 2. Speed-up: the US-Japan talks' draws on 1 worker process, then on 2.
    const draws = Number(process.env.BENCH_QUEUE_DRAWS ?? 2000);
    const spec = { parties: ['USA', 'JPN'], at: '2025-04-21', frontier: 0, eps: { dist: 'lognormal', median: 4, sigma: 0.2 } };
    const talks = async () => {
      const t = performance.now();
      await runStrategy('negotiate', spec, { data: 'episode-2025-1s' }, { monteCarlo: { draws, seed: 1 }, redis: url });
      return (performance.now() - t) / 1000;
    };
    const one = await talks();
    await startWorkers(2);
    const two = await talks();
    console.log(`  US-JPN talks, ${draws} draws: 1 worker process`.padEnd(60) + `${one.toFixed(1).padStart(8)} s`);
    console.log(`  US-JPN talks, ${draws} draws: 2 worker processes`.padEnd(60) + `${two.toFixed(1).padStart(8)} s   speed-up ${(one / two).toFixed(2)}x (target >= 1.7)`);

    // 3. 10,000 draws (the US best response, uniform tariff): the coordinator's heap as they come in.
    const heap: string[] = [];
    const t1 = performance.now();
    const gc = () => (globalThis as { gc?: () => void }).gc?.();
    let next = 1000;
    await monteCarlo({
      kind: 'best-response',
      spec: { player: 'USA', instrument: 'uniform', at: '2025-04-21', eps: { dist: 'lognormal', median: 4, sigma: 0.2 } },
      source: { data: 'episode-2025-1s' },
      draws: 10000,
      seed: 1,
      redis: url,
      onProgress: (done) => {
        if (done >= next) {
          gc();
          heap.push(`${done}: ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB`);
          next += 3000;
        }
      },
    });
    console.log(`  10,000 draws of the US best response, 2 workers`.padEnd(60) + `${((performance.now() - t1) / 1000).toFixed(1).padStart(8)} s`);
    console.log(`  coordinator heap after draws ${heap.join(', ')}`);
  } finally {
    restore();
    stopWorkers();
    redis.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Monte Carlo on a queue that several machines drain: BullMQ on Redis. A run puts its draws on the queue as batch
 * tasks (run/draws.ts: data set name and content hash, spec, seed, draw range), `parley worker --redis URL` processes
 * run them, and the results come back in draw order, so the output is byte-identical to the local run whatever the
 * number of workers and their speed. A task that keeps failing (a worker refusing the data hash, say) fails the run
 * with its error after bounded attempts; a worker killed mid-task leaves a stalled job that BullMQ hands to another.
 */
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { openDataset } from '../data/manifest.js';
import { InputError } from '../errors.js';
import { checkDataHash, runDraw, type DrawBatch, type DrawOutcome } from './draws.js';
import type { MonteCarloOptions, MonteCarloRun } from './montecarlo.js';

/** The queue every Parley run and worker share on a Redis server. */
export const QUEUE_NAME = 'parley-draws';
/** Attempts per task before it fails the run (a killed worker's stalled task counts too). */
const ATTEMPTS = 3;
/** Most tasks a run may queue, and most draws in one task. */
const MAX_TASKS = 10000;
const MAX_BATCH = 50;
/** How long to wait for Redis to answer before saying it is unreachable. */
const CONNECT_MS = 3000;

/** A Redis connection for BullMQ (which needs maxRetriesPerRequest null), checked to answer within CONNECT_MS. */
export async function connect(url: string): Promise<Redis> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(`--redis: expected a URL such as redis://127.0.0.1:6379, found "${url}"`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new InputError(`--redis: expected a redis:// URL, found "${url}"`);
  const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true, retryStrategy: (n) => (n > 3 ? null : 200 * n) });
  redis.on('error', () => {}); // reported below, once, as a clear error
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), CONNECT_MS).unref());
  try {
    await Promise.race([redis.connect().then(() => redis.ping()), timeout]);
  } catch (e) {
    redis.disconnect();
    throw new InputError(`--redis: cannot reach Redis at ${parsed.host} (${(e as Error).message})`);
  }
  return redis;
}

/** Draws per task: small tasks spread well over workers, large ones keep the per-task overhead small. */
export function batchSize(draws: number): number {
  return Math.max(1, Math.min(MAX_BATCH, Math.ceil(draws / 40)));
}

/** Monte Carlo with the draws on the queue; same result as the local pool. */
export async function monteCarloOnQueue(o: MonteCarloOptions & { redis: string }): Promise<MonteCarloRun> {
  const { hash } = openDataset(o.source.data);
  const size = batchSize(o.draws);
  const tasks: DrawBatch[] = [];
  for (let from = 0; from < o.draws; from += size) tasks.push({ kind: o.kind, spec: o.spec, data: o.source.data, dataHash: hash, seed: o.seed, from, to: Math.min(o.draws, from + size) });
  if (tasks.length > MAX_TASKS) throw new InputError(`draws: ${tasks.length} tasks exceed the queue bound of ${MAX_TASKS}`);
  const connection = await connect(o.redis);
  const queue = new Queue<DrawBatch, DrawOutcome[]>(QUEUE_NAME, { connection });
  const listening = connection.duplicate();
  const events = new QueueEvents(QUEUE_NAME, { connection: listening });
  const run = randomUUID();
  const results: unknown[] = new Array(o.draws).fill(null);
  const failures: { index: number; error: string }[] = [];
  let done = 0;
  let jobs: Job<DrawBatch, DrawOutcome[]>[] = [];
  try {
    await events.waitUntilReady();
    jobs = await queue.addBulk(tasks.map((data, k) => ({ name: 'draws', data, opts: { jobId: `${run}-${k}`, attempts: ATTEMPTS, backoff: { type: 'fixed', delay: 200 } } })));
    await Promise.all(
      jobs.map(async (job) => {
        const outcomes = (await job.waitUntilFinished(events)) as DrawOutcome[];
        for (const d of outcomes) {
          if ('error' in d) failures.push({ index: d.index, error: d.error });
          else results[d.index] = d.result;
        }
        done += outcomes.length;
        o.onProgress?.(done, o.draws);
      }),
    );
  } catch (e) {
    throw new InputError(`a queued Monte Carlo task failed after ${ATTEMPTS} attempts: ${(e as Error).message}`);
  } finally {
    // Nothing of this run stays queued: finished tasks are removed, unfinished ones too (the run has failed).
    await Promise.all(jobs.map((j) => j.remove().catch(() => undefined)));
    await events.close();
    await queue.close();
    listening.disconnect();
    connection.disconnect();
  }
  failures.sort((a, b) => a.index - b.index);
  return { draws: o.draws, seed: o.seed, results, failures };
}

/**
 * A worker process: takes tasks one at a time and runs their draws, yielding between draws so BullMQ can renew the
 * task's lock (a stalled task is one whose worker died). Resolves when `stop` is called.
 */
export async function startQueueWorker(url: string, onTask?: (task: DrawBatch) => void): Promise<{ stop: () => Promise<void> }> {
  const connection = await connect(url);
  const worker = new Worker<DrawBatch, DrawOutcome[]>(
    QUEUE_NAME,
    async (job) => {
      const task = job.data;
      onTask?.(task);
      checkDataHash(task);
      const out: DrawOutcome[] = [];
      for (let i = task.from; i < task.to; i++) {
        out.push(runDraw(task.kind, task.spec, { data: task.data }, task.seed, i));
        await new Promise((r) => setImmediate(r));
      }
      return out;
    },
    { connection, concurrency: 1, lockDuration: 30000, stalledInterval: 5000, maxStalledCount: ATTEMPTS },
  );
  worker.on('error', () => {}); // connection hiccups: BullMQ reconnects
  await worker.waitUntilReady();
  return {
    stop: async () => {
      await worker.close();
      connection.disconnect();
    },
  };
}

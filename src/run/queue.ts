/**
 * Parallel work on a queue that several machines drain: BullMQ on Redis. A run puts its items (Monte Carlo draws,
 * sweep points) on the queue as range tasks (items.ts: data set name and content hash, spec, seed, item range);
 * `parley worker --redis URL` processes run them, and the results come back in item order, so the output is
 * byte-identical to the local run whatever the number of workers and their speed. A task that keeps failing
 * (a worker refusing the data hash, say) fails the run with its error after bounded attempts; a worker killed
 * mid-task leaves a stalled task that BullMQ hands to another; a cancelled run's tasks are removed or stopped.
 * Server jobs (`parley serve --redis`, server/queue-jobs.ts) and scenario branches travel on the same queue as tasks
 * named "job".
 */
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { InputError } from '../errors.js';
import { dataHashHere } from './context.js';
import type { ItemOutcome, ItemPlan, ItemTask } from './items.js';
import type { ItemRunOptions, ItemSink, ItemsRun } from './montecarlo.js';

/** The queue every Parley run, server and worker share on a Redis server: item tasks (name "items") and server jobs (name "job"). */
export const TASKS_QUEUE = 'parley-tasks';
/** Attempts per task before it fails the run (a killed worker's stalled task counts too). */
export const ATTEMPTS = 3;
/** Most tasks one run may queue, most items in one task, most tasks waiting on the queue, largest task. */
const MAX_TASKS = 10000;
const MAX_BATCH = 50;
const MAX_WAITING = 50000;
const MAX_TASK_BYTES = 2_000_000;
/** How long to wait for Redis to answer before saying it is unreachable. */
const CONNECT_MS = 3000;
/** How long a cancellation mark lives: longer than any task. */
const CANCEL_MARK_SECONDS = 24 * 3600;

/**
 * A Redis connection for BullMQ (which needs maxRetriesPerRequest null), checked to answer within CONNECT_MS.
 * Once up it reconnects for as long as it takes: a restarted Redis (AOF on) finds its workers and runs again.
 */
export async function connect(url: string): Promise<Redis> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(`--redis: expected a URL such as redis://127.0.0.1:6379, found "${url}"`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new InputError(`--redis: expected a redis:// URL, found "${url}"`);
  const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true, retryStrategy: (n) => Math.min(1000, 100 * n) });
  redis.on('error', () => {}); // reported below, once, as a clear error; later hiccups reconnect
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), CONNECT_MS).unref());
  try {
    await Promise.race([redis.connect().then(() => redis.ping()), timeout]);
  } catch (e) {
    redis.disconnect();
    throw new InputError(`--redis: cannot reach Redis at ${parsed.host} (${(e as Error).message})`);
  }
  return redis;
}

/** A job task (name "job"): a server job's input (server/compute.ts JobInput, opaque here) and its time limit. */
export interface QueuedJob {
  input: unknown;
  timeoutMs: number;
}

/** What a job task returns. */
export interface QueuedJobResult {
  result: unknown;
  warnings: string[];
}

/** A failed job task's reason: JSON of the job's error (message, kind: input, convergence, limit, cancelled, internal). */
export interface QueuedJobError {
  message: string;
  kind: string;
  location?: unknown;
}

/** A job task's failure reason as its error: JSON from a Parley worker, or BullMQ's own words (stalled too often, say). */
export function parseJobError(reason: string | undefined): QueuedJobError {
  try {
    const e = JSON.parse(reason ?? '') as QueuedJobError;
    if (typeof e.message === 'string' && typeof e.kind === 'string') return e;
  } catch {
    // not ours
  }
  return { message: reason ?? 'the job failed on the queue', kind: 'internal' };
}

/** The key that marks a run (or server job) cancelled; workers poll it while they run its tasks. */
export const cancelKey = (run: string) => `parley:cancel:${run}`;

export async function markCancelled(redis: Redis, run: string): Promise<void> {
  await redis.set(cancelKey(run), '1', 'EX', CANCEL_MARK_SECONDS);
}

/** The run a queued task belongs to: its job id is `<run>-t<k>` (a run's tasks) or `<run>` (a server job). */
export const runOfTask = (jobId: string) => jobId.replace(/-t\d+$/, '');

/** Items per task: small tasks spread well over workers, large ones keep the per-task overhead small. */
function batchSize(items: number): number {
  return Math.max(1, Math.min(MAX_BATCH, Math.ceil(items / 40)));
}

/** Refuse to queue more than the queue's bound, or tasks larger than a task may be. */
export async function checkRoom(queue: Queue, adding: number, largest: number): Promise<void> {
  if (largest > MAX_TASK_BYTES) throw new InputError(`a task of ${largest} bytes exceeds the queue's task size bound of ${MAX_TASK_BYTES} bytes`);
  const waiting = await queue.getWaitingCount();
  if (waiting + adding > MAX_WAITING) throw new InputError(`the queue holds ${waiting} waiting tasks; adding ${adding} would pass its bound of ${MAX_WAITING}: try again when the workers have drained it`);
}

/** A plan's items on the queue; same result as the local pool. */
export async function runItemsOnQueue(plan: ItemPlan, count: number, o: ItemRunOptions & { redis: string }, sink: ItemSink): Promise<ItemsRun> {
  // The hash of the numbers this process ran the central solution on: workers must compute on the same.
  const hash = dataHashHere(plan.data);
  const size = batchSize(count);
  const tasks: ItemTask[] = [];
  for (let from = 0; from < count; from += size) {
    const to = Math.min(count, from + size);
    // A sweep task carries its own points only.
    const sweep = plan.sweep ? { paths: plan.sweep.paths, points: plan.sweep.points.slice(from, to), first: from } : undefined;
    tasks.push({ ...plan, ...(sweep ? { sweep } : {}), dataHash: hash, from, to });
  }
  if (tasks.length > MAX_TASKS) throw new InputError(`${count} items make ${tasks.length} tasks, above the queue's bound of ${MAX_TASKS} per run`);
  const r = await openRun<ItemTask, ItemOutcome[]>(o.redis, tasks.length);
  const failures: { index: number; error: string }[] = [];
  let done = 0;
  let jobs: Job<ItemTask, ItemOutcome[]>[] = [];
  try {
    await checkRoom(r.queue, tasks.length, Math.max(...tasks.map((t) => JSON.stringify(t).length)));
    jobs = await r.queue.addBulk(tasks.map((data, k) => ({ name: 'items', data, opts: { jobId: `${r.run}-t${k}`, attempts: ATTEMPTS, backoff: { type: 'fixed', delay: 200 }, removeOnFail: { age: 3600 } } })));
    const all = Promise.all(
      jobs.map(async (job) => {
        const outcomes = (await job.waitUntilFinished(r.events)) as ItemOutcome[];
        for (const d of outcomes) {
          if ('error' in d) failures.push({ index: d.index, error: d.error });
          else sink(d.index, d.result);
        }
        // Its results are taken: the task leaves Redis now, so neither side holds them twice.
        void job.remove().catch(() => undefined);
        done += outcomes.length;
        o.onProgress?.(done, count);
      }),
    );
    await r.until(all, o.signal);
  } catch (e) {
    throw e instanceof InputError ? e : new InputError(`a queued task failed after ${ATTEMPTS} attempts: ${(e as Error).message}`);
  } finally {
    await r.close(jobs);
  }
  failures.sort((a, b) => a.index - b.index);
  return { failures };
}

/**
 * Whole jobs on the queue (a scenario's branches, say), results in order. Each runs on one worker, its own Monte
 * Carlo draws on that worker's threads (never queued again: a worker waiting on the queue it serves could wait forever).
 */
export async function runJobsOnQueue(inputs: unknown[], o: { redis: string; timeoutMs: number; onDone?: (k: number) => void; signal?: AbortSignal }): Promise<QueuedJobResult[]> {
  const r = await openRun<QueuedJob, QueuedJobResult>(o.redis, inputs.length);
  let jobs: Job<QueuedJob, QueuedJobResult>[] = [];
  try {
    const tasks = inputs.map((input) => ({ input, timeoutMs: o.timeoutMs }));
    await checkRoom(r.queue, tasks.length, Math.max(...tasks.map((t) => JSON.stringify(t).length)));
    jobs = await r.queue.addBulk(tasks.map((data, k) => ({ name: 'job', data, opts: { jobId: `${r.run}-t${k}`, attempts: 1, removeOnFail: { age: 3600 } } })));
    const all = Promise.all(
      jobs.map(async (job, k) => {
        try {
          const answer = (await job.waitUntilFinished(r.events)) as QueuedJobResult;
          o.onDone?.(k);
          return answer;
        } catch (e) {
          throw new InputError(parseJobError((e as Error).message).message);
        }
      }),
    );
    return await r.until(all, o.signal);
  } finally {
    await r.close(jobs);
  }
}

/**
 * A run's hold on the queue: its queue and event stream, its id, `until` (the tasks' results, or a cancellation
 * error as soon as the signal aborts: running tasks stop at their worker's next look at the mark) and `close`
 * (nothing of the run stays queued: finished and unfinished tasks alike are removed).
 */
async function openRun<D, R>(redis: string, tasks: number) {
  const connection = await connect(redis);
  const queue = new Queue<D, R>(TASKS_QUEUE, { connection });
  const listening = connection.duplicate();
  const events = new QueueEvents(TASKS_QUEUE, { connection: listening });
  // Every task waits on the same queue and events: one listener each is expected, not a leak.
  queue.setMaxListeners(tasks + 10);
  events.setMaxListeners(tasks + 10);
  await events.waitUntilReady();
  const run = randomUUID();
  return {
    queue,
    events,
    run,
    until: <T>(all: Promise<T>, signal: AbortSignal | undefined): Promise<T> => {
      if (!signal) return all;
      all.catch(() => undefined); // a cancelled run stops listening; its tasks' later failures are nobody's concern
      return new Promise<T>((resolve, reject) => {
        const onAbort = () => {
          void markCancelled(connection, run).catch(() => undefined);
          reject(new InputError('the run was cancelled; its queued tasks were removed'));
        };
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        all.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
      });
    },
    close: async (jobs: readonly Job<D, R>[]) => {
      await Promise.all(jobs.map((j) => j.remove().catch(() => undefined)));
      await events.close();
      await queue.close();
      listening.disconnect();
      connection.disconnect();
    },
  };
}

/**
 * A queue worker process (`parley worker --redis URL`): takes one task at a time from the shared queue (item tasks
 * of runs started with --redis, jobs of servers started with --redis) and runs it on a warm job thread
 * (jobs.ts), so its event loop stays free to renew the task's lock however long the task takes (a stalled task is
 * one whose worker died). While a task runs the worker relays its progress and looks for a cancellation mark.
 */
import { Worker, UnrecoverableError, type Job as BullJob } from 'bullmq';
import type { ItemTask } from '../run/items.js';
import { ATTEMPTS, TASKS_QUEUE, cancelKey, connect, runOfTask, type QueuedJob, type QueuedJobError, type QueuedJobResult } from '../run/queue.js';
import type { JobInput } from './compute.js';
import { JobManager } from './jobs.js';

/** A server job on the queue: its input and the server's time limit. */
export type QueuedServerJob = QueuedJob & { input: JobInput };

/** How often a running task looks for its cancellation mark and relays progress. */
const POLL_MS = 500;
/** Item tasks have no time limit of their own; this only stops a runaway. */
const ITEM_TASK_MS = 6 * 3600 * 1000;
/** A task's lock: renewed every half of it while the task runs. */
const LOCK_MS = 30000;
const STALLED_CHECK_MS = 5000;

export async function startQueueWorker(url: string, onTask?: (name: string) => void): Promise<{ stop: () => Promise<void> }> {
  const connection = await connect(url);
  const local = new JobManager({ concurrency: 1, queue: 1, timeoutMs: ITEM_TASK_MS, keep: 4 });
  local.warm();
  const worker = new Worker(
    TASKS_QUEUE,
    async (task: BullJob) => {
      onTask?.(task.name);
      const server = task.name === 'job' ? (task.data as QueuedServerJob) : undefined;
      const input: JobInput = server ? server.input : { type: 'items', task: task.data as ItemTask };
      // A server job keeps its server's time limit; an item task has only the runaway guard.
      const job = local.submit(input, server ? server.timeoutMs : ITEM_TASK_MS);
      const run = runOfTask(task.id!);
      let lastProgress = '';
      const poll = setInterval(() => {
        void connection.exists(cancelKey(run)).then((n) => {
          if (n) local.cancel(job.id);
        }, () => undefined);
        const p = JSON.stringify(job.progress);
        if (job.progress && p !== lastProgress) {
          lastProgress = p;
          void task.updateProgress(job.progress).catch(() => undefined);
        }
      }, POLL_MS);
      const ended = await local.wait(job.id).finally(() => clearInterval(poll));
      if (ended.status === 'done') return server ? ({ result: ended.result, warnings: ended.warnings } satisfies QueuedJobResult) : ended.result;
      const error: QueuedJobError = ended.status === 'cancelled' ? { message: 'cancelled', kind: 'cancelled' } : ended.error!;
      // A server job's failure is its answer (no retry); an item task retries (its items' own errors are in its result).
      if (server || ended.status === 'cancelled') throw new UnrecoverableError(JSON.stringify(error));
      throw new Error(error.message);
    },
    { connection, concurrency: 1, lockDuration: LOCK_MS, stalledInterval: STALLED_CHECK_MS, maxStalledCount: ATTEMPTS },
  );
  worker.on('error', () => {}); // connection hiccups: BullMQ reconnects
  await worker.waitUntilReady();
  return {
    stop: async () => {
      await worker.close(true);
      await local.close();
      connection.disconnect();
    },
  };
}

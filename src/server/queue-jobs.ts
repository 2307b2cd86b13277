/**
 * Server jobs on the Redis queue (`parley serve --redis URL`): a job is a queued task named "job" with the job's id,
 * run by whichever `parley worker` is free (queue-worker.ts). Its state lives in Redis, not in the server, so a
 * job survives a server restart: the restarted server adopts the jobs its store records as in progress, and
 * saves a scenario run that finished meanwhile. The jobs endpoints keep their contract.
 */
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents, type Job as QueuedJob } from 'bullmq';
import type { Redis } from 'ioredis';
import { TASKS_QUEUE, cancelKey, checkRoom, markCancelled, parseJobError, type QueuedJobResult } from '../run/queue.js';
import type { JobInput } from './compute.js';
import { QueueFullError, type Job, type JobHooks, type Jobs } from './jobs.js';
import type { QueuedServerJob } from './queue-worker.js';

type Data = QueuedServerJob & { run_id?: string };

/** How often a waiting request looks at its job. */
const WAIT_POLL_MS = 200;
/**
 * Unfinished jobs one server may have on the queue beyond its limit of waiting jobs: those running on workers, whose
 * number the server cannot know (the queue's own bound, MAX_WAITING, caps everyone's together).
 */
const RUNNING_ALLOWANCE = 64;

export class QueueJobs implements Jobs {
  private readonly queue: Queue;
  private readonly events: QueueEvents;
  private readonly listening: Redis;
  /** Jobs this server submitted (or adopted) and has not yet seen end: it saves their runs and ends their records. */
  private readonly mine = new Set<string>();
  /** Jobs cancelled while waiting, and so removed from the queue. */
  private readonly cancelled = new Map<string, Job>();

  constructor(
    private readonly connection: Redis,
    private readonly limits: { queue: number; timeoutMs: number; keep: number },
    private readonly hooks: JobHooks,
  ) {
    this.queue = new Queue(TASKS_QUEUE, { connection });
    this.listening = connection.duplicate();
    this.events = new QueueEvents(TASKS_QUEUE, { connection: this.listening });
    this.events.on('completed', ({ jobId }) => void this.ended(jobId));
    this.events.on('failed', ({ jobId }) => void this.ended(jobId));
  }

  /** Take over the jobs a previous server recorded as in progress: some may have finished while it was down. */
  async adopt(records: { id: string }[]): Promise<void> {
    await this.events.waitUntilReady();
    for (const r of records) {
      this.mine.add(r.id);
      await this.ended(r.id);
    }
  }

  async submit(input: JobInput): Promise<Job> {
    if (this.mine.size >= this.limits.queue + RUNNING_ALLOWANCE) throw new QueueFullError(`the job queue is full (${this.mine.size} unfinished); try again later`);
    const data: Data = { input, timeoutMs: this.limits.timeoutMs };
    await checkRoom(this.queue, 1, JSON.stringify(data).length);
    const id = randomUUID();
    // No retry of a failed job (its failure is its answer); a worker that dies mid-job hands it on (stalled).
    const queued = await this.queue.add('job', data, { jobId: id, attempts: 1, removeOnComplete: { count: this.limits.keep }, removeOnFail: { count: this.limits.keep } });
    const job = this.view(queued, 'queued', false);
    this.mine.add(id);
    this.hooks.track.started(job);
    return job;
  }

  async get(id: string): Promise<Job | undefined> {
    if (this.cancelled.has(id)) return this.cancelled.get(id);
    // The state first: a job read before it completes has no return value yet, however its state reads after.
    const state = await this.queue.getJobState(id);
    const queued = await this.queue.getJob(id);
    if (!queued || queued.name !== 'job') return undefined;
    const marked = (await this.connection.exists(cancelKey(id))) > 0;
    return this.view(queued, state, marked);
  }

  async wait(id: string): Promise<Job> {
    for (;;) {
      const job = await this.get(id);
      if (!job) throw new Error(`job ${id} is no longer on the queue`);
      if (job.status !== 'queued' && job.status !== 'running') return job;
      await new Promise((r) => setTimeout(r, WAIT_POLL_MS));
    }
  }

  async cancel(id: string): Promise<Job | undefined> {
    const state = await this.queue.getJobState(id);
    const queued = await this.queue.getJob(id);
    if (!queued || queued.name !== 'job') return this.cancelled.get(id);
    if (state === 'completed' || state === 'failed') return this.view(queued, state, false);
    // A running job stops at its worker's next look at the mark; a waiting one is taken off the queue.
    await markCancelled(this.connection, id);
    if (state !== 'active') {
      const removed = await queued.remove().then(() => true, () => false);
      if (removed) {
        const job = this.view(queued, 'cancelled', true);
        this.cancelled.set(id, job);
        if (this.cancelled.size > this.limits.keep) this.cancelled.delete(this.cancelled.keys().next().value!);
        this.mine.delete(id);
        this.hooks.track.ended(job);
        return job;
      }
    }
    return this.view(queued, 'active', true);
  }

  warm(): void {}

  async close(): Promise<void> {
    await this.events.close();
    await this.queue.close();
    this.listening.disconnect();
    this.connection.disconnect();
  }

  /** A job of ours has ended (or may have, at adoption): save its run once, end its record. */
  private async ended(id: string): Promise<void> {
    if (!this.mine.has(id)) return;
    const queued = await this.queue.getJob(id);
    const state = queued ? await queued.getState() : 'missing';
    if (state !== 'completed' && state !== 'failed' && state !== 'missing') return;
    this.mine.delete(id);
    if (!queued) return this.hooks.track.ended({ id } as Job);
    const job = this.view(queued, state, false);
    if (job.status === 'done' && !(queued.data as Data).run_id) {
      this.hooks.onDone(job);
      // The run's id travels with the job, so any server reports it.
      if (job.run_id) await queued.updateData({ ...(queued.data as Data), run_id: job.run_id }).catch(() => undefined);
    }
    this.hooks.track.ended(job);
  }

  /** The job as the API shows it, from its queue state. */
  private view(queued: QueuedJob, state: string, marked: boolean): Job {
    const data = queued.data as Data;
    const job: Job = { id: queued.id!, status: 'queued', input: data.input, progress: null, warnings: [], created_at: new Date(queued.timestamp).toISOString() };
    if (data.run_id) job.run_id = data.run_id;
    if (state === 'completed') {
      const r = queued.returnvalue as QueuedJobResult;
      return { ...job, status: 'done', result: r.result, warnings: r.warnings, finished_at: new Date(queued.finishedOn ?? Date.now()).toISOString() };
    }
    if (state === 'failed') {
      const error = parseJobError(queued.failedReason) as NonNullable<Job['error']>;
      return { ...job, status: error.kind === 'cancelled' || marked ? 'cancelled' : 'failed', ...(error.kind === 'cancelled' ? {} : { error }), finished_at: new Date(queued.finishedOn ?? Date.now()).toISOString() };
    }
    if (marked || state === 'cancelled') return { ...job, status: 'cancelled', finished_at: new Date().toISOString() };
    if (state === 'active') return { ...job, status: 'running', progress: (typeof queued.progress === 'object' ? queued.progress : null) as Job['progress'] };
    return job;
  }
}

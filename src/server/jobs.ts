/**
 * Jobs: long computations (trade wars, Monte Carlo, scenario runs) on a pool
 * of warm worker threads (job-worker.ts), at most `concurrency` at once, with
 * a queue limit, a time limit and cancellation. A thread serves job after job,
 * so a job pays neither a thread's start nor module loading (about 0.25 s
 * each); a cancelled, timed-out or crashed job's thread is terminated and
 * replaced, so no job's state outlives it. Finished jobs stay readable for a
 * while; a finished scenario run is saved to the store.
 */
import { randomUUID } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../worker.js';
import type { JobInput } from './compute.js';
import type { Location } from '../errors.js';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface Job {
  id: string;
  status: JobStatus;
  input: JobInput;
  progress: { done: number; total: number; label: string } | null;
  result?: unknown;
  error?: { message: string; kind: string; location?: Location };
  warnings: string[];
  created_at: string;
  finished_at?: string;
  /** Id of the saved run, for scenario jobs. */
  run_id?: string;
}

export interface JobLimits {
  concurrency: number;
  queue: number;
  timeoutMs: number;
  keep: number;
}

type WorkerMessage = { id: string; progress?: Job['progress']; result?: unknown; error?: string; kind?: string; location?: Location; warnings?: string[] };

export class QueueFullError extends Error {}

/** What the server asks of its jobs, wherever they run: local threads (JobManager) or the Redis queue (queue-jobs.ts). */
export interface Jobs {
  submit(input: JobInput): Promise<Job>;
  get(id: string): Promise<Job | undefined>;
  /** Resolves when the job has ended (done, failed or cancelled). */
  wait(id: string): Promise<Job>;
  cancel(id: string): Promise<Job | undefined>;
  /** Make ready to serve at once (start threads). */
  warm(): void;
  close(): Promise<void>;
}

/** The local pool behind the server's interface. */
export function localJobs(manager: JobManager): Jobs {
  return {
    submit: async (input) => manager.submit(input),
    get: async (id) => manager.get(id),
    wait: (id) => manager.wait(id),
    cancel: async (id) => manager.cancel(id),
    warm: () => manager.warm(),
    close: () => manager.close(),
  };
}

/** What the server does when a job ends: save a finished scenario run (`run_id` on the job), and the store's record of jobs in progress. */
export interface JobHooks {
  onDone: (job: Job) => void;
  track: { started(job: Job): void; ended(job: Job): void };
}

export class JobManager {
  private readonly jobs = new Map<string, Job>();
  /** The thread running each running job, by job id. */
  private readonly workers = new Map<string, Worker>();
  /** Warm threads waiting for a job; unreferenced, so an idle pool never keeps the process alive. */
  private readonly idle: Worker[] = [];
  private readonly waiting: string[] = [];
  private readonly waiters = new Map<string, (() => void)[]>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Each waiting or running job's time limit, ms (the manager's, unless submit gave one). */
  private readonly limitsMs = new Map<string, number>();
  private running = 0;
  /** Threads started since the manager was made (the pool's reuse shows here). */
  threadsStarted = 0;

  constructor(
    private readonly limits: JobLimits,
    private readonly onDone: (job: Job) => void = () => {},
    /** Told when a job is submitted and when it ends, whatever the outcome (the run store's record of jobs in progress). */
    private readonly track: { started(job: Job): void; ended(job: Job): void } = { started: () => {}, ended: () => {} },
  ) {}

  /** Queue a job; `timeoutMs` replaces the manager's time limit for this one (a queue worker runs jobs of several servers). */
  submit(input: JobInput, timeoutMs = this.limits.timeoutMs): Job {
    if (this.waiting.length >= this.limits.queue) throw new QueueFullError(`the job queue is full (${this.limits.queue} waiting); try again later`);
    const job: Job = { id: randomUUID(), status: 'queued', input, progress: null, warnings: [], created_at: new Date().toISOString() };
    this.jobs.set(job.id, job);
    this.limitsMs.set(job.id, timeoutMs);
    this.track.started(job);
    this.waiting.push(job.id);
    this.pump();
    this.trim();
    return job;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** Resolves when the job has ended (done, failed or cancelled). */
  wait(id: string): Promise<Job> {
    const job = this.jobs.get(id)!;
    if (['done', 'failed', 'cancelled'].includes(job.status)) return Promise.resolve(job);
    return new Promise((resolve) => this.waiters.set(id, [...(this.waiters.get(id) ?? []), () => resolve(this.jobs.get(id)!)]));
  }

  cancel(id: string): Job | undefined {
    const job = this.jobs.get(id);
    if (!job) return undefined;
    if (job.status === 'queued') {
      this.waiting.splice(this.waiting.indexOf(id), 1);
      this.finish(job, 'cancelled');
    } else if (job.status === 'running') {
      this.finish(job, 'cancelled');
    }
    return job;
  }

  /** Start the pool's threads now (a server does, so its first job is as fast as the rest). */
  warm(): void {
    while (this.idle.length + this.workers.size < this.limits.concurrency) this.idle.push(this.spawn());
  }

  /** Stop every worker (server shutdown). */
  async close(): Promise<void> {
    for (const id of [...this.waiting]) this.cancel(id);
    const all = [...this.workers.values(), ...this.idle.splice(0)];
    await Promise.all(all.map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.running < this.limits.concurrency && this.waiting.length) {
      const id = this.waiting.shift()!;
      const job = this.jobs.get(id)!;
      this.start(job);
    }
  }

  private spawn(): Worker {
    const worker = startWorker(import.meta.url, 'job-worker', undefined);
    this.threadsStarted++;
    worker.unref();
    worker.on('message', (m: WorkerMessage) => this.onMessage(m));
    worker.on('error', (e) => this.lost(worker, e.message));
    worker.on('exit', () => this.lost(worker, 'the job stopped unexpectedly'));
    return worker;
  }

  private start(job: Job): void {
    this.running++;
    job.status = 'running';
    const worker = this.idle.pop() ?? this.spawn();
    worker.ref();
    this.workers.set(job.id, worker);
    const limit = this.limitsMs.get(job.id)!;
    this.timers.set(job.id, setTimeout(() => {
      if (job.status !== 'running') return;
      job.error = { message: `the job ran past its time limit of ${limit / 1000} s and was stopped`, kind: 'limit' };
      this.finish(job, 'failed');
    }, limit));
    worker.postMessage({ id: job.id, input: job.input });
  }

  private onMessage(m: WorkerMessage): void {
    const job = this.jobs.get(m.id);
    if (!job || job.status !== 'running') return;
    if (m.progress) job.progress = m.progress;
    if (m.warnings) job.warnings = m.warnings;
    if (m.result !== undefined) {
      job.result = m.result;
      this.finish(job, 'done', true);
    } else if (m.error !== undefined) {
      job.error = { message: m.error, kind: m.kind ?? 'internal', ...(m.location ? { location: m.location } : {}) };
      this.finish(job, 'failed', true);
    }
  }

  /** A thread died or errored: its job (if any) fails, and the pool forgets it. */
  private lost(worker: Worker, message: string): void {
    const idle = this.idle.indexOf(worker);
    if (idle >= 0) this.idle.splice(idle, 1);
    const id = [...this.workers].find(([, w]) => w === worker)?.[0];
    const job = id === undefined ? undefined : this.jobs.get(id);
    if (!job || job.status !== 'running') return;
    job.error = { message, kind: 'internal' };
    this.finish(job, 'failed');
  }

  /** `reusable`: the job's thread ended it by its own answer, so it is still sound and serves the next job. */
  private finish(job: Job, status: JobStatus, reusable = false): void {
    const wasRunning = job.status === 'running';
    job.status = status;
    job.finished_at = new Date().toISOString();
    this.limitsMs.delete(job.id);
    if (wasRunning) {
      this.running--;
      clearTimeout(this.timers.get(job.id));
      this.timers.delete(job.id);
      const worker = this.workers.get(job.id)!;
      this.workers.delete(job.id);
      // A thread stopped mid-job (cancel, time limit, crash) is terminated; the pool starts another when needed.
      if (reusable) {
        worker.unref();
        this.idle.push(worker);
      } else void worker.terminate();
    }
    if (status === 'done') this.onDone(job);
    this.track.ended(job);
    for (const w of this.waiters.get(job.id) ?? []) w();
    this.waiters.delete(job.id);
    this.pump();
  }

  /** Forget the oldest finished jobs beyond the keep limit. */
  private trim(): void {
    const finished = [...this.jobs.values()].filter((j) => j.finished_at).sort((a, b) => (a.finished_at! < b.finished_at! ? -1 : 1));
    for (const j of finished.slice(0, Math.max(0, finished.length - this.limits.keep))) this.jobs.delete(j.id);
  }
}

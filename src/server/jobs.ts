/**
 * Jobs: long computations (trade wars, Monte Carlo, scenario runs) each in a
 * worker thread, at most `concurrency` at once, with a queue limit, a time
 * limit and cancellation (the worker is terminated). Finished jobs stay
 * readable for a while; a finished scenario run is saved to the store.
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

export class QueueFullError extends Error {}

export class JobManager {
  private readonly jobs = new Map<string, Job>();
  private readonly workers = new Map<string, Worker>();
  private readonly waiting: string[] = [];
  private readonly waiters = new Map<string, (() => void)[]>();
  private running = 0;

  constructor(
    private readonly limits: JobLimits,
    private readonly onDone: (job: Job) => void = () => {},
    /** Told when a job is submitted and when it ends, whatever the outcome (the run store's record of jobs in progress). */
    private readonly track: { started(job: Job): void; ended(job: Job): void } = { started: () => {}, ended: () => {} },
  ) {}

  submit(input: JobInput): Job {
    if (this.waiting.length >= this.limits.queue) throw new QueueFullError(`the job queue is full (${this.limits.queue} waiting); try again later`);
    const job: Job = { id: randomUUID(), status: 'queued', input, progress: null, warnings: [], created_at: new Date().toISOString() };
    this.jobs.set(job.id, job);
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
      void this.workers.get(id)?.terminate();
      this.finish(job, 'cancelled');
    }
    return job;
  }

  /** Stop every worker (server shutdown). */
  async close(): Promise<void> {
    for (const id of [...this.waiting]) this.cancel(id);
    await Promise.all([...this.workers.values()].map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.running < this.limits.concurrency && this.waiting.length) {
      const id = this.waiting.shift()!;
      const job = this.jobs.get(id)!;
      this.start(job);
    }
  }

  private start(job: Job): void {
    this.running++;
    job.status = 'running';
    const worker = startWorker(import.meta.url, 'job-worker', job.input);
    this.workers.set(job.id, worker);
    const timer = setTimeout(() => {
      if (job.status !== 'running') return;
      job.error = { message: `the job ran past its time limit of ${this.limits.timeoutMs / 1000} s and was stopped`, kind: 'limit' };
      void worker.terminate();
      this.finish(job, 'failed');
    }, this.limits.timeoutMs);
    worker.on('message', (m: { progress?: Job['progress']; result?: unknown; error?: string; kind?: string; location?: Location; warnings?: string[] }) => {
      if (m.progress) job.progress = m.progress;
      if (m.warnings) job.warnings = m.warnings;
      if (m.result !== undefined) {
        job.result = m.result;
        this.finish(job, 'done');
      } else if (m.error !== undefined) {
        job.error = { message: m.error, kind: m.kind ?? 'internal', ...(m.location ? { location: m.location } : {}) };
        this.finish(job, 'failed');
      }
      if (job.status !== 'running') {
        clearTimeout(timer);
        void worker.terminate();
      }
    });
    worker.on('error', (e) => {
      clearTimeout(timer);
      if (job.status !== 'running') return;
      job.error = { message: e.message, kind: 'internal' };
      this.finish(job, 'failed');
    });
    worker.on('exit', () => {
      clearTimeout(timer);
      if (job.status === 'running') {
        job.error = { message: 'the job stopped unexpectedly', kind: 'internal' };
        this.finish(job, 'failed');
      }
    });
  }

  private finish(job: Job, status: JobStatus): void {
    const wasRunning = job.status === 'running';
    job.status = status;
    job.finished_at = new Date().toISOString();
    if (wasRunning) {
      this.running--;
      this.workers.delete(job.id);
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

/**
 * Saved runs in SQLite (better-sqlite3): the scenario text, the data hash,
 * the seed and the result JSON, with timestamps. WAL mode and synchronous
 * FULL, one transaction per write: a run the API acknowledged survives a
 * killed server whole, and a half-written one is never visible.
 */
import { dirname } from 'node:path';
import { makeOutputDir } from '../report/files.js';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';

export interface RunRecord {
  id: string;
  kind: string;
  name: string;
  spec: string;
  data_hash: string;
  seed: number | null;
  created_at: string;
  finished_at: string;
  result: unknown;
}

export interface RunSummary {
  id: string;
  kind: string;
  name: string;
  data_hash: string;
  seed: number | null;
  created_at: string;
  finished_at: string;
}

export class RunStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    if (file !== ':memory:') makeOutputDir(dirname(file), '--db');
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS runs (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      name TEXT NOT NULL,
      spec TEXT NOT NULL,
      data_hash TEXT NOT NULL,
      seed INTEGER,
      created_at TEXT NOT NULL,
      finished_at TEXT NOT NULL,
      result TEXT NOT NULL
    )`);
    // Jobs in progress, so that a restart can say which ones the server stopped (kill -9, crash).
    this.db.exec(`CREATE TABLE IF NOT EXISTS jobs (
      id TEXT PRIMARY KEY,
      type TEXT NOT NULL,
      status TEXT NOT NULL,
      created_at TEXT NOT NULL
    )`);
  }

  /** A job was submitted: recorded until it ends. */
  jobStarted(id: string, type: string, createdAt: string): void {
    this.db.prepare('INSERT OR REPLACE INTO jobs (id, type, status, created_at) VALUES (?, ?, ?, ?)').run(id, type, 'running', createdAt);
  }

  /** A job ended (done, failed, cancelled): nothing to remember, its result went where results go. */
  jobEnded(id: string): void {
    this.db.prepare('DELETE FROM jobs WHERE id = ?').run(id);
  }

  /** At start-up: every job still recorded as running was stopped with the last server. Returns how many. */
  interruptJobs(): number {
    return this.db.prepare("UPDATE jobs SET status = 'interrupted' WHERE status = 'running'").run().changes;
  }

  /** Jobs recorded as in progress (a server on the queue adopts them again at start-up: they may have run on). */
  jobsInProgress(): { id: string; type: string; created_at: string }[] {
    return this.db.prepare("SELECT id, type, created_at FROM jobs WHERE status = 'running'").all() as { id: string; type: string; created_at: string }[];
  }

  /** A job the last server was running when it stopped, if `id` is one. */
  interruptedJob(id: string): { id: string; type: string; created_at: string } | undefined {
    return this.db.prepare("SELECT id, type, created_at FROM jobs WHERE id = ? AND status = 'interrupted'").get(id) as { id: string; type: string; created_at: string } | undefined;
  }

  /** Save a finished run (one transaction); returns its id. */
  save(r: Omit<RunRecord, 'id'>): string {
    const id = randomUUID();
    const insert = this.db.prepare('INSERT INTO runs (id, kind, name, spec, data_hash, seed, created_at, finished_at, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.db.transaction(() => insert.run(id, r.kind, r.name, r.spec, r.data_hash, r.seed, r.created_at, r.finished_at, JSON.stringify(r.result)))();
    return id;
  }

  list(limit = 100): RunSummary[] {
    return this.db.prepare('SELECT id, kind, name, data_hash, seed, created_at, finished_at FROM runs ORDER BY created_at DESC, id LIMIT ?').all(limit) as RunSummary[];
  }

  get(id: string): RunRecord | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as (Omit<RunRecord, 'result'> & { result: string }) | undefined;
    return row ? { ...row, result: JSON.parse(row.result) } : undefined;
  }

  delete(id: string): boolean {
    return this.db.transaction(() => this.db.prepare('DELETE FROM runs WHERE id = ?').run(id).changes > 0)();
  }

  close(): void {
    this.db.close();
  }
}

/**
 * Monte Carlo over a strategy spec whose numbers may be distributions: draw i
 * resolves them with its own seeded stream (uncertainty.ts), so the same seed
 * gives identical results on any number of workers. Draws, like sweep points,
 * are items of a plan (items.ts) run on a pool of worker threads, one per core,
 * or on the Redis queue; results come back in item order.
 *
 * A small pool of our own rather than a library: it must start workers from
 * TypeScript sources under tsx (tests) and from dist/ (installed) alike
 * (src/worker.ts).
 */
import { availableParallelism } from 'node:os';
import { startWorker } from '../worker.js';
import { InputError } from '../errors.js';
import { warn } from '../warn.js';
import type { ItemPlan } from './items.js';
import type { SpecKind } from './spec.js';
import { percentiles, type Percentiles } from '../strategy/uncertainty.js';

export interface MonteCarloOptions extends ItemRunOptions {
  kind: SpecKind;
  /** The spec with distributions (JSON-serialisable). */
  spec: unknown;
  /** Workers load the data themselves, so a data set name or manifest path. */
  source: { data: string };
  draws: number;
  seed: number;
}

export interface ItemRunOptions {
  workers?: number;
  /** Run the items on the BullMQ queue of this Redis server (run/queue.ts) instead of local threads. */
  redis?: string;
  onProgress?: (done: number, total: number) => void;
  /** Stop the run: local threads end, queued tasks are removed and running ones told to stop. */
  signal?: AbortSignal;
}

export interface ItemsRun {
  /** Per item, in index order: its result, or null when it failed. */
  results: unknown[];
  failures: { index: number; error: string }[];
}

export interface MonteCarloRun extends ItemsRun {
  draws: number;
  seed: number;
}

const MAX_DRAWS = 100000;

export async function monteCarlo(o: MonteCarloOptions): Promise<MonteCarloRun> {
  if (!Number.isInteger(o.draws) || o.draws < 1 || o.draws > MAX_DRAWS) throw new InputError(`draws must be a whole number in [1, ${MAX_DRAWS}], found ${o.draws}`);
  if (!Number.isInteger(o.seed)) throw new InputError(`seed must be a whole number, found ${o.seed}`);
  const run = await runItems({ kind: o.kind, spec: o.spec, data: o.source.data, seed: o.seed }, o.draws, o);
  return { draws: o.draws, seed: o.seed, ...run };
}

/** Items 0..count-1 of a plan, on local threads or (with `redis`) on the queue. */
export async function runItems(plan: ItemPlan, count: number, o: ItemRunOptions): Promise<ItemsRun> {
  // The queue's code (BullMQ, Redis) loads only when asked for.
  if (o.redis) return (await import('./queue.js')).runItemsOnQueue(plan, count, { ...o, redis: o.redis });
  const size = Math.max(1, Math.min(o.workers ?? availableParallelism(), count));
  const results: unknown[] = new Array(count).fill(null);
  const failures: { index: number; error: string }[] = [];
  const warnings = new Set<string>();
  let next = 0;
  let done = 0;
  await new Promise<void>((resolve, reject) => {
    let finished = 0;
    const threads = Array.from({ length: size }, () => startWorker(import.meta.url, 'item-worker', plan));
    o.signal?.addEventListener('abort', () => {
      threads.forEach((t) => void t.terminate());
      reject(new InputError('the run was cancelled'));
    });
    for (const worker of threads) {
      const feed = () => worker.postMessage(next < count ? next++ : null);
      worker.on('message', (m: { index?: number; result?: unknown; error?: string; warnings?: string[] }) => {
        if (m.warnings) {
          m.warnings.forEach((x) => warnings.add(x));
          void worker.terminate();
          if (++finished === size) resolve();
          return;
        }
        if (m.error !== undefined) failures.push({ index: m.index!, error: m.error });
        else results[m.index!] = m.result;
        o.onProgress?.(++done, count);
        feed();
      });
      worker.on('error', reject);
      feed();
    }
  });
  warnings.forEach((m) => warn(m));
  failures.sort((a, b) => a.index - b.index);
  return { results, failures };
}

/** Identifying keys that turn an array element into a path segment. */
const ID_KEYS = ['importer', 'exporter', 'sector', 'name', 'code', 'player'];

/** Flatten a result to numeric leaves keyed by path ("gains.USA", "tariffs[USA>JPN>ALL].rate"). */
export function flattenNumbers(value: unknown, prefix = '', out: Map<string, number> = new Map()): Map<string, number> {
  if (typeof value === 'number') out.set(prefix, value);
  else if (Array.isArray(value)) {
    value.forEach((v, k) => {
      const id = typeof v === 'object' && v !== null && !Array.isArray(v) ? ID_KEYS.filter((key) => typeof (v as Record<string, unknown>)[key] === 'string').map((key) => (v as Record<string, string>)[key]).join('>') : '';
      flattenNumbers(v, `${prefix}[${id || k}]`, out);
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) flattenNumbers(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

/** Percentiles of every numeric output across the successful draws. */
export function summariseDraws(results: readonly unknown[]): Map<string, Percentiles> {
  const columns = new Map<string, number[]>();
  for (const r of results) {
    if (r === null) continue;
    for (const [k, v] of flattenNumbers(r)) {
      if (!columns.has(k)) columns.set(k, []);
      columns.get(k)!.push(v);
    }
  }
  return new Map([...columns].map(([k, v]) => [k, percentiles(v)]));
}

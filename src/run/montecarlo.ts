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
import { InputError, type ErrorRecord } from '../errors.js';
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
  /** Stop a run on the queue: its queued tasks are removed and running ones told to stop (a local run ends with its process). */
  signal?: AbortSignal;
}

export interface ItemsRun {
  /** Failed items, in index order (a negotiation part's with its error as it was). */
  failures: { index: number; error: string; record?: ErrorRecord }[];
}

export interface MonteCarloRun extends ItemsRun {
  draws: number;
  seed: number;
  /** Percentiles of every numeric output across the successful draws. */
  percentiles: Map<string, Percentiles>;
}

const MAX_DRAWS = 100000;

export async function monteCarlo(o: MonteCarloOptions): Promise<MonteCarloRun> {
  if (!Number.isInteger(o.draws) || o.draws < 1 || o.draws > MAX_DRAWS) throw new InputError(`draws must be a whole number in [1, ${MAX_DRAWS}], found ${o.draws}`);
  if (!Number.isInteger(o.seed)) throw new InputError(`seed must be a whole number, found ${o.seed}`);
  // Each draw's numbers go into columns as it arrives and its result is dropped: memory stays flat in the draws.
  const columns = new DrawColumns(o.draws);
  const run = await runItems({ kind: o.kind, spec: o.spec, data: o.source.data, seed: o.seed }, o.draws, o, (index, result) => columns.add(index, result));
  return { draws: o.draws, seed: o.seed, failures: run.failures, percentiles: columns.percentiles() };
}

/** Told each successful item's result as it arrives, in any order. */
export type ItemSink = (index: number, result: unknown) => void;

/** Items 0..count-1 of a plan, on local threads or (with `redis`) on the queue; each result goes to `sink`. */
export async function runItems(plan: ItemPlan, count: number, o: ItemRunOptions, sink: ItemSink): Promise<ItemsRun> {
  // The queue's code (BullMQ, Redis) loads only when asked for.
  if (o.redis) return (await import('./queue.js')).runItemsOnQueue(plan, count, { ...o, redis: o.redis }, sink);
  const size = Math.max(1, Math.min(o.workers ?? availableParallelism(), count));
  const failures: ItemsRun['failures'] = [];
  const warnings = new Set<string>();
  let next = 0;
  let done = 0;
  await new Promise<void>((resolve, reject) => {
    let finished = 0;
    for (let w = 0; w < size; w++) {
      const worker = startWorker(import.meta.url, 'item-worker', plan);
      const feed = () => worker.postMessage(next < count ? next++ : null);
      worker.on('message', (m: { index?: number; result?: unknown; error?: string; record?: ErrorRecord; warnings?: string[] }) => {
        if (m.warnings) {
          m.warnings.forEach((x) => warnings.add(x));
          void worker.terminate();
          if (++finished === size) resolve();
          return;
        }
        if (m.error !== undefined) failures.push({ index: m.index!, error: m.error, ...(m.record ? { record: m.record } : {}) });
        else sink(m.index!, m.result);
        o.onProgress?.(++done, count);
        feed();
      });
      worker.on('error', reject);
      feed();
    }
  });
  warnings.forEach((m) => warn(m));
  failures.sort((a, b) => a.index - b.index);
  return { failures };
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

/**
 * Draw outputs as columns, one Float64Array per numeric output path (NaN where a draw failed or lacked it).
 * Outputs keep the order in which the draws, taken in index order, first show them, whatever order they arrive in,
 * so the summary's bytes do not depend on the number or speed of workers.
 */
export class DrawColumns {
  private readonly columns = new Map<string, Float64Array>();
  /** Per output: the first draw that has it, and its place among that draw's outputs. */
  private readonly first = new Map<string, [number, number]>();

  constructor(private readonly count: number) {}

  add(index: number, result: unknown): void {
    let place = 0;
    for (const [k, v] of flattenNumbers(result)) {
      let column = this.columns.get(k);
      if (!column) {
        column = new Float64Array(this.count).fill(NaN);
        this.columns.set(k, column);
      }
      column[index] = v;
      const seen = this.first.get(k);
      if (!seen || index < seen[0]) this.first.set(k, [index, place]);
      place++;
    }
  }

  percentiles(): Map<string, Percentiles> {
    const order = [...this.first].sort(([, a], [, b]) => a[0] - b[0] || a[1] - b[1]).map(([k]) => k);
    return new Map(order.map((k) => [k, percentiles(Array.from(this.columns.get(k)!))]));
  }
}

/**
 * The one pipeline every shell runs a strategy spec through: the central
 * result (each distribution at its centre), then, when asked and when some
 * input is uncertain, Monte Carlo draws continuing from the central solution,
 * summarised as percentiles. CLI, API jobs, scenarios and the bench all call it.
 */
import { errorFromRecord, InputError } from '../errors.js';
import { hasUncertainty, resolveUncertain } from '../strategy/uncertainty.js';
import { availableParallelism } from 'node:os';
import { specContext, type WorldSource } from './context.js';
import { monteCarlo, runItems } from './montecarlo.js';
import type { StrategyResults, UncertaintySummary } from './results.js';
import { runNegotiationPart, runNegotiationWith, runSpec, withWarmStart, type PartResult } from './runners.js';
import type { NegotiateSpec, Resolved, SpecKind } from './spec.js';

export interface StrategyRunOptions {
  /** Monte Carlo draws and seed; absent or 0 draws: the central result only. */
  monteCarlo?: { draws: number; seed: number };
  /** Negotiation levers valued at the centre only (coalition levers: a multilateral bargain each, too costly per draw). */
  centralOnlyLevers?: readonly string[];
  onProgress?: (done: number, total: number) => void;
  /** Run the draws on the queue of this Redis server (`parley worker --redis URL` processes drain it). */
  redis?: string;
  /** Cancels draws on the queue (queued tasks are removed, running ones stopped). */
  signal?: AbortSignal;
  /** Local threads for the draws and a negotiation's parts (default: one per core). */
  workers?: number;
  /** A negotiation's parts go to threads once its deal took this long (default PARTS_ON_THREADS_MIN_DEAL_MS; 0: always). */
  threadsAfterMs?: number;
}

/**
 * A negotiation's parts (frontier, levers, patience points) run on threads once its deal took this long: each thread
 * opens the data set and sets the bargain up again, which a one-sector deal of a few hundred milliseconds does not repay.
 */
const PARTS_ON_THREADS_MIN_DEAL_MS = 1000;

export interface StrategyRun<K extends SpecKind> {
  central: StrategyResults[K];
  /** Present when Monte Carlo ran. */
  uncertainty?: UncertaintySummary;
  /** Why no Monte Carlo ran although draws were asked for. */
  skipped?: 'nothing uncertain';
}

export async function runStrategy<K extends SpecKind>(kind: K, spec: Record<string, unknown>, source: WorldSource, o: StrategyRunOptions = {}): Promise<StrategyRun<K>> {
  const central = kind === 'negotiate' && 'data' in source ? ((await centralNegotiation(resolveUncertain(spec, 'central') as Resolved<NegotiateSpec>, source, o)) as StrategyResults[K]) : runSpec(kind, resolveUncertain(spec, 'central'), source);
  const mc = o.monteCarlo;
  if (!mc || mc.draws === 0) return { central };
  if (!hasUncertainty(spec)) return { central, skipped: 'nothing uncertain' };
  if (!('data' in source)) throw new InputError('Monte Carlo needs a data set (--data NAME_OR_DIR): workers load it themselves');
  // Draws continue from the central solution; the frontier and the patience sweep stay central-only.
  const mcSpec =
    kind === 'negotiate'
      ? withWarmStart({ ...spec, frontier: 0, sweep: false, ...(o.centralOnlyLevers?.length ? { levers: ((spec.levers as string[] | undefined) ?? []).filter((l) => !o.centralOnlyLevers!.includes(l)) } : {}) }, central)
      : spec;
  const run = await monteCarlo({ kind, spec: mcSpec, source, draws: mc.draws, seed: mc.seed, onProgress: o.onProgress, redis: o.redis, signal: o.signal, workers: o.workers });
  if (run.failures.length === run.draws) throw new InputError(`every Monte Carlo draw failed; the first: ${run.failures[0].error}`);
  return { central, uncertainty: { draws: run.draws, seed: run.seed, failures: run.failures, percentiles: Object.fromEntries(run.percentiles) } };
}

/**
 * The central negotiation: the deal on this thread, then its parts (runners.ts negotiationParts) on local threads when
 * the deal was slow enough for them to pay; results in the parts' order, the same numbers as on one thread.
 */
async function centralNegotiation(spec: Resolved<NegotiateSpec>, source: { data: string }, o: StrategyRunOptions) {
  const ctx = specContext(source, spec);
  return runNegotiationWith(spec, ctx, async (parts, options, deal, dealMs) => {
    const workers = Math.min(o.workers ?? availableParallelism(), parts.length);
    if (workers < 2 || dealMs < (o.threadsAfterMs ?? PARTS_ON_THREADS_MIN_DEAL_MS)) return parts.map((part) => runNegotiationPart(spec, ctx, options, part, deal));
    const results = new Array<PartResult>(parts.length);
    const plan = { kind: 'negotiate' as const, spec, data: source.data, seed: 0, parts: { list: parts, x: deal.x, hessians: [...deal.hessians] } };
    const run = await runItems(plan, parts.length, { workers }, (index, result) => (results[index] = result as PartResult));
    const failed = run.failures[0];
    if (failed) throw failed.record ? errorFromRecord(failed.record) : new Error(failed.error);
    return results;
  });
}

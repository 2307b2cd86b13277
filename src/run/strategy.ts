/**
 * The one pipeline every shell runs a strategy spec through: the central
 * result (each distribution at its centre), then, when asked and when some
 * input is uncertain, Monte Carlo draws continuing from the central solution,
 * summarised as percentiles. CLI, API jobs, scenarios and the bench all call it.
 */
import { InputError } from '../errors.js';
import { hasUncertainty, resolveUncertain } from '../strategy/uncertainty.js';
import type { WorldSource } from './context.js';
import { monteCarlo } from './montecarlo.js';
import type { StrategyResults, UncertaintySummary } from './results.js';
import { runSpec, withWarmStart } from './runners.js';
import type { SpecKind } from './spec.js';

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
}

export interface StrategyRun<K extends SpecKind> {
  central: StrategyResults[K];
  /** Present when Monte Carlo ran. */
  uncertainty?: UncertaintySummary;
  /** Why no Monte Carlo ran although draws were asked for. */
  skipped?: 'nothing uncertain';
}

export async function runStrategy<K extends SpecKind>(kind: K, spec: Record<string, unknown>, source: WorldSource, o: StrategyRunOptions = {}): Promise<StrategyRun<K>> {
  const central = runSpec(kind, resolveUncertain(spec, 'central'), source);
  const mc = o.monteCarlo;
  if (!mc || mc.draws === 0) return { central };
  if (!hasUncertainty(spec)) return { central, skipped: 'nothing uncertain' };
  if (!('data' in source)) throw new InputError('Monte Carlo needs a data set (--data NAME_OR_DIR): workers load it themselves');
  // Draws continue from the central solution; the frontier and the patience sweep stay central-only.
  const mcSpec =
    kind === 'negotiate'
      ? withWarmStart({ ...spec, frontier: 0, sweep: false, ...(o.centralOnlyLevers?.length ? { levers: ((spec.levers as string[] | undefined) ?? []).filter((l) => !o.centralOnlyLevers!.includes(l)) } : {}) }, central)
      : spec;
  const run = await monteCarlo({ kind, spec: mcSpec, source, draws: mc.draws, seed: mc.seed, onProgress: o.onProgress, redis: o.redis, signal: o.signal });
  if (run.failures.length === run.draws) throw new InputError(`every Monte Carlo draw failed; the first: ${run.failures[0].error}`);
  return { central, uncertainty: { draws: run.draws, seed: run.seed, failures: run.failures, percentiles: Object.fromEntries(run.percentiles) } };
}

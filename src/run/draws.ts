/**
 * One task model for everything Monte Carlo runs: draw i of a spec is a pure function of (data set, spec, seed, i),
 * so it gives the same result in a worker thread, another process or another machine. A batch task names its
 * data set by name and content hash; a worker that cannot match the hash refuses the task (it never computes on
 * other numbers).
 */
import { openDataset } from '../data/manifest.js';
import { InputError } from '../errors.js';
import { drawRandom, resolveUncertain } from '../strategy/uncertainty.js';
import { runSpec } from './runners.js';
import type { SpecKind } from './spec.js';

export interface DrawBatch {
  kind: SpecKind;
  /** The spec with its distributions (JSON). */
  spec: unknown;
  /** Built-in data set name or manifest path, as the worker can open it... */
  data: string;
  /** ...and the content hash it must have (data/manifest.ts hashManifest). */
  dataHash: string;
  seed: number;
  /** Draws [from, to). */
  from: number;
  to: number;
}

export type DrawOutcome = { index: number; result: unknown } | { index: number; error: string };

/** Draw `index`: the spec with that draw's own stream, run; an unconverged draw is a failed draw. */
export function runDraw(kind: SpecKind, spec: unknown, source: { data: string }, seed: number, index: number): DrawOutcome {
  try {
    const result = runSpec(kind, resolveUncertain(spec, drawRandom(seed, index)), source);
    // An unconverged draw is a failed draw: its numbers must not enter the bands.
    if ((result as { converged?: boolean }).converged === false) throw new Error('the draw did not converge');
    return { index, result };
  } catch (e) {
    return { index, error: (e as Error).message };
  }
}

/** Refuse a task whose data set here is not the one the run used (same name, other numbers). */
export function checkDataHash(task: Pick<DrawBatch, 'data' | 'dataHash'>): void {
  const { hash } = openDataset(task.data);
  if (hash !== task.dataHash) throw new InputError(`data set ${task.data} here has content hash ${hash.slice(0, 12)}, the run used ${task.dataHash.slice(0, 12)}: refusing to compute on other numbers`);
}

/**
 * A Monte Carlo worker: receives draw indices one at a time, resolves the
 * spec's distributions with that draw's own PRNG stream, runs the spec and
 * posts the result (or the error) back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setWarningSink } from '../warn.js';
import type { WorldSource } from './context.js';
import { runSpec } from './runners.js';
import type { SpecKind } from './spec.js';
import { drawRandom, resolveUncertain } from '../strategy/uncertainty.js';

interface Job {
  kind: SpecKind;
  spec: unknown;
  source: WorldSource;
  seed: number;
}

const job = workerData as Job;
// Warnings repeat in every draw; the main thread reports them once.
const warnings = new Set<string>();
setWarningSink((m) => warnings.add(m));

parentPort!.on('message', (index: number | null) => {
  if (index === null) {
    parentPort!.postMessage({ warnings: [...warnings] });
    return;
  }
  try {
    const spec = resolveUncertain(job.spec, drawRandom(job.seed, index));
    const result = runSpec(job.kind, spec, job.source);
    // An unconverged draw is a failed draw: its numbers must not enter the bands.
    if ((result as { converged?: boolean }).converged === false) throw new Error('the draw did not converge');
    parentPort!.postMessage({ index, result });
  } catch (e) {
    parentPort!.postMessage({ index, error: (e as Error).message });
  }
});

/**
 * A Monte Carlo worker: receives draw indices one at a time, resolves the
 * spec's distributions with that draw's own PRNG stream, runs the spec and
 * posts the result (or the error) back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setWarningSink } from '../warn.js';
import type { WorldSource } from './context.js';
import { runDraw } from './draws.js';
import type { SpecKind } from './spec.js';

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
  parentPort!.postMessage(runDraw(job.kind, job.spec, job.source as { data: string }, job.seed, index));
});

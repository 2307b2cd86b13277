/**
 * One server job in its own thread, so the server keeps answering while it
 * computes: a strategy spec, a scenario run or a counterfactual. Posts
 * progress, then the result or an error with its kind (input, convergence,
 * internal).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ConvergenceError, InputError } from '../errors.js';
import { setWarningSink } from '../warn.js';
import { runJob, type JobInput } from './compute.js';

const warnings: string[] = [];
setWarningSink((m) => warnings.push(m));

const input = workerData as JobInput;
runJob(input, (done, total, label) => parentPort!.postMessage({ progress: { done, total, label } }))
  .then((result) => parentPort!.postMessage({ result, warnings }))
  .catch((e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    const kind = err instanceof InputError ? 'input' : err instanceof ConvergenceError ? 'convergence' : 'internal';
    parentPort!.postMessage({ error: err.message, kind, ...(err instanceof InputError ? { location: err.location } : {}), warnings });
  });

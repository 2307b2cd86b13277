/**
 * A warm job thread: it stays up between jobs (JobManager keeps a pool of
 * them), so a job pays neither a thread's start nor its module loading. Each
 * message `{ id, input }` runs one job (a strategy spec, a scenario run, a
 * counterfactual); the thread posts progress, then the result or an error with
 * its kind (input, convergence, internal), each tagged with the job's id. One
 * job at a time: the warnings collected are that job's alone.
 */
import { parentPort } from 'node:worker_threads';
import { errorRecord } from '../errors.js';
import { setWarningSink } from '../warn.js';
import { runJob, type JobInput } from './compute.js';

let warnings: string[] = [];
setWarningSink((m) => warnings.push(m));

parentPort!.on('message', ({ id, input }: { id: string; input: JobInput }) => {
  warnings = [];
  runJob(input, (done, total, label) => parentPort!.postMessage({ id, progress: { done, total, label } }))
    .then((result) => parentPort!.postMessage({ id, result, warnings }))
    .catch((e: unknown) => {
      const { message, kind, location } = errorRecord(e);
      parentPort!.postMessage({ id, error: message, kind, ...(location ? { location } : {}), warnings });
    });
});

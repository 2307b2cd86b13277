/**
 * Start a worker thread on a module next to the caller, from TypeScript
 * sources (tests, tsx) and from dist/ alike. From sources, tsx's loader is
 * registered in the worker first, then the .ts entry imported through it:
 * `--import tsx` in execArgv does not reach workers on Node 20 (tsx issue #354).
 */
import { Worker } from 'node:worker_threads';

export function startWorker(callerUrl: string, baseName: string, workerData: unknown): Worker {
  const fromSource = callerUrl.endsWith('.ts');
  const url = new URL(`./${baseName}${fromSource ? '.ts' : '.js'}`, callerUrl);
  if (!fromSource) return new Worker(url, { workerData });
  const boot = `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}

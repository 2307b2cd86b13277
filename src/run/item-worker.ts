/**
 * A local pool thread: receives item indices one at a time (Monte Carlo draws or sweep points of the plan in
 * workerData), runs each and posts its outcome back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setWarningSink } from '../warn.js';
import { runItem, type ItemPlan } from './items.js';

const plan = workerData as ItemPlan;
// Warnings repeat in every item; the main thread reports them once.
const warnings = new Set<string>();
setWarningSink((m) => warnings.add(m));

parentPort!.on('message', (index: number | null) => {
  if (index === null) {
    parentPort!.postMessage({ warnings: [...warnings] });
    return;
  }
  parentPort!.postMessage(runItem(plan, index));
});

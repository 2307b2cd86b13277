/**
 * A local thread running one branch of a scenario (run.ts, branchesOnThreads): it loads the scenario from its file or
 * text, answers every question but the calibrations (the main thread answers those, once per set of announced
 * tariffs), and posts its progress, then its result or its error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorRecord, type ErrorRecord } from '../errors.js';
import { setWarningSink } from '../warn.js';
import { loadScenario, loadScenarioText } from './load.js';
import { runScenario } from './run.js';

export interface BranchTask {
  /** The scenario's file, or its text (as given to the API). */
  file?: string;
  text?: string;
  branch: string;
  draws?: number;
}

export type BranchMessage =
  | { progress: { label: string; done: number; total: number } }
  | { result: unknown; warnings: string[] }
  | { error: ErrorRecord; warnings: string[] };

const task = workerData as BranchTask;
const warnings = new Set<string>();
setWarningSink((m) => warnings.add(m));
const post = (m: BranchMessage) => parentPort!.postMessage(m);

try {
  const ls = task.text !== undefined ? loadScenarioText(task.text, 'scenario') : loadScenario(task.file!);
  const result = await runScenario(ls, { branch: task.branch, draws: task.draws, calibrationsElsewhere: true, onProgress: (label, done, total) => post({ progress: { label, done, total } }) });
  post({ result, warnings: [...warnings] });
} catch (e) {
  post({ error: errorRecord(e), warnings: [...warnings] });
}

/**
 * A local thread running one branch of a scenario (run.ts, branchesOnThreads): it loads the scenario from its file or
 * text, answers every question but the calibrations (the main thread answers those, once per set of announced
 * tariffs, and sends the ones an actor's objective_from needs when the thread asks), and posts its progress, then its
 * result or its error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorFromRecord, errorRecord, type ErrorRecord } from '../errors.js';
import type { CalibrationResult } from '../run/calibrate.js';
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

/** What the thread posts: progress, a calibration it needs for an actor's objective, and its answer. */
export type BranchMessage =
  | { progress: { label: string; done: number; total: number } }
  | { calibrate: { question: string; request: number } }
  | { result: unknown; warnings: string[] }
  | { error: ErrorRecord; warnings: string[] };

/** The main thread's answer to a `calibrate` request. */
export interface CalibrationAnswer {
  calibration: { request: number; result?: CalibrationResult; error?: ErrorRecord };
}

const task = workerData as BranchTask;
const warnings = new Set<string>();
setWarningSink((m) => warnings.add(m));
const post = (m: BranchMessage) => parentPort!.postMessage(m);

// Calibrations come from the main thread, which computes each once for every branch that announced the same tariffs.
const waiting = new Map<number, { resolve: (c: CalibrationResult) => void; reject: (e: Error) => void }>();
parentPort!.on('message', (m: CalibrationAnswer) => {
  const w = waiting.get(m.calibration.request);
  if (!w) return;
  waiting.delete(m.calibration.request);
  if (m.calibration.error) w.reject(errorFromRecord(m.calibration.error));
  else w.resolve(m.calibration.result!);
});
let requests = 0;
const askCalibration = (question: string) =>
  new Promise<CalibrationResult>((resolve, reject) => {
    const request = ++requests;
    waiting.set(request, { resolve, reject });
    post({ calibrate: { question, request } });
  });

try {
  const ls = task.text !== undefined ? loadScenarioText(task.text, 'scenario') : loadScenario(task.file!);
  const result = await runScenario(ls, { branch: task.branch, draws: task.draws, calibrationsElsewhere: true, askCalibration, onProgress: (label, done, total) => post({ progress: { label, done, total } }) });
  post({ result, warnings: [...warnings] });
} catch (e) {
  post({ error: errorRecord(e), warnings: [...warnings] });
}

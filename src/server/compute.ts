/**
 * What a server job computes, by type. The same library functions as the
 * CLI: strategy specs, scenario runs, counterfactuals from a date's tariffs.
 */
import { openDataset } from '../data/manifest.js';
import { withElasticitySet } from '../data/elasticity-sets.js';
import { economyIndex, type World } from '../data/world.js';
import { solveOrThrow, type Deficits } from '../model/equilibrium.js';
import { shockFromRows, type ShockRow } from '../model/shock.js';
import { counterfactualReport, type CounterfactualReport } from '../report/counterfactual.js';
import { worldOnDate } from '../run/dated.js';
import { openScheduledDataset } from '../schedule/open.js';
import type { Schedule } from '../schedule/schedule.js';
import { DEFAULT_SCENARIO, loadScenario, loadScenarioText } from '../scenario/load.js';
import { runScenario } from '../scenario/run.js';
import { attachUncertainty } from '../run/bands.js';
import { runTask, type ItemTask } from '../run/items.js';
import { runSweep, type SweepPlan } from '../run/sweep.js';
import type { SpecKind } from '../run/spec.js';
import { runStrategy } from '../run/strategy.js';
import { LIBERATION_DAY_SCENARIOS, loadIlmsInputs, replicateLiberationDay, type LiberationDayScenario } from '../replicate/liberation-day.js';
import { liberationDayJson } from '../report/liberation-day.js';

export type JobInput =
  | { type: 'strategy'; kind: SpecKind; spec: Record<string, unknown>; data: string }
  | { type: 'scenario'; name?: string; text?: string; branch?: string; draws?: number; save?: boolean }
  | { type: 'counterfactual'; data: string; at?: string; shock: ShockRow[]; deficits: Deficits; elasticities?: string; sectorsOf?: string[] }
  | { type: 'liberation-day'; only?: LiberationDayScenario[]; eps?: number; kappa?: number; beta?: number }
  | { type: 'sweep'; kind: SpecKind; spec: Record<string, unknown>; data: string; plan: SweepPlan; outputs?: string[] }
  /** A range of Monte Carlo draws or sweep points, taken from the queue by a worker (run/items.ts). */
  | { type: 'items'; task: ItemTask };

type Progress = (done: number, total: number, label: string) => void;

/**
 * A counterfactual on a world already loaded (the server answers small ones inline from its data-set
 * cache; jobs load theirs): from the world on `at` if given, with a named elasticity set if asked.
 */
export function counterfactualAnswer(input: Extract<JobInput, { type: 'counterfactual' }>, base: World, schedule: Schedule | undefined): CounterfactualReport {
  // The world on that date: the baseline solved forward under its tariffs (run/dated.ts).
  const dated = schedule && input.at ? worldOnDate(base, schedule, input.at, { deficits: input.deficits }) : base;
  const world = input.elasticities ? withElasticitySet(dated, input.elasticities, 'elasticities') : dated;
  for (const c of input.sectorsOf ?? []) economyIndex(world, c, 'sectors_of');
  const shock = shockFromRows(world, input.shock, (k, column) => ({ file: 'request body', column: `shock.${k}${column ? `.${column}` : ''}` }));
  return counterfactualReport(solveOrThrow(world, shock, { deficits: input.deficits }), { sectorsOf: input.sectorsOf });
}

export async function runJob(input: JobInput, progress: Progress): Promise<unknown> {
  switch (input.type) {
    case 'strategy': {
      const monteCarlo = input.spec.monte_carlo as { draws: number; seed: number } | undefined;
      const run = await runStrategy(input.kind, input.spec, { data: input.data }, { monteCarlo, onProgress: (d, t) => progress(d, t, 'Monte Carlo') });
      return attachUncertainty(run.central, run.uncertainty);
    }
    case 'scenario': {
      const ls = input.text !== undefined ? loadScenarioText(input.text, 'scenario') : loadScenario(input.name ?? DEFAULT_SCENARIO);
      return runScenario(ls, { branch: input.branch, draws: input.draws, onProgress: (label, d, t) => progress(d, t, label) });
    }
    case 'counterfactual': {
      const opened = input.at ? openScheduledDataset(input.data) : undefined;
      return counterfactualAnswer(input, opened?.world ?? openDataset(input.data).world, opened?.schedule);
    }
    case 'liberation-day': {
      const overrides = Object.fromEntries((['eps', 'kappa', 'beta'] as const).filter((k) => input[k] !== undefined).map((k) => [k, input[k]]));
      return liberationDayJson(replicateLiberationDay(loadIlmsInputs(), input.only ?? LIBERATION_DAY_SCENARIOS, overrides));
    }
    case 'sweep':
      return runSweep(input.kind, input.spec, input.data, input.plan, { outputs: input.outputs, onProgress: (d, t) => progress(d, t, 'sweep') });
    case 'items':
      return runTask(input.task, (done) => progress(done, input.task.to - input.task.from, 'items'));
  }
}

/** `parley run [SCENARIO] [--branch NAME] [--draws N] [--json] [--out DIR]`: a scenario, its branches and report. */
import { makeOutputDir } from '../report/files.js';
import { scenarioMarkdown, writeScenarioOutputs } from '../report/scenario.js';
import { DEFAULT_SCENARIO, loadScenario } from '../scenario/load.js';
import { runScenario } from '../scenario/run.js';
import { cancelOnInterrupt, parseCount, printJson } from './common.js';
import { progressBar } from './progress.js';

export async function runCommand(scenario: string | undefined, o: { branch?: string; draws?: string; json?: boolean; out?: string; redis?: string }): Promise<void> {
  const draws = o.draws === undefined ? undefined : parseCount(o.draws, '--draws');
  // The output folder is checked (and made) before the run, not after a minute of computing.
  if (o.out) makeOutputDir(o.out, '--out');
  const ls = loadScenario(scenario ?? DEFAULT_SCENARIO);
  const bar = progressBar(`${ls.scenario.scenario}`);
  const result = await runScenario(ls, {
    branch: o.branch,
    draws,
    redis: o.redis,
    signal: cancelOnInterrupt(!!o.redis),
    onProgress: (_label, done, total) => bar.update(done, total),
  });
  bar.end();
  if (o.out) {
    const files = await writeScenarioOutputs(o.out, result);
    if (!o.json) process.stderr.write(`wrote ${files.join(', ')}\n`);
  }
  if (o.json) return printJson(result);
  process.stdout.write(scenarioMarkdown(result));
}

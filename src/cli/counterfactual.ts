/** `parley counterfactual`: solve one counterfactual and print, write or emit JSON. */
import { solveOrThrow } from '../model/equilibrium.js';
import { economyResults } from '../model/results.js';
import { readShockCsv } from '../model/shock.js';
import { convergenceLine, counterfactualReport, economyTable, writeCounterfactualCsv } from '../report/counterfactual.js';
import { parseCount, parseDeficits, printJson, worldFromFlags, type WorldFlags } from './common.js';

export interface CounterfactualFlags extends WorldFlags {
  shock: string;
  deficits?: string;
  maxIterations?: string;
  json?: boolean;
  out?: string;
}

export async function counterfactualCommand(o: CounterfactualFlags): Promise<void> {
  // Flags are checked before any data is loaded.
  const maxIterations = o.maxIterations === undefined ? undefined : parseCount(o.maxIterations, '--max-iterations');
  const deficits = parseDeficits(o.deficits);
  const world = await worldFromFlags(o);
  const shock = readShockCsv(o.shock, world);
  // Never present an unconverged point as a result: solveOrThrow raises ConvergenceError (exit 3).
  const eq = solveOrThrow(world, shock, { deficits, maxIterations });
  const report = counterfactualReport(eq);
  if (o.out) {
    const files = writeCounterfactualCsv(report, o.out);
    if (!o.json) process.stdout.write(`wrote ${files.join(', ')}\n`);
  }
  if (o.json) {
    printJson(report);
    return;
  }
  process.stdout.write(`${world.meta.name}: ${world.N} economies x ${world.S} sectors, values in ${world.meta.currency}\n\n`);
  process.stdout.write(`${economyTable(economyResults(eq))}\n\n${convergenceLine(eq)}\n`);
}

/** `parley counterfactual`: solve one counterfactual and print, write or emit JSON. */
import { solveOrThrow } from '../model/equilibrium.js';
import { economyResults } from '../model/results.js';
import { readShockCsv } from '../model/shock.js';
import { makeOutputDir } from '../report/files.js';
import { BALANCED_TRADE_NOTE } from '../report/format.js';
import { convergenceLine, counterfactualReport, economyTable, ioEconomyTable, sectorTable, writeCounterfactualCsv } from '../report/counterfactual.js';
import { InputError } from '../errors.js';
import { economyIndex } from '../data/world.js';
import { parseCount, parseDeficits, printJson, worldFromFlags, type WorldFlags } from './common.js';

export interface CounterfactualFlags extends WorldFlags {
  shock: string;
  deficits?: string;
  maxIterations?: string;
  json?: boolean;
  out?: string;
  sectorsOf?: string;
}

export async function counterfactualCommand(o: CounterfactualFlags): Promise<void> {
  // Flags are checked before any data is loaded.
  const maxIterations = o.maxIterations === undefined ? undefined : parseCount(o.maxIterations, '--max-iterations');
  const deficits = parseDeficits(o.deficits);
  if (o.out) makeOutputDir(o.out, '--out');
  const sectorsOf = o.sectorsOf === undefined ? undefined : o.sectorsOf.split(',').map((c) => c.trim()).filter(Boolean);
  if (sectorsOf && !sectorsOf.length) throw new InputError('--sectors-of: give economy codes, e.g. USA,JPN');
  const world = await worldFromFlags(o);
  if (sectorsOf && !world.io) throw new InputError(`--sectors-of: data set ${world.meta.name} has no input-output structure, so no sector results (try --data icio-2022)`);
  for (const c of sectorsOf ?? []) economyIndex(world, c, '--sectors-of');
  const shock = readShockCsv(o.shock, world);
  // Never present an unconverged point as a result: solveOrThrow raises ConvergenceError (exit 3).
  const eq = solveOrThrow(world, shock, { deficits, maxIterations });
  const report = counterfactualReport(eq, { sectorsOf });
  if (o.out) {
    const files = writeCounterfactualCsv(report, o.out);
    if (!o.json) process.stdout.write(`wrote ${files.join(', ')}\n`);
  }
  if (o.json) {
    printJson(report);
    return;
  }
  const eps = world.meta.elasticitySet ? `, elasticities ${world.meta.elasticitySet}` : '';
  process.stdout.write(`${world.meta.name}: ${world.N} economies x ${world.S} sectors${world.io ? ', input-output links' : ''}${eps}, values in ${world.meta.currency}\n\n`);
  process.stdout.write(`${economyTable(economyResults(eq))}\n\n${eq.deficits === 'balanced' ? `${BALANCED_TRADE_NOTE}\n\n` : ''}`);
  if (report.io) {
    process.stdout.write(`Input-output measures (real income is exact; CP welfare = terms of trade + volume of trade is first order):\n${ioEconomyTable(report.io.economies)}\n\n`);
    for (const c of sectorsOf ?? []) process.stdout.write(`Sectors of ${c} (real output deflated by the producer's input cost):\n${sectorTable(report.io.sectors, c)}\n\n`);
  }
  process.stdout.write(`${convergenceLine(eq)}\n`);
}

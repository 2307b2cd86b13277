/** `parley tariffs --data NAME --at DATE`: the tariff matrix in force on a day and what makes up each rate. */
import { InputError } from '../errors.js';
import { tariffsJson, tariffsText } from '../report/tariffs.js';
import { tariffsAt } from '../schedule/schedule.js';
import { openScheduledDatasetFast } from './datasets.js';
import { printJson } from './common.js';

export async function tariffsCommand(o: { data: string; at: string; asKnown?: boolean; json?: boolean }): Promise<void> {
  const { loaded, world, schedule } = await openScheduledDatasetFast(o.data);
  if (!loaded.manifest.measures) throw new InputError(`data set ${o.data} has no dated measures (its manifest names no "measures" file); try --data episode-2025`);
  const at = tariffsAt(world, schedule, o.at, { asKnown: o.asKnown });
  if (o.json) return printJson(tariffsJson(world, schedule, at));
  process.stdout.write(`${tariffsText(world, schedule, at)}\n`);
}

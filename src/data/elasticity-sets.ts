/**
 * Named trade-elasticity sets of a data set (icio-2022 offers eight published
 * ones): read from one file, and applied to a World by name.
 */
import { DataError, InputError } from '../errors.js';
import { numberAt, readCsv } from './csv.js';
import { lookupText, type FlowSource } from './tables.js';
import { createWorld, type World } from './world.js';

/**
 * Named elasticity sets from one file, sector,eps_<NAME>,...: every column
 * eps_<NAME> is a set (e.g. eps_CP, Caliendo & Parro 2015), in the world's sector order.
 */
export function readElasticitySets(src: FlowSource, sectors: readonly string[]): Record<string, number[]> {
  const table = readCsv(src.file, ['sector'], src.columns);
  const names = table.header.filter((h) => h.startsWith('eps_'));
  if (!names.length) throw new DataError('no elasticity set: expected columns named eps_<SET> (eps_CP, eps_IS, ...)', { file: table.file, line: 1 });
  const sx = new Map(sectors.map((c, k) => [c, k]));
  const sets: Record<string, number[]> = Object.fromEntries(names.map((h) => [h.slice(4), new Array<number>(sectors.length).fill(NaN)]));
  const cs = table.column('sector');
  for (let r = 0; r < table.count; r++) {
    const s = lookupText(table, r, cs, sx, 'sector');
    for (const h of names) sets[h.slice(4)][s] = numberAt(table, r, table.column(h), { above: 0, expected: 'a trade elasticity > 0' });
  }
  for (const [name, eps] of Object.entries(sets)) {
    const missing = sectors.filter((_, s) => Number.isNaN(eps[s]));
    if (missing.length) throw new DataError(`elasticity set ${name} has no value for ${missing.join(', ')}`, { file: table.file });
  }
  return sets;
}

/** The world with one of its data set's named elasticity sets (`--elasticities CP` on icio-2022); `field` names where the name came from. */
export function withElasticitySet(world: World, name: string, field = '--elasticities'): World {
  const sets = world.meta.elasticitySets;
  if (!sets) throw new InputError(`data set ${world.meta.name} offers no named elasticity sets`, { field });
  const eps = sets[name];
  if (!eps) throw new InputError(`data set ${world.meta.name} has no set "${name}" (known: ${Object.keys(sets).join(', ')})`, { field });
  return createWorld({ ...world, eps, meta: { ...world.meta, elasticitySet: name } });
}

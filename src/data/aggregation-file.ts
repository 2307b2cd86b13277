/**
 * An aggregation as a file (YAML or JSON), for `--aggregate FILE`:
 *
 * ```yaml
 * economies: { EU: [AUT, BEL, ...], ROW: '*' }   # '*' = every economy not named elsewhere
 * sectors: { AGR: [A01, A02, A03], ... }           # optional
 * order: [USA, JPN, ...]                           # optional: order of the resulting economies
 * ```
 * data/icio-2022/episode-13x14.yaml takes icio-2022 to the 13 regions and
 * 14 sectors of the April 2025 episode.
 */
import { z } from 'zod';
import { DataError } from '../errors.js';
import { aggregateWorld, expandRest } from './aggregate.js';
import type { World } from './world.js';
import { readYamlWith } from './yaml.js';

const Groups = z.record(z.string().min(1), z.union([z.array(z.string().min(1)).min(1), z.literal('*')]));
const AggregationFile = z.object({ economies: Groups.optional(), sectors: Groups.optional(), order: z.array(z.string().min(1)).optional() }).strict();

/** The world aggregated as the file says; unknown codes and overlaps are DataErrors naming the file. */
export function aggregateWithFile(world: World, file: string): World {
  const spec = readYamlWith(file, AggregationFile, 'aggregation');
  try {
    const kept = spec.order ?? [];
    const economies = spec.economies && expandRest(spec.economies, world.codes, kept, 'economies');
    const sectors = spec.sectors && expandRest(spec.sectors, world.sectors, kept, 'sectors');
    return aggregateWorld(world, { economies, sectors, order: spec.order });
  } catch (e) {
    throw new DataError((e as Error).message, { file });
  }
}

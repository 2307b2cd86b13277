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
import { aggregateWorld } from './aggregate.js';
import type { World } from './world.js';
import { readYamlWith } from './yaml.js';

const Groups = z.record(z.string().min(1), z.union([z.array(z.string().min(1)).min(1), z.literal('*')]));
const AggregationFile = z.object({ economies: Groups.optional(), sectors: Groups.optional(), order: z.array(z.string().min(1)).optional() }).strict();

/** The world aggregated as the file says; unknown codes and overlaps are DataErrors naming the file. */
export function aggregateWithFile(world: World, file: string): World {
  const spec = readYamlWith(file, AggregationFile, 'aggregation');
  const expand = (groups: z.infer<typeof Groups> | undefined, all: readonly string[], what: string): Record<string, string[]> | undefined => {
    if (!groups) return undefined;
    const out: Record<string, string[]> = {};
    let rest: string | undefined;
    for (const [g, members] of Object.entries(groups)) {
      if (members === '*') {
        if (rest) throw new DataError(`${what}: both ${rest} and ${g} are "*"; only one group can take the rest`, { file });
        rest = g;
      } else out[g] = members;
    }
    if (rest) {
      const named = new Set([...Object.values(out).flat(), ...(spec.order ?? [])]);
      out[rest] = all.filter((c) => !named.has(c));
    }
    return out;
  };
  try {
    return aggregateWorld(world, { economies: expand(spec.economies, world.codes, 'economies'), sectors: expand(spec.sectors, world.sectors, 'sectors'), order: spec.order });
  } catch (e) {
    throw new DataError((e as Error).message, { file });
  }
}

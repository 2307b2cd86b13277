/** The published JSON Schema of the scenario format, generated from the validator itself. */
import { z } from 'zod';
import { ScenarioSchema } from './schema.js';

export function scenarioJsonSchema(): object {
  // "input": defaults are optional to write; refinements (dates, sums) are checked by Parley itself.
  const schema = z.toJSONSchema(ScenarioSchema, { io: 'input', unrepresentable: 'any', reused: 'ref' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://github.com/parley/parley/docs/scenario.schema.json', title: 'Parley scenario', description: 'A dated, sourced timeline of a tariff episode with actors, questions and branches. See docs/scenario.md.' };
}

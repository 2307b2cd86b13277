/** The published JSON Schema of the scenario format, generated from the validator itself. */
import { z } from 'zod';
import { ScenarioExtensionSchema } from './extends.js';
import { ScenarioSchema } from './schema.js';

export function scenarioJsonSchema(): object {
  // "input": defaults are optional to write; refinements (dates, sums) are checked by Parley itself.
  // A scenario is whole, or extends another and holds only what differs (extends.ts).
  const schema = z.toJSONSchema(z.union([ScenarioSchema, ScenarioExtensionSchema]), { io: 'input', unrepresentable: 'any', reused: 'ref' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://github.com/parley/parley/docs/scenario.schema.json', title: 'Parley scenario', description: 'A dated, sourced timeline of a tariff episode with actors, questions and branches. See docs/scenario.md.' };
}

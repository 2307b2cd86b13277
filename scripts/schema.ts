/**
 * Write docs/scenario.schema.json from the scenario validator (npm run schema).
 * A test checks that the committed file is up to date.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scenarioJsonSchema } from '../src/scenario/json-schema.js';

const out = fileURLToPath(new URL('../docs/scenario.schema.json', import.meta.url));
writeFileSync(out, `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
console.log(`wrote ${out}`);

/** `parley replicate <paper>`: the two paper replications. Parse, call the library, print. */
import { InputError } from '../errors.js';
import { LIBERATION_DAY_SCENARIOS, loadIlmsInputs, replicateLiberationDay, type LiberationDayScenario } from '../replicate/liberation-day.js';
import { liberationDayText } from '../report/liberation-day.js';
import { printJson } from './common.js';

export interface LiberationDayFlags {
  json?: boolean;
  only?: string;
}

function parseOnly<T extends string>(raw: string | undefined, known: readonly T[]): readonly T[] {
  if (raw === undefined) return known;
  const ids = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const id of ids) if (!(known as readonly string[]).includes(id)) throw new InputError(`--only: unknown scenario "${id}" (known: ${known.join(', ')})`);
  if (!ids.length) throw new InputError('--only: give at least one scenario');
  return ids as T[];
}

export function liberationDayCommand(o: LiberationDayFlags): void {
  const only = parseOnly<LiberationDayScenario>(o.only, LIBERATION_DAY_SCENARIOS);
  const r = replicateLiberationDay(loadIlmsInputs(), only);
  if (o.json) {
    const scenarios: Record<string, unknown> = {};
    for (const [id, s] of Object.entries(r.scenarios)) {
      scenarios[id] = {
        title: s.title,
        ...(s.us_tariff_pct !== undefined ? { us_tariff_pct: s.us_tariff_pct } : {}),
        ...(s.retaliation_tariff_pct !== undefined ? { retaliation_tariff_pct: s.retaliation_tariff_pct } : {}),
        economies: s.economies,
        non_us_welfare_pct: s.non_us_welfare_pct,
        solver: { iterations: s.iterations, residual: s.residual, ms: Math.round(s.ms) },
      };
    }
    printJson({ paper: 'Ignatenko, Lashkaripour, Macedoni & Simonovska (2025), JIE 157', parameters: r.parameters, scenarios });
    return;
  }
  process.stdout.write(`${liberationDayText(r)}\n`);
}

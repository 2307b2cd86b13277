/** `parley replicate <paper>`: the two paper replications. Parse, call the library, print. */
import { InputError } from '../errors.js';
import { LIBERATION_DAY_SCENARIOS, loadIlmsInputs, replicateLiberationDay, type LiberationDayScenario } from '../replicate/liberation-day.js';
import { liberationDayJson, liberationDayText } from '../report/liberation-day.js';
import { printJson } from './common.js';
import { loadOssa2014 } from '../replicate/ossa2014-data.js';
import { OSSA_PROBLEMS, replicateOssa2014, type OssaProblem, type OssaTable } from '../replicate/ossa2014.js';
import { ossaText } from '../report/ossa2014.js';
import { loadCp2015 } from '../replicate/cp2015-data.js';
import { replicateCp2015 } from '../replicate/cp2015.js';
import { cp2015Json, cp2015Text } from '../report/cp2015.js';
import { parseDeficits } from './common.js';

export interface LiberationDayFlags {
  json?: boolean;
  only?: string;
  eps?: string;
  kappa?: string;
  beta?: string;
}

function parseNumber(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new InputError(`${flag}: expected a number, found "${raw}"`);
  return v;
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
  const overrides = Object.fromEntries(
    (['eps', 'kappa', 'beta'] as const).map((k) => [k, parseNumber(o[k], `--${k}`)] as const).filter(([, v]) => v !== undefined),
  );
  const r = replicateLiberationDay(loadIlmsInputs(), only, overrides);
  if (o.json) {
    printJson(liberationDayJson(r));
    return;
  }
  process.stdout.write(`${liberationDayText(r)}\n`);
}

export interface OssaFlags {
  data?: string;
  pol?: boolean;
  json?: boolean;
  only?: string;
}

export function ossaCommand(o: OssaFlags): void {
  const dir = o.data ?? process.env.PARLEY_OSSA2014;
  if (!dir) throw new InputError("no data: give --data DIR, the folder of Ossa's replication package (GTAP-derived, so Parley does not ship it), or set PARLEY_OSSA2014");
  const only = parseOnly<OssaProblem>(o.only, OSSA_PROBLEMS);
  const data = loadOssa2014(dir);
  const quiet = o.json || !process.stderr.isTTY;
  const r = replicateOssa2014(data, { pol: !!o.pol, only, onProgress: quiet ? undefined : (m) => process.stderr.write(`  ${m}...\n`) });
  if (!o.json) {
    process.stdout.write(`${ossaText(r)}\n`);
    return;
  }
  const slim = (t: OssaTable) => Object.fromEntries(Object.entries(t.regions).map(([c, x]) => [c, { gov_welfare_pct: x.gov_welfare_pct, welfare_pct: x.welfare_pct, median_tariff_pct: x.median_tariff_pct, wage_pct: x.wage_pct, profits_wage_pct: x.profits_wage_pct }]));
  printJson({
    paper: 'Ossa (2014), American Economic Review 104(12)',
    pol: r.pol,
    ...(r.optimal ? { optimal: slim(r.optimal), optimal_mfn: slim(r.optimal_mfn!) } : {}),
    ...(r.nash ? { nash: slim(r.nash) } : {}),
    ...(r.cooperative ? { cooperative: { from_factual: slim(r.cooperative.from_factual), from_nash: slim(r.cooperative.from_nash), from_free_trade: slim(r.cooperative.from_free_trade) } } : {}),
    averages: {
      ...(r.optimal ? { optimal: r.optimal.average, optimal_mfn: r.optimal_mfn!.average } : {}),
      ...(r.nash ? { nash: r.nash.average } : {}),
      ...(r.cooperative ? { cooperative: { from_factual: r.cooperative.from_factual.average, from_nash: r.cooperative.from_nash.average, from_free_trade: r.cooperative.from_free_trade.average } } : {}),
    },
    seconds: Math.round(r.ms) / 1000,
  });
}

export interface Cp2015Flags {
  data?: string;
  json?: boolean;
  deficits?: string;
}

export function cp2015Command(o: Cp2015Flags): void {
  const dir = o.data ?? process.env.PARLEY_CP2015;
  if (!dir) throw new InputError("no data: give --data DIR, the folder of Caliendo & Parro's Equilibrium files (academic material Parley does not ship), or set PARLEY_CP2015");
  const deficits = parseDeficits(o.deficits, 'balanced');
  if (deficits === 'proportional') throw new InputError('--deficits: expected balanced (the paper\'s case) or fixed, found "proportional"');
  const r = replicateCp2015(loadCp2015(dir), deficits);
  if (o.json) printJson(cp2015Json(r));
  else process.stdout.write(`${cp2015Text(r)}\n`);
}

/**
 * `parley best-response | war | negotiate | coalitions`: a spec file and/or
 * flags, the data, then the library's runner; Monte Carlo when the spec has
 * distributions and asks for draws.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { InputError } from '../errors.js';
import { loadWorld } from '../data/tables.js';
import { writeCsvAtomic, writeJsonAtomic } from '../report/files.js';
import { attachUncertainty, bestResponseText, coalitionsText, negotiationText, warText } from '../report/strategy.js';
import { monteCarlo, summariseDraws } from '../strategy/montecarlo.js';
import { readSpec, runSpec, SPEC_SCHEMAS, withWarmStart, type SpecKind, type WorldSource } from '../strategy/spec.js';
import { hasUncertainty, resolveUncertain } from '../strategy/uncertainty.js';
import { parseCount, parsePositive, printJson, type WorldFlags } from './common.js';
import { progressBar } from './progress.js';

export interface StrategyFlags extends WorldFlags {
  spec?: string;
  player?: string;
  players?: string;
  parties?: string;
  counterpart?: string;
  members?: string;
  instrument?: string;
  deficits?: string;
  at?: string;
  lower?: string;
  upper?: string;
  draws?: string;
  seed?: string;
  json?: boolean;
  out?: string;
}

const list = (s: string | undefined) => (s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter(Boolean));

/** The spec: the file's, with flags laid over it, validated by the same schema. */
function buildSpec(kind: SpecKind, o: StrategyFlags): Record<string, unknown> {
  const fromFile = o.spec ? (readSpec(kind, o.spec, true) as Record<string, unknown>) : {};
  const flags: Record<string, unknown> = {
    player: o.player,
    players: list(o.players),
    parties: list(o.parties),
    counterpart: o.counterpart,
    members: list(o.members),
    instrument: o.instrument,
    deficits: o.deficits,
    at: o.at,
    lower: o.lower === undefined ? undefined : Number(o.lower),
    upper: o.upper === undefined ? undefined : Number(o.upper),
    eps: o.eps === undefined ? undefined : parsePositive(o.eps, '--eps'),
  };
  const merged: Record<string, unknown> = { ...fromFile };
  const allowed = SPEC_SCHEMAS[kind].shape as Record<string, unknown>;
  for (const [k, v] of Object.entries(flags)) if (v !== undefined && k in allowed) merged[k] = v;
  if (o.draws !== undefined || o.seed !== undefined) {
    const mc = (merged.monte_carlo as { draws?: number; seed?: number } | undefined) ?? {};
    merged.monte_carlo = { draws: o.draws === undefined ? mc.draws ?? 1000 : parseCount(o.draws, '--draws'), seed: o.seed === undefined ? mc.seed ?? 1 : parseCount(o.seed, '--seed') };
  }
  const parsed = SPEC_SCHEMAS[kind].safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${o.spec ? `${o.spec}: ` : ''}field "${issue.path.join('.') || '(root)'}": ${issue.message}`);
  }
  return parsed.data as Record<string, unknown>;
}

function worldSource(o: StrategyFlags, spec: Record<string, unknown>): WorldSource {
  if (o.data && o.flows) throw new InputError('give either --data or --flows, not both');
  if (o.flows) {
    if (o.eps && o.elasticities) throw new InputError('give either --eps or --elasticities, not both');
    const eps = o.elasticities ? { file: o.elasticities } : parsePositive(o.eps ?? '4', '--eps');
    return { world: loadWorld({ flows: [{ file: o.flows }], tariffs: o.tariffs ? { file: o.tariffs } : undefined, elasticities: eps, meta: { name: o.flows, currency: 'units of the flow file' } }) };
  }
  const data = o.data ?? (spec.data as string | undefined) ?? 'episode-2025';
  return { data };
}

export async function strategyCommand(kind: SpecKind, o: StrategyFlags): Promise<void> {
  const spec = buildSpec(kind, o);
  const source = worldSource(o, spec);
  const mc = spec.monte_carlo as { draws: number; seed: number } | undefined;
  // The central result uses each distribution's centre; Monte Carlo adds the bands.
  let result = runSpec(kind, resolveUncertain(spec, 'central'), source) as object;
  if (mc && hasUncertainty(spec)) {
    if (!('data' in source)) throw new InputError('Monte Carlo needs a data set (--data NAME_OR_DIR): workers load it themselves');
    const bar = progressBar(`${kind} Monte Carlo`);
    // Draws continue from the central solution (the frontier and patience sweep stay central-only).
    const mcSpec = kind === 'negotiate' ? withWarmStart({ ...spec, frontier: 0, sweep: false }, result) : spec;
    const run = await monteCarlo({ kind, spec: mcSpec, source, draws: mc.draws, seed: mc.seed, onProgress: bar.update });
    bar.end();
    if (run.failures.length === run.draws) throw new InputError(`every Monte Carlo draw failed; the first: ${run.failures[0].error}`);
    result = attachUncertainty(result, { draws: run.draws, seed: run.seed, failures: run.failures, percentiles: Object.fromEntries(summariseDraws(run.results)) });
  } else if (mc) {
    process.stderr.write('note: monte_carlo ignored: no input of the spec is a distribution\n');
  }
  if (o.out) writeOutputs(o.out, result);
  if (o.json) return printJson(result);
  const text =
    kind === 'negotiate' ? negotiationText(result as never) : kind === 'war' ? warText(result as never) : kind === 'best-response' ? bestResponseText(result as never) : coalitionsText(result as never);
  process.stdout.write(`${text}\n`);
  if (o.out) process.stdout.write(`\nwrote ${o.out}/result.json and CSV tables\n`);
}

/** result.json plus tariffs.csv / economies.csv when the result has them, each written atomically. */
function writeOutputs(dir: string, result: object): void {
  mkdirSync(dir, { recursive: true });
  writeJsonAtomic(join(dir, 'result.json'), result);
  const r = result as { tariffs?: unknown; agreement?: { tariffs?: unknown }; economies?: unknown };
  const tariffs = (r.agreement?.tariffs ?? r.tariffs) as Record<string, unknown>[] | undefined;
  if (Array.isArray(tariffs) && tariffs.length) writeCsvAtomic(join(dir, 'tariffs.csv'), tariffs);
  if (Array.isArray(r.economies)) writeCsvAtomic(join(dir, 'economies.csv'), r.economies as Record<string, unknown>[]);
}

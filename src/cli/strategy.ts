/**
 * `parley best-response | war | negotiate | coalitions`: a spec file and/or
 * flags, the data, then the library's runner; Monte Carlo when the spec has
 * distributions and asks for draws.
 */
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { DEFAULT_DATASET } from '../data/datasets.js';
import { makeOutputDir, writeCsvAtomic, writeJsonAtomic } from '../report/files.js';
import { bestResponseText, coalitionsText, negotiationText, warText } from '../report/strategy.js';
import { attachUncertainty } from '../run/bands.js';
import type { WorldSource } from '../run/context.js';
import { readSpec, SPEC_SCHEMAS, type SpecKind } from '../run/spec.js';
import { runStrategy } from '../run/strategy.js';
import { cancelOnInterrupt, parseCount, parsePositive, printJson, worldFromFlags, type WorldFlags } from './common.js';
import { progressBar } from './progress.js';

export interface StrategyFlags extends WorldFlags {
  spec?: string;
  player?: string;
  players?: string;
  parties?: string;
  counterpart?: string;
  members?: string;
  instrument?: string;
  separate?: string;
  deficits?: string;
  at?: string;
  lower?: string;
  upper?: string;
  draws?: string;
  seed?: string;
  json?: boolean;
  out?: string;
  redis?: string;
}

const list = (s: string | undefined) => (s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter(Boolean));

/** The spec: the file's, with flags laid over it, validated by the same schema. */
export function buildSpec(kind: SpecKind, o: StrategyFlags): Record<string, unknown> {
  const fromFile = o.spec ? (readSpec(kind, o.spec, 'some') as Record<string, unknown>) : {};
  const flags: Record<string, unknown> = {
    player: o.player,
    players: list(o.players),
    parties: list(o.parties),
    counterpart: o.counterpart,
    members: list(o.members),
    instrument: o.instrument,
    separate: list(o.separate),
    deficits: o.deficits,
    at: o.at,
    lower: o.lower === undefined ? undefined : Number(o.lower),
    upper: o.upper === undefined ? undefined : Number(o.upper),
    eps: o.eps === undefined ? undefined : parsePositive(o.eps, '--eps'),
    // A named set of the data set travels in the spec, so the world keeps its dated measures.
    elasticity_set: namedSet(o) ? o.elasticities : undefined,
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

/** --elasticities names one of the --data set's elasticity sets (not a CSV of its own). */
function namedSet(o: StrategyFlags): boolean {
  return !!o.elasticities && !o.flows && !o.aggregate && !/\.csv$/i.test(o.elasticities);
}

async function worldSource(o: StrategyFlags, spec: Record<string, unknown>): Promise<WorldSource> {
  if (o.data && o.flows) throw new InputError('give either --data or --flows, not both');
  const data = o.data ?? (spec.data as string | undefined) ?? DEFAULT_DATASET;
  // An aggregation or an elasticities file makes a world of its own (dates then need the data set's measures, which it drops).
  if (o.flows || o.aggregate || (o.elasticities && !namedSet(o))) return { world: await worldFromFlags(o.flows ? o : { ...o, data, eps: undefined }) };
  // (With --data, --eps is the spec's eps, applied by the run context.)
  return { data };
}

export async function strategyCommand(kind: SpecKind, o: StrategyFlags): Promise<void> {
  const spec = buildSpec(kind, o);
  if (o.out) makeOutputDir(o.out, '--out');
  const source = await worldSource(o, spec);
  const monteCarlo = spec.monte_carlo as { draws: number; seed: number } | undefined;
  const bar = monteCarlo ? progressBar(`${kind} Monte Carlo`) : undefined;
  const run = await runStrategy(kind, spec, source, { monteCarlo, onProgress: bar?.update, redis: o.redis, signal: cancelOnInterrupt(!!o.redis) });
  if (run.uncertainty) bar?.end(); // the bar drew only if draws ran
  if (run.skipped) process.stderr.write('note: monte_carlo ignored: no input of the spec is a distribution\n');
  const result = attachUncertainty(run.central, run.uncertainty);
  if (o.out) writeOutputs(o.out, result);
  if (o.json) return printJson(result);
  const text = resultText(kind, result);
  process.stdout.write(`${text}\n`);
  if (o.out) process.stdout.write(`\nwrote ${o.out}/result.json and CSV tables\n`);
}

function resultText(kind: SpecKind, result: object): string {
  // The kind fixes the shape (run/results.ts StrategyResults); the switch narrows it.
  switch (kind) {
    case 'negotiate':
      return negotiationText(result as Parameters<typeof negotiationText>[0]);
    case 'war':
      return warText(result as Parameters<typeof warText>[0]);
    case 'best-response':
      return bestResponseText(result as Parameters<typeof bestResponseText>[0]);
    case 'coalitions':
      return coalitionsText(result as Parameters<typeof coalitionsText>[0]);
  }
}

/** result.json plus tariffs.csv / economies.csv when the result has them, each written atomically. */
function writeOutputs(dir: string, result: object): void {
  makeOutputDir(dir, '--out');
  writeJsonAtomic(join(dir, 'result.json'), result);
  const r = result as { tariffs?: unknown; agreement?: { tariffs?: unknown }; economies?: unknown };
  const tariffs = (r.agreement?.tariffs ?? r.tariffs) as Record<string, unknown>[] | undefined;
  if (Array.isArray(tariffs) && tariffs.length) writeCsvAtomic(join(dir, 'tariffs.csv'), tariffs);
  if (Array.isArray(r.economies)) writeCsvAtomic(join(dir, 'economies.csv'), r.economies as Record<string, unknown>[]);
}

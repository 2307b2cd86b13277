/** Helpers shared by CLI commands: loading a world from flags, exit codes, output. */
import { InputError, ConvergenceError } from '../errors.js';
import { writeJson } from '../report/json-stream.js';
import type { World } from '../data/world.js';
import { DEFICITS, type Deficits } from '../model/deficits.js';

/** Exit codes: 2 bad input, 3 no convergence, 1 anything else. */
export const EXIT = { input: 2, convergence: 3, internal: 1 } as const;

export interface WorldFlags {
  data?: string;
  flows?: string;
  tariffs?: string;
  eps?: string;
  elasticities?: string;
  aggregate?: string;
}

/**
 * A World from `--data NAME_OR_DIR [--elasticities SET]` or from `--flows
 * [--tariffs] (--eps | --elasticities FILE)`, then `--aggregate FILE` if given.
 */
export async function worldFromFlags(o: WorldFlags): Promise<World> {
  const world = await unaggregatedWorld(o);
  if (!o.aggregate) return world;
  const { aggregateWithFile } = await import('../data/aggregation-file.js');
  return aggregateWithFile(world, o.aggregate);
}

async function unaggregatedWorld(o: WorldFlags): Promise<World> {
  if (o.data && o.flows) throw new InputError('give either --data or --flows, not both');
  if (o.data) {
    if (o.tariffs || o.eps) throw new InputError('--tariffs and --eps go with --flows; a --data manifest names its own');
    const { openDatasetFast } = await import('./datasets.js');
    const world = (await openDatasetFast(o.data)).world;
    if (!o.elasticities) return world;
    const { withElasticitySet } = await import('../data/elasticity-sets.js');
    return withElasticitySet(world, o.elasticities);
  }
  if (!o.flows) throw new InputError('no data: give --data NAME_OR_DIR or --flows FLOWS.csv');
  if (o.eps && o.elasticities) throw new InputError('give either --eps or --elasticities, not both');
  const eps = o.elasticities ? { file: o.elasticities } : parsePositive(o.eps ?? '4', '--eps');
  const { loadWorld } = await import('../data/tables.js');
  return loadWorld({ flows: [{ file: o.flows }], tariffs: o.tariffs ? { file: o.tariffs } : undefined, elasticities: eps, meta: { name: o.flows, currency: 'units of the flow file' } });
}

export function parsePositive(raw: string, flag: string): number {
  const v = Number(raw);
  if (!(v > 0) || !Number.isFinite(v)) throw new InputError(`${flag}: expected a positive number, found "${raw}"`);
  return v;
}

export function parseCount(raw: string, flag: string): number {
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 0) throw new InputError(`${flag}: expected a whole number >= 0, found "${raw}"`);
  return v;
}

export function parseDeficits(raw: string | undefined, fallback: Deficits = 'fixed'): Deficits {
  if (raw === undefined) return fallback;
  if (!(DEFICITS as readonly string[]).includes(raw)) throw new InputError(`--deficits: expected one of ${DEFICITS.join(', ')}, found "${raw}"`);
  return raw as Deficits;
}

/** Print an error as one line and return its exit code; stack traces only with PARLEY_DEBUG=1. */
export function reportError(e: unknown): number {
  const err = e instanceof Error ? e : new Error(String(e));
  if (process.env.PARLEY_DEBUG) process.stderr.write(`${err.stack}\n`);
  if (err instanceof InputError) {
    process.stderr.write(`parley: ${err.message}\n`);
    return EXIT.input;
  }
  if (err instanceof ConvergenceError) {
    process.stderr.write(`parley: ${err.message}\n`);
    return EXIT.convergence;
  }
  process.stderr.write(`parley: internal error: ${err.message} (set PARLEY_DEBUG=1 for details)\n`);
  return EXIT.internal;
}

/** Print one JSON value (2-space indent), streamed in chunks rather than built as one string. */
export function printJson(value: unknown): void {
  writeJson(value, (chunk) => process.stdout.write(chunk));
  process.stdout.write('\n');
}

/**
 * Ctrl-C (SIGINT) cancels a run on the queue: its tasks are removed from the queue (or stopped) before the process
 * ends. Only then: a local run keeps Node's default, which ends the process (and its threads) at once, even while
 * the main thread computes.
 */
export function cancelOnInterrupt(onQueue: boolean): AbortSignal | undefined {
  if (!onQueue) return undefined;
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  return controller.signal;
}

/**
 * `parley sweep KIND --vary PATH=VALUES ...`: a strategy spec over a grid or a Latin hypercube of its scalars,
 * one row per point (text, --json, or sweep.csv and sweep.json in --out), locally or on the queue (--redis).
 */
import { join } from 'node:path';
import { DEFAULT_DATASET } from '../data/datasets.js';
import { InputError } from '../errors.js';
import { makeOutputDir, writeCsvAtomic, writeJsonAtomic } from '../report/files.js';
import { sweepText } from '../report/sweep.js';
import { SPEC_SCHEMAS, type SpecKind } from '../run/spec.js';
import { parseAxis, runSweep, sweepRows } from '../run/sweep.js';
import { cancelOnInterrupt, parseCount, printJson } from './common.js';
import { progressBar } from './progress.js';
import { buildSpec, type StrategyFlags } from './strategy.js';

export interface SweepFlags extends StrategyFlags {
  vary: string[];
  design: 'grid' | 'lhs';
  samples?: string;
  outputs?: string;
}

export async function sweepCommand(kind: string, o: SweepFlags): Promise<void> {
  if (!(kind in SPEC_SCHEMAS)) throw new InputError(`sweep: expected a kind of run, one of ${Object.keys(SPEC_SCHEMAS).join(', ')}, found "${kind}"`);
  if (o.flows || o.aggregate) throw new InputError('sweep: runs on a data set (--data NAME_OR_DIR), as its points may run on other machines');
  if (o.draws !== undefined) throw new InputError('sweep: each point runs at the spec\'s centre; --draws belongs to a Monte Carlo run');
  const spec = buildSpec(kind as SpecKind, o);
  delete spec.monte_carlo;
  if (o.out) makeOutputDir(o.out, '--out');
  const plan = {
    axes: o.vary.map(parseAxis),
    design: o.design,
    samples: o.samples === undefined ? undefined : parseCount(o.samples, '--samples'),
    seed: o.seed === undefined ? 1 : parseCount(o.seed, '--seed'),
  };
  if (plan.design === 'grid' && plan.samples !== undefined) throw new InputError('--samples: only a Latin hypercube (--design lhs) takes a number of points; a grid has the product of its axes');
  const bar = progressBar(`${kind} sweep`);
  const data = o.data ?? (spec.data as string | undefined) ?? DEFAULT_DATASET;
  const outputs = o.outputs?.split(',').map((x) => x.trim()).filter(Boolean);
  const result = await runSweep(kind as SpecKind, spec, data, plan, { outputs, redis: o.redis, onProgress: bar.update, signal: cancelOnInterrupt(!!o.redis) });
  bar.end();
  if (o.out) {
    writeJsonAtomic(join(o.out, 'sweep.json'), result);
    writeCsvAtomic(join(o.out, 'sweep.csv'), sweepRows(result));
  }
  if (o.json) return printJson(result);
  process.stdout.write(`${sweepText(result)}\n`);
  if (o.out) process.stdout.write(`\nwrote ${o.out}/sweep.csv and sweep.json\n`);
}

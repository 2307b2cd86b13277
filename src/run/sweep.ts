/**
 * Sweeps: a spec run over a grid or a Latin hypercube of values for any of its scalars (a tariff in a measure, an
 * elasticity set, a weight, a probability, a date), each point at the spec's centre. Points are items of a plan
 * (items.ts), so a sweep runs on local threads or on the queue with the same bytes. Each point reports the
 * numeric outputs under the asked prefixes (default: every party's payoff and welfare).
 */
import { InputError } from '../errors.js';
import { drawRandom } from '../strategy/uncertainty.js';
import { parsePath, sweepSpec, type SweepPoints } from './items.js';
import { flattenNumbers, runItems, type ItemRunOptions } from './montecarlo.js';
import type { SpecKind } from './spec.js';

export type SweepValue = number | string;

/** One swept scalar: a numeric range (grid: `count` evenly spaced values; hypercube: sampled) or listed values. */
export type SweepAxis = { path: string; from: number; to: number; count: number } | { path: string; values: SweepValue[] };

export interface SweepPlan {
  axes: SweepAxis[];
  design: 'grid' | 'lhs';
  /** Hypercube points (grid: the product of the axes' counts). */
  samples?: number;
  seed: number;
}

export interface SweepResult {
  kind: SpecKind;
  design: 'grid' | 'lhs';
  seed: number;
  axes: { path: string; values?: SweepValue[]; from?: number; to?: number }[];
  outputs: string[];
  points: { index: number; values: Record<string, SweepValue>; outputs: Record<string, number | null>; error?: string }[];
}

/** Most points one sweep may have. */
export const MAX_SWEEP_POINTS = 100000;

/** Default outputs by kind: every party's payoff and welfare. */
const DEFAULT_OUTPUTS: Record<SpecKind, string[]> = {
  negotiate: ['utility', 'welfare', 'agreement.tariffs'],
  coalitions: ['structures'],
  war: ['economies'],
  'best-response': ['economies', 'tariffs'],
};

/** "PATH=a:b:n" (n values from a to b; "a:b" for a hypercube's range) or "PATH=v1,v2,..." (numbers or names, such as elasticity sets or dates). */
export function parseAxis(text: string): SweepAxis {
  const eq = text.indexOf('=');
  if (eq < 1) throw new InputError(`--vary "${text}": expected PATH=FROM:TO:COUNT or PATH=V1,V2,... (e.g. measures[0].rate=0:0.5:11)`);
  const path = text.slice(0, eq).trim();
  parsePath(path);
  const rhs = text.slice(eq + 1).trim();
  // FROM:TO:COUNT, or FROM:TO for a Latin hypercube (which samples the range; COUNT is the grid's).
  const range = rhs.match(/^(-?[\d.eE+-]+):(-?[\d.eE+-]+)(?::(\d+))?$/);
  if (range) {
    const [from, to, count] = [Number(range[1]), Number(range[2]), range[3] === undefined ? 0 : Number(range[3])];
    if (!Number.isFinite(from) || !Number.isFinite(to) || (range[3] !== undefined && count < 1)) throw new InputError(`--vary "${text}": expected finite FROM and TO and a COUNT of at least 1`);
    return { path, from, to, count };
  }
  const values = rhs.split(',').map((v) => v.trim());
  if (values.some((v) => v === '')) throw new InputError(`--vary "${text}": an empty value in the list`);
  return { path, values: values.map((v) => (/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v) ? Number(v) : v)) };
}

const gridValues = (a: SweepAxis): SweepValue[] => ('values' in a ? a.values : Array.from({ length: a.count }, (_, k) => (a.count === 1 ? a.from : a.from + ((a.to - a.from) * k) / (a.count - 1))));

/** The points: the grid's product (first axis slowest), or a Latin hypercube with one stratum per point on each axis. */
export function sweepPoints(plan: SweepPlan): SweepValue[][] {
  if (plan.axes.length === 0) throw new InputError('a sweep needs at least one --vary');
  if (plan.design === 'grid') {
    const open = plan.axes.find((a) => 'count' in a && a.count < 1);
    if (open) throw new InputError(`--vary ${open.path}: a grid needs FROM:TO:COUNT (FROM:TO alone is a range for --design lhs)`);
    const size = plan.axes.reduce((n, a) => n * gridValues(a).length, 1);
    if (size > MAX_SWEEP_POINTS) throw new InputError(`the grid has ${size} points, above the bound of ${MAX_SWEEP_POINTS}`);
    return plan.axes.reduce<SweepValue[][]>((acc, a) => acc.flatMap((p) => gridValues(a).map((v) => [...p, v])), [[]]);
  }
  const n = plan.samples ?? 0;
  if (!Number.isInteger(n) || n < 1 || n > MAX_SWEEP_POINTS) throw new InputError(`--samples: a Latin hypercube needs a whole number of points from 1 to ${MAX_SWEEP_POINTS}, found ${plan.samples}`);
  const random = drawRandom(plan.seed, 0);
  const columns = plan.axes.map((a) => {
    // A random permutation of the strata, then a random place within each.
    const strata = Array.from({ length: n }, (_, k) => k);
    for (let k = n - 1; k > 0; k--) {
      const j = Math.floor(random() * (k + 1));
      [strata[k], strata[j]] = [strata[j], strata[k]];
    }
    return strata.map((s) => {
      const u = (s + random()) / n;
      return 'values' in a ? a.values[Math.min(a.values.length - 1, Math.floor(u * a.values.length))] : a.from + (a.to - a.from) * u;
    });
  });
  return Array.from({ length: n }, (_, k) => columns.map((c) => c[k]));
}

/** A sweep's points, every point's spec checked before anything runs: a bad value is one clear error, not a failed point. */
export function checkedSweep(kind: SpecKind, spec: unknown, plan: SweepPlan, points = sweepPoints(plan)): SweepPoints {
  const sweep: SweepPoints = { paths: plan.axes.map((a) => a.path), points, first: 0 };
  sweep.points.forEach((_, k) => sweepSpec(kind, spec, sweep, k));
  return sweep;
}

/** Run a sweep of `spec` on the data set `data`. */
export async function runSweep(kind: SpecKind, spec: Record<string, unknown>, data: string, plan: SweepPlan, o: ItemRunOptions & { outputs?: string[] } = {}): Promise<SweepResult> {
  const sweep = checkedSweep(kind, spec, plan);
  const points = sweep.points;
  const prefixes = o.outputs?.length ? o.outputs : DEFAULT_OUTPUTS[kind];
  const wanted = (path: string) => prefixes.some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
  // Each point keeps only the outputs asked for.
  const flat = points.map(() => new Map<string, number>());
  const run = await runItems({ kind, spec, data, seed: plan.seed, sweep }, points.length, o, (k, r) => (flat[k] = new Map([...flattenNumbers(r)].filter(([path]) => wanted(path)))));
  const outputs = [...new Set(flat.flatMap((m) => [...m.keys()]))];
  if (outputs.length === 0 && run.failures.length < points.length) throw new InputError(`no numeric output of a ${kind} result starts with ${prefixes.join(' or ')}`);
  const errors = new Map(run.failures.map((f) => [f.index, f.error]));
  return {
    kind,
    design: plan.design,
    seed: plan.seed,
    axes: plan.axes.map((a) => ('values' in a ? { path: a.path, values: a.values } : { path: a.path, from: a.from, to: a.to })),
    outputs,
    points: points.map((values, k) => ({
      index: k,
      values: Object.fromEntries(sweep.paths.map((p, j) => [p, values[j]])),
      outputs: Object.fromEntries(outputs.map((name) => [name, flat[k].get(name) ?? null])),
      ...(errors.has(k) ? { error: errors.get(k) } : {}),
    })),
  };
}

/** One row per point: the swept values, then the outputs (CSV and tables). */
export function sweepRows(r: SweepResult): Record<string, string | number | null>[] {
  return r.points.map((p) => ({ point: p.index, ...p.values, ...p.outputs, error: p.error ?? null }));
}

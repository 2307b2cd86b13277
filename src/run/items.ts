/**
 * One task model for everything parallel: item i of a plan (a Monte Carlo draw, or a sweep point) is a pure
 * function of (data set, spec, seed, i), so it gives the same result in a worker thread, another process or
 * another machine. A task is a range of items; it names its data set by name and content hash, and a worker that
 * cannot match the hash refuses it (it never computes on other numbers).
 */
import { errorRecord, InputError, type ErrorRecord } from '../errors.js';
import type { NegotiationOptions } from '../strategy/negotiation-setup.js';
import { drawRandom, resolveUncertain } from '../strategy/uncertainty.js';
import { dataHashHere, specContext, type Context } from './context.js';
import { dealOptions, runNegotiationPart, runSpec, type NegotiationPart } from './runners.js';
import { SPEC_SCHEMAS, type NegotiateSpec, type Resolved, type SpecKind } from './spec.js';

/** Sweep points: item `first + k` sets each of `paths` to `points[k]`'s value at the same position. */
export interface SweepPoints {
  paths: string[];
  points: (number | string)[][];
  first: number;
}

export interface ItemPlan {
  kind: SpecKind;
  /** The spec with its distributions (JSON). */
  spec: unknown;
  /** Built-in data set name or manifest path, as the worker can open it. */
  data: string;
  seed: number;
  /** Absent: item i is Monte Carlo draw i. Present: item i is a sweep point, run at the spec's centre. */
  sweep?: SweepPoints;
  /** Present: item i is part i of the (resolved, central) negotiation spec, from its deal's start (runners.ts NegotiationPart). */
  parts?: NegotiationParts;
}

/** A negotiation's parts and the deal they start from, as they travel to threads. */
export interface NegotiationParts {
  list: NegotiationPart[];
  x: Float64Array;
  hessians: Float64Array[];
}

export interface ItemTask extends ItemPlan {
  /** The data set's content hash the run used (data/manifest.ts hashManifest). */
  dataHash: string;
  /** Items [from, to). */
  from: number;
  to: number;
}

/** A failed item's error: its message; a negotiation part's (never queued) also the error as it was. */
export type ItemOutcome = { index: number; result: unknown } | { index: number; error: string; record?: ErrorRecord };

/** Item `index` of a plan, run; an unconverged result is a failed item, its numbers must not be used. */
export function runItem(plan: ItemPlan, index: number): ItemOutcome {
  try {
    if (plan.parts) return partOutcome(plan, plan.parts, index);
    const resolved = plan.sweep ? resolveUncertain(sweepSpec(plan.kind, plan.spec, plan.sweep, index), 'central') : resolveUncertain(plan.spec, drawRandom(plan.seed, index));
    const result = runSpec(plan.kind, resolved, { data: plan.data });
    if ((result as { converged?: boolean }).converged === false) throw new Error(plan.sweep ? 'the point did not converge' : 'the draw did not converge');
    return { index, result };
  } catch (e) {
    return { index, error: (e as Error).message };
  }
}

/** A thread's context and options for a plan's negotiation, made once (a war disagreement point is a computation). */
const partSetups = new WeakMap<ItemPlan, { ctx: Context; o: NegotiationOptions }>();

function partOutcome(plan: ItemPlan, parts: NegotiationParts, index: number): ItemOutcome {
  try {
    return { index, result: runPart(plan, parts, index) };
  } catch (e) {
    return { index, error: (e as Error).message, record: errorRecord(e) };
  }
}

function runPart(plan: ItemPlan, parts: NegotiationParts, index: number): unknown {
  const spec = plan.spec as Resolved<NegotiateSpec>;
  let setup = partSetups.get(plan);
  if (!setup) {
    const ctx = specContext({ data: plan.data }, spec);
    setup = { ctx, o: dealOptions(spec, ctx) };
    partSetups.set(plan, setup);
  }
  return runNegotiationPart(spec, setup.ctx, setup.o, parts.list[index], { x: parts.x, hessians: parts.hessians });
}

/** The spec at sweep point `index`: each path set to the point's value, then validated by the kind's schema. */
export function sweepSpec(kind: SpecKind, spec: unknown, sweep: SweepPoints, index: number): unknown {
  const values = sweep.points[index - sweep.first];
  if (!values) throw new InputError(`sweep point ${index} is not in this task`);
  let out = spec;
  sweep.paths.forEach((path, k) => (out = setPath(out, path, values[k])));
  const parsed = SPEC_SCHEMAS[kind].safeParse(out);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`sweep point ${index} (${sweep.paths.map((p, k) => `${p}=${values[k]}`).join(', ')}): field "${issue.path.join('.')}": ${issue.message}`);
  }
  return parsed.data;
}

/** Path segments of "a.b[2].c": ['a', 'b', 2, 'c']. */
export function parsePath(path: string): (string | number)[] {
  if (!/^[A-Za-z_][\w-]*(\.[A-Za-z0-9_-]+|\[\d+\])*$/.test(path)) throw new InputError(`"${path}": expected a spec field path such as objectives.USA.revenue or measures[0].rate`);
  return [...path.matchAll(/([A-Za-z0-9_-]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]));
}

/** A copy of `value` with the field at `path` set; arrays must already have the index, objects get the key. */
function setPath(value: unknown, path: string, to: unknown): unknown {
  const segments = parsePath(path);
  const set = (node: unknown, k: number): unknown => {
    if (k === segments.length) return to;
    const seg = segments[k];
    if (typeof seg === 'number') {
      if (!Array.isArray(node) || seg >= node.length) throw new InputError(`"${path}": the spec has no element [${seg}] there`);
      return node.map((x, i) => (i === seg ? set(x, k + 1) : x));
    }
    if (node !== undefined && (typeof node !== 'object' || node === null || Array.isArray(node))) throw new InputError(`"${path}": the spec's "${segments.slice(0, k).join('.')}" is not an object`);
    const obj = (node ?? {}) as Record<string, unknown>;
    return { ...obj, [seg]: set(obj[seg], k + 1) };
  };
  return set(value, 0);
}

/** A task's items, after checking the data hash. */
export function runTask(task: ItemTask, afterItem?: (done: number) => void): ItemOutcome[] {
  checkDataHash(task);
  const out: ItemOutcome[] = [];
  for (let i = task.from; i < task.to; i++) {
    out.push(runItem(task, i));
    afterItem?.(out.length);
  }
  return out;
}

/** Refuse a task whose data set here (the numbers this process computes on) is not the one the run used. */
export function checkDataHash(task: Pick<ItemTask, 'data' | 'dataHash'>): void {
  const hash = dataHashHere(task.data);
  if (hash !== task.dataHash) throw new InputError(`data set ${task.data} here has content hash ${hash.slice(0, 12)}, the run used ${task.dataHash.slice(0, 12)}: refusing to compute on other numbers`);
}

/**
 * What a concrete spec runs on: the world (its elasticity overridden if the
 * spec says so), the status quo on the spec's date, and the dated tariffs for
 * disagreement points and deadlines. One data-set cache per process.
 */
import { DEFAULT_DATASET } from '../data/datasets.js';
import { createWorld, type World } from '../data/world.js';
import { withElasticitySet } from '../data/elasticity-sets.js';
import { InputError } from '../errors.js';
import { noShock, type Shock } from '../model/equilibrium.js';
import { withParameterValues, type Measure } from '../schedule/measures.js';
import { openScheduledDataset } from '../schedule/open.js';
import { tariffsAt, type Schedule } from '../schedule/schedule.js';

/** Where a spec's world comes from: a data set (name or manifest) or a world given directly. */
export type WorldSource = { data: string } | { world: World };

export interface Context {
  world: World;
  statusQuo: Shock;
  /** Tariffs on a date, for disagreement points and deadlines (needs a data set with measures). */
  tariffsOn: (date: string) => Float64Array;
  at?: string;
}

/** Data sets a process has opened, by name or path, with their content hash: every spec it runs uses these numbers. */
const contextCache = new Map<string, { world: World; schedule?: Schedule; hash: string }>();

function openedData(data: string): { world: World; schedule?: Schedule; hash: string } {
  let hit = contextCache.get(data);
  if (!hit) {
    const { loaded, world, schedule, hash } = openScheduledDataset(data);
    hit = { world, schedule: loaded.manifest.measures || loaded.manifest.sector_shares ? schedule : undefined, hash };
    contextCache.set(data, hit);
  }
  return hit;
}

/** The content hash of the data this process computes on for `data` (a queue task must match it). */
export function dataHashHere(data: string): string {
  return openedData(data).hash;
}

/**
 * The schedule with some of its parameters' values replaced (a Monte Carlo draw of a stated range): every measure
 * naming one as its rate, share or coverage takes the new value, checked as the data set's own would be.
 */
function withParameters(schedule: Schedule, values: Record<string, unknown>): Schedule {
  const parameters = new Map(schedule.parameters);
  for (const [name, v] of Object.entries(values)) {
    const p = schedule.parameters.get(name);
    if (!p) throw new InputError(`parameters.${name}: not a parameter of the data set (${[...schedule.parameters.keys()].join(', ') || 'it has none'})`);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`parameters.${name}: expected a number once distributions are drawn, found ${JSON.stringify(v)}`);
    parameters.set(name, { ...p, value: v });
  }
  const measures = schedule.measures.map((m) =>
    withParameterValues(m, (param, role) => {
      if (!(param in values)) return undefined;
      const v = values[param] as number;
      const max = role === 'rate' ? undefined : 1;
      if (!(v >= 0) || (max !== undefined && v > max)) throw new InputError(`parameters.${param}: ${v} is measure ${m.id}'s ${role}: expected ${max === undefined ? 'a number >= 0' : `a number in [0, ${max}]`}`);
      return v;
    }),
  );
  return { ...schedule, measures, parameters };
}

/** The world (eps overridden if the spec says so), status quo and schedule a concrete spec runs on. */
export function specContext(source: WorldSource, spec: { at?: string; eps?: number | unknown; elasticity_set?: unknown; measures?: readonly Measure[]; parameters?: Record<string, unknown> }): Context {
  let base: { world: World; tariffsOn: (d: string) => Float64Array };
  if ('world' in source) {
    if (spec.parameters) throw new InputError(`parameters: a data set's parameters need that data set (e.g. --data ${DEFAULT_DATASET})`);
    base = { world: source.world, tariffsOn: () => { throw new InputError(`dates need a data set with dated measures (e.g. --data ${DEFAULT_DATASET})`); } };
  } else {
    const { world, schedule: dataSchedule } = openedData(source.data);
    const given = spec.measures ? { measures: spec.measures, parameters: dataSchedule?.parameters ?? new Map(), shares: dataSchedule?.shares } : dataSchedule;
    const schedule = spec.parameters ? withParameters(given ?? { measures: [], parameters: new Map() }, spec.parameters) : given;
    const tariffsOn = (d: string) => {
      if (!schedule) throw new InputError(`data set ${source.data} has no dated measures, so "at" and date-based disagreement points cannot be used`);
      return tariffsAt(world, schedule, d).t;
    };
    base = { world, tariffsOn };
  }
  let world = base.world;
  if (spec.elasticity_set !== undefined) {
    if (typeof spec.elasticity_set !== 'string') throw new InputError(`elasticity_set: expected a set's name once distributions are drawn, found ${JSON.stringify(spec.elasticity_set)}`);
    world = withElasticitySet(world, spec.elasticity_set, 'elasticity_set');
  }
  if (spec.eps !== undefined) {
    if (typeof spec.eps !== 'number' || !(spec.eps > 0)) throw new InputError(`eps: a trade elasticity must be a positive number, found ${JSON.stringify(spec.eps)}`);
    world = createWorld({ ...world, eps: spec.eps });
  }
  const statusQuo = noShock(world);
  if (spec.at) statusQuo.tariffs.set(base.tariffsOn(spec.at));
  return { world, statusQuo, tariffsOn: base.tariffsOn, at: spec.at };
}

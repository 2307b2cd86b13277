/**
 * A scenario's timeline per branch: the events in force, the tariff measures
 * they make (replayed through the data set's schedule engine), and the state
 * of diplomacy on any date (which outside options exist and how likely, which
 * linked issues are on the table, which coalitions are possible).
 */
import { InputError } from '../errors.js';
import { checkContradictions, type Action, type Measure } from '../schedule/measures.js';
import type { Schedule } from '../schedule/schedule.js';
import type { Uncertain } from '../strategy/uncertainty.js';
import type { LoadedScenario } from './load.js';
import type { Branch, Scenario, ScenarioEvent } from './schema.js';

export type Actor = Scenario['actors'][string];

export interface Timeline {
  name: string;
  title: string;
  why: string;
  events: ScenarioEvent[];
  actors: Record<string, Actor>;
  schedule: Schedule;
}

const ACTION: Record<string, Action> = { tariff: 'set', retaliate: 'set', pause: 'pause', exempt: 'exempt' };

/** The measures a list of events makes, checked against the data set's economies, sectors and parameters. */
export function measuresOf(events: readonly ScenarioEvent[], ls: LoadedScenario): Measure[] {
  const sectors = ls.schedule.shares?.sectors ?? (ls.world.S > 1 ? ls.world.sectors : []);
  const params = ls.schedule.parameters;
  const value = (v: number | string, e: ScenarioEvent, field: string) => {
    if (typeof v === 'number') return { value: v };
    const p = params.get(v);
    if (!p) throw new InputError(`${ls.file}: event ${e.id}: ${field} "${v}" is neither a number nor a parameter of the data set (${[...params.keys()].join(', ')})`);
    return { value: p.value, param: v };
  };
  const out: Measure[] = [];
  for (const e of events) {
    if (!(e.type in ACTION)) continue;
    const m = e as Extract<ScenarioEvent, { type: 'tariff' }>;
    const sectorList = m.sectors ?? '*';
    if (sectorList !== '*') for (const s of sectorList) if (!sectors.includes(s)) throw new InputError(`${ls.file}: event ${e.id}: unknown sector "${s}" (known: ${sectors.join(', ') || 'none'})`);
    const rate = value(m.rate, e, 'rate');
    const share = value(m.share ?? 1, e, 'share');
    const coverage = value(m.covers ?? 1, e, 'covers');
    out.push({
      id: e.id,
      announced: e.date,
      effective: m.effective ?? e.date,
      until: m.until,
      importer: m.importer,
      exporters: m.exporters,
      except: m.except ?? [],
      sectors: sectorList,
      authority: m.authority,
      action: ACTION[e.type],
      rate: rate.value,
      share: share.value,
      covers: coverage.value,
      rateParam: rate.param,
      shareParam: share.param,
      coversParam: coverage.param,
      note: e.note,
    });
  }
  try {
    checkContradictions(out);
  } catch (err) {
    throw new InputError(`${ls.file}: ${(err as Error).message}`);
  }
  return out;
}

function applyBranch(s: Scenario, b: Branch): ScenarioEvent[] {
  const removed = new Set(b.remove);
  const replaced = new Set(b.add.map((e) => e.id));
  const events = [...s.events.filter((e) => !removed.has(e.id) && !replaced.has(e.id)), ...b.add];
  return events.map((e, k) => ({ e, k })).sort((x, y) => (x.e.date < y.e.date ? -1 : x.e.date > y.e.date ? 1 : x.k - y.k)).map((x) => x.e);
}

/** A branch's override of an actor: only the fields it names change (values and balances merge by key). */
function overrideActor(a: Actor, o: Branch['actors'][string] | undefined): Actor {
  if (!o) return a;
  return {
    ...a,
    ...(o.patience !== undefined ? { patience: o.patience } : {}),
    ...(o.objective_from !== undefined ? { objective_from: o.objective_from ?? undefined } : {}),
    ...(o.why ? { why: o.why } : {}),
    values: { ...a.values, ...(o.values ?? {}) },
    objective: {
      welfare: o.objective?.welfare ?? a.objective.welfare,
      revenue: o.objective?.revenue ?? a.objective.revenue,
      balances: { ...a.objective.balances, ...(o.objective?.balances ?? {}) },
    },
  };
}

/** The main line and every branch (or only the one named). */
export function timelines(ls: LoadedScenario, only?: string): Timeline[] {
  const s = ls.scenario;
  const all: { name: string; title: string; why: string; events: ScenarioEvent[]; actors: Record<string, Actor> }[] = [
    { name: 'main', title: 'What happened (to 21 April 2025) and the main line after it', why: 'the events as sourced', events: s.events, actors: s.actors },
    ...s.branches.map((b) => ({
      name: b.name,
      title: b.title,
      why: b.why,
      events: applyBranch(s, b),
      actors: Object.fromEntries(Object.entries(s.actors).map(([c, a]) => [c, overrideActor(a, b.actors[c])])),
    })),
  ];
  const chosen = only ? all.filter((t) => t.name === only) : all;
  if (only && chosen.length === 0) throw new InputError(`unknown branch "${only}" (branches: ${all.map((t) => t.name).join(', ')})`);
  return chosen.map((t) => ({ ...t, schedule: { measures: measuresOf(t.events, ls), parameters: ls.schedule.parameters, shares: ls.schedule.shares } }));
}

export interface OptionState {
  id: string;
  party: string;
  probability: Uncertain;
  tariffs: { importer: string; exporter: string; sector?: string; change: Uncertain }[];
  why: string;
  /** Events that set its probability so far. */
  setBy: string[];
}

export interface IssueState {
  name: string;
  unit: string;
  by: string;
  of: string;
  lower: Uncertain;
  upper: Uncertain;
  tariffs?: { importer: string; exporter: string; sector?: string; change: Uncertain }[];
  retaliation?: { by: string; probability: Uncertain; why: string };
  purchases?: { sectors: string[]; value: Uncertain }[];
  transfer?: { value: Uncertain };
}

export interface Diplomacy {
  options: OptionState[];
  issues: IssueState[];
  coalitions: { id: string; members: string[]; counterpart: string; why: string }[];
  rounds: { id: string; date: string; parties: string[]; outcome?: string }[];
}

/** The state of diplomacy on `date` (events dated on or before it). */
export function diplomacyAt(s: Scenario, events: readonly ScenarioEvent[], date: string): Diplomacy {
  const options = new Map<string, OptionState>(s.options.map((o) => [o.id, { ...o, setBy: [] }]));
  const issues = new Map<string, IssueState>();
  const coalitions: Diplomacy['coalitions'] = [];
  const rounds: Diplomacy['rounds'] = [];
  for (const e of events) {
    if (e.date > date) break;
    if (e.type === 'envoy' || e.type === 'letter') {
      const o = options.get(e.effect.option)!;
      o.probability = e.effect.probability;
      o.setBy.push(e.id);
    } else if (e.type === 'demand') issues.set(e.issue.name, { ...e.issue, by: e.by, of: e.of });
    else if (e.type === 'consult' && e.coalition) coalitions.push({ ...e.coalition });
    else if (e.type === 'negotiation-round') rounds.push({ id: e.id, date: e.date, parties: e.parties, outcome: e.outcome });
  }
  return { options: [...options.values()], issues: [...issues.values()], coalitions, rounds };
}

/**
 * Load a scenario: validate it against the schema and its cross-references
 * (ids, order of events, codes the data set knows, levers that exist), each
 * error naming the file, line and field.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_NAME, isBuiltinDataset, listBuiltinDatasets } from '../data/datasets.js';
import type { LoadedManifest } from '../data/manifest.js';
import { goodsSectors, type World } from '../data/world.js';
import { failAt, parseYamlSource, readYamlSource, validateSource, type PathIssue, type YamlSource } from '../data/yaml.js';
import { InputError } from '../errors.js';
import type { Schedule } from '../schedule/schedule.js';
import { openScheduledDataset } from '../schedule/open.js';
import { parametersKnownOn, type Parameter } from '../schedule/measures.js';
import { withExtends } from './extends.js';
import { ScenarioSchema, type Scenario, type ScenarioEvent } from './schema.js';

/** Folder of the built-in scenarios (works from src/ and from dist/). */
export const SCENARIO_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

export interface LoadedScenario {
  scenario: Scenario;
  /** The scenario's file, or for text from outside the label that names it. */
  file: string;
  /** The text, when the scenario was given as text (loadScenarioText): threads and queue workers load it from this. */
  text?: string;
  world: World;
  schedule: Schedule;
  loaded: LoadedManifest;
  dataHash: string;
}

/** Is `name` a built-in scenario (scenarios/NAME.yaml)? Names are plain words, so never a path. */
export function isBuiltinScenario(name: string): boolean {
  return BUILTIN_NAME.test(name) && existsSync(join(SCENARIO_DIR, `${name}.yaml`));
}

/** Names of the built-in scenarios. */
export function listBuiltinScenarios(): string[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/**
 * A scenario's text checked without its data: the schema and the structure
 * (order, ids, sources, references), with line and field. What the API checks
 * at submission, before a job is queued.
 */
export function checkScenarioText(text: string, label: string): Scenario {
  return validateSource(textSource(text, label), ScenarioSchema, checkStructure);
}

/** The file an `extends` names: a built-in scenario, or a file in `folder` (none for text from outside). */
function resolveExtended(name: string, folder: string | null): string | undefined {
  if (isBuiltinScenario(name)) return join(SCENARIO_DIR, `${name}.yaml`);
  if (folder === null) return undefined;
  const file = resolve(folder, name);
  return existsSync(file) ? file : undefined;
}

/** A scenario file parsed, with any scenario it extends merged in (extends.ts). */
function fileSource(file: string): YamlSource {
  return withExtends(readYamlSource(file, 'scenario'), file, resolveExtended);
}

/** Scenario text from outside, with any built-in scenario it extends merged in. */
function textSource(text: string, label: string): YamlSource {
  return withExtends(parseYamlSource(text, label), null, resolveExtended);
}

/** The YAML text of a built-in scenario (the page's editor starts from it). */
export function builtinScenarioText(name: string): string {
  return readFileSync(join(SCENARIO_DIR, `${name}.yaml`), 'utf8');
}

/** A built-in scenario checked without its data (see checkScenarioText). */
export function checkBuiltinScenario(name: string): Scenario {
  return readScenarioFile(join(SCENARIO_DIR, `${name}.yaml`));
}

/** A scenario file, validated by the schema and the structural checks (no data needed). */
function readScenarioFile(file: string): Scenario {
  return validateSource(fileSource(file), ScenarioSchema, checkStructure);
}

/** Branch names a scenario runs: `main` and its branches. */
export function branchNames(s: Scenario): string[] {
  return ['main', ...s.branches.map((b) => b.name)];
}

/** A built-in scenario name (scenarios/NAME.yaml) or a path. */
export function resolveScenario(nameOrPath: string): string {
  if (isBuiltinScenario(nameOrPath)) return join(SCENARIO_DIR, `${nameOrPath}.yaml`);
  const p = resolve(nameOrPath);
  if (existsSync(p)) return p;
  throw new InputError(`unknown scenario "${nameOrPath}": not a built-in name nor a file`);
}

const TARIFF_TYPES = new Set(['tariff', 'retaliate', 'pause', 'exempt']);

/** Structural checks that need no data: order, ids, sources, references. */
function checkStructure(s: Scenario): PathIssue | undefined {
  const ids = new Map<string, number>();
  let last = '';
  for (const [k, e] of s.events.entries()) {
    if (ids.has(e.id)) return { path: ['events', k, 'id'], message: `duplicate event id "${e.id}" (first at events[${ids.get(e.id)}])` };
    ids.set(e.id, k);
    if (e.date < last) return { path: ['events', k, 'date'], message: `events out of order: ${e.date} comes after ${last}; list events by date` };
    last = e.date;
    if (!e.source && !e.assumption) return { path: ['events', k], message: 'every event needs a "source" or an "assumption" saying why' };
    if (TARIFF_TYPES.has(e.type)) {
      const m = e as Extract<ScenarioEvent, { type: 'tariff' }>;
      if (m.until && m.until <= (m.effective ?? m.date)) return { path: ['events', k, 'until'], message: `until ${m.until} is not after effective ${m.effective ?? m.date}` };
    }
  }
  const options = new Set(s.options.map((o) => o.id));
  for (const [k, e] of s.events.entries()) {
    if ((e.type === 'envoy' || e.type === 'letter') && !options.has(e.effect.option)) return { path: ['events', k, 'effect', 'option'], message: `unknown option "${e.effect.option}" (options: ${[...options].join(', ') || 'none'})` };
  }
  const branchNames = new Set<string>();
  for (const [k, b] of s.branches.entries()) {
    if (b.name === 'main' || branchNames.has(b.name)) return { path: ['branches', k, 'name'], message: `branch name "${b.name}" is taken` };
    branchNames.add(b.name);
    for (const [q, id] of b.remove.entries()) if (!ids.has(id)) return { path: ['branches', k, 'remove', q], message: `no event "${id}" to remove` };
    for (const [q, e] of b.add.entries()) if (!e.source && !e.assumption) return { path: ['branches', k, 'add', q], message: 'every event needs a "source" or an "assumption" saying why' };
  }
  const sourceIssue = checkObjectiveSources(s);
  if (sourceIssue) return sourceIssue;
  const qids = new Set<string>();
  const issues = new Set(s.events.flatMap((e) => (e.type === 'demand' ? [e.issue.name] : [])).concat(s.branches.flatMap((b) => b.add.flatMap((e) => (e.type === 'demand' ? [e.issue.name] : [])))));
  const coalitions = new Set(s.events.flatMap((e) => (e.type === 'consult' && e.coalition ? [e.coalition.id] : [])).concat(s.branches.flatMap((b) => b.add.flatMap((e) => (e.type === 'consult' && e.coalition ? [e.coalition.id] : [])))));
  for (const [k, q] of s.questions.entries()) {
    if (qids.has(q.id)) return { path: ['questions', k, 'id'], message: `duplicate question id "${q.id}"` };
    qids.add(q.id);
    if (q.type === 'negotiate') {
      for (const [l, lever] of q.levers.entries()) {
        const m = /^patience:(.+)$/.exec(lever);
        const ok = options.has(lever) || issues.has(lever) || coalitions.has(lever) || (m && q.parties.includes(m[1]));
        if (!ok) return { path: ['questions', k, 'levers', l], message: `unknown lever "${lever}": expected an option (${[...options].join(', ')}), an issue (${[...issues].join(', ')}), a coalition (${[...coalitions].join(', ')}) or patience:PARTY` };
      }
    }
    if (q.type === 'coalitions' && !coalitions.has(q.coalition)) return { path: ['questions', k, 'coalition'], message: `unknown coalition "${q.coalition}" (from consult events: ${[...coalitions].join(', ') || 'none'})` };
  }
  return undefined;
}

/** An actor's `objective_from` (main line or branch) names a calibrate question about that actor. */
function checkObjectiveSources(s: Scenario): PathIssue | undefined {
  const check = (code: string, id: string | null | undefined, path: (string | number)[]): PathIssue | undefined => {
    if (id === undefined || id === null) return undefined;
    const q = s.questions.find((x) => x.id === id);
    if (!q || q.type !== 'calibrate') return { path, message: `no calibrate question "${id}" (calibrate questions: ${s.questions.filter((x) => x.type === 'calibrate').map((x) => x.id).join(', ') || 'none'})` };
    if (q.player !== code) return { path, message: `question "${id}" calibrates ${q.player}'s objective, not ${code}'s` };
    return undefined;
  };
  for (const [code, a] of Object.entries(s.actors)) {
    const r = check(code, a.objective_from, ['actors', code, 'objective_from']);
    if (r) return r;
  }
  for (const [k, b] of s.branches.entries()) {
    for (const [code, a] of Object.entries(b.actors ?? {})) {
      const r = check(code, a.objective_from, ['branches', k, 'actors', code, 'objective_from']);
      if (r) return r;
    }
  }
  return undefined;
}

/** Economy codes must exist in the data set. */
function checkCodes(s: Scenario, world: World): PathIssue | undefined {
  const known = new Set(world.codes);
  const bad = (path: (string | number)[], c: string): PathIssue => ({ path, message: `unknown economy "${c}" (the data set has ${world.codes.join(', ')})` });
  for (const a of Object.keys(s.actors)) if (!known.has(a)) return bad(['actors', a], a);
  const walk = (v: unknown, path: (string | number)[]): PathIssue | undefined => {
    if (Array.isArray(v)) {
      for (const [k, x] of v.entries()) {
        const r = walk(x, [...path, k]);
        if (r) return r;
      }
      return undefined;
    }
    if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (['importer', 'exporter', 'party', 'from', 'to', 'by', 'of', 'counterpart', 'player'].includes(k) && typeof x === 'string' && !known.has(x)) return bad([...path, k], x);
        if (['exporters', 'except', 'parties', 'members', 'players', 'targets'].includes(k) && Array.isArray(x)) {
          for (const [q, c] of x.entries()) if (typeof c === 'string' && !known.has(c)) return bad([...path, k, q], c);
        }
        const r = walk(x, [...path, k]);
        if (r) return r;
      }
    }
    return undefined;
  };
  for (const [k, c] of s.focus.economies.entries()) if (!known.has(c)) return bad(['focus', 'economies', k], c);
  if (!known.has(s.focus.reference)) return bad(['focus', 'reference'], s.focus.reference);
  for (const [k, sector] of (s.focus.sectors ?? []).entries()) {
    if (!world.io || !world.sectors.includes(sector)) return { path: ['focus', 'sectors', k], message: `"${sector}" is not a sector of this data set with input-output links (${world.io ? world.sectors.join(', ') : 'it has none'})` };
  }
  const sets = world.meta.elasticitySets ? Object.keys(world.meta.elasticitySets) : [];
  const named = s.elasticity_set === undefined ? [] : typeof s.elasticity_set === 'string' ? [s.elasticity_set] : s.elasticity_set.values;
  for (const [k, name] of named.entries()) {
    if (!sets.includes(name)) return { path: typeof s.elasticity_set === 'string' ? ['elasticity_set'] : ['elasticity_set', 'values', k], message: `unknown elasticity set "${name}" (the data set has ${sets.join(', ') || 'none'})` };
  }
  // Only goods are bargained over (negotiation-setup refuses the rest): say so here, where the file's line is known.
  const goods = goodsSectors(world).map((g) => world.sectors[g]);
  const notGoods = (path: (string | number)[], sector: string): PathIssue => ({ path, message: `unknown sector "${sector}" (the data set's goods sectors: ${goods.join(', ')})` });
  for (const [k, q] of s.questions.entries()) {
    for (const [m, sector] of (q.type === 'negotiate' ? (q.separate ?? []) : []).entries()) {
      if (!goods.includes(sector)) return notGoods(['questions', k, 'separate', m], sector);
    }
  }
  const demands = eventsWithPaths(s);
  for (const [path, e] of demands) {
    if (e.type !== 'demand') continue;
    for (const [m, pc] of (e.issue.purchases ?? []).entries()) {
      for (const [q, sector] of pc.sectors.entries()) {
        if (!goods.includes(sector)) return notGoods([...path, 'issue', 'purchases', m, 'sectors', q], sector);
      }
    }
  }
  return walk({ events: s.events, questions: s.questions, options: s.options, branches: s.branches }, []);
}

/** The scenario `parley run` and the API run when none is named. */
export const DEFAULT_SCENARIO = 'april-2025';

/**
 * The scenario the web page opens with: the episode in one sector, whose deal re-computes in a fraction of a second, so
 * levers and sliders answer as they move. april-2025 (in sectors) is one pick away; its deal takes seconds to re-compute.
 */
export const PAGE_SCENARIO = 'april-2025-1s';

export function loadScenario(nameOrPath: string): LoadedScenario {
  const file = resolveScenario(nameOrPath);
  const source = fileSource(file);
  const scenario = validateSource(source, ScenarioSchema, checkStructure);
  // Data names resolve as built-ins, else relative to the scenario's folder.
  const dataRef = BUILTIN_NAME.test(scenario.data) ? scenario.data : resolve(file, '..', scenario.data);
  const { loaded, world, schedule, hash } = openScheduledDataset(dataRef);
  const known = asKnown(scenario, schedule);
  failAt(source, checkCodes(scenario, world) ?? checkDates(scenario, known.parameters));
  return { scenario, file, world, schedule: known, loaded, dataHash: hash };
}

/**
 * A scenario given as text (the HTTP API); `label` names it in messages. Its data must be a
 * built-in data set: text from outside never names a path.
 */
export function loadScenarioText(text: string, label: string): LoadedScenario {
  const source = textSource(text, label);
  const scenario = validateSource(source, ScenarioSchema, checkStructure);
  if (!isBuiltinDataset(scenario.data)) throw new InputError(`${label}: field "data": expected a built-in data set (${listBuiltinDatasets().join(', ')}), found "${scenario.data}"`);
  const { loaded, world, schedule, hash } = openScheduledDataset(scenario.data);
  const known = asKnown(scenario, schedule);
  failAt(source, checkCodes(scenario, world) ?? checkDates(scenario, known.parameters));
  return { scenario, file: label, text, world, schedule: known, loaded, dataHash: hash };
}

/** Every event, the main line's and each branch's additions, with its path in the file. */
function eventsWithPaths(s: Scenario): [(string | number)[], ScenarioEvent][] {
  return [...s.events.map((e, k): [(string | number)[], ScenarioEvent] => [['events', k], e]), ...s.branches.flatMap((b, k) => b.add.map((e, q): [(string | number)[], ScenarioEvent] => [['branches', k, 'add', q], e]))];
}

/** The data set's schedule with its parameters as known on the scenario's `as_of` day (all of it without one). */
function asKnown(s: Scenario, schedule: Schedule): Schedule {
  return s.as_of ? { ...schedule, parameters: parametersKnownOn(schedule.parameters, s.as_of) } : schedule;
}

/**
 * A scenario keeps to its day: with `as_of`, no event after it. Parameters Monte Carlo draws must be the data set's
 * (`known`: as known on that day), with a stated range.
 */
function checkDates(s: Scenario, known: ReadonlyMap<string, Parameter>): PathIssue | undefined {
  if (s.as_of) {
    for (const [path, e] of eventsWithPaths(s)) {
      if (e.date > s.as_of) return { path: [...path, 'date'], message: `event ${e.id} is dated ${e.date}, after the scenario's as_of ${s.as_of}: a scenario uses only what was known on its day` };
    }
  }
  for (const [k, name] of (s.draw_parameters ?? []).entries()) {
    const p = known.get(name);
    if (!p) return { path: ['draw_parameters', k], message: `"${name}" is not a parameter of the data set${s.as_of ? ` known on ${s.as_of}` : ''} (${[...known.keys()].join(', ') || 'none'})` };
    if (p.low === undefined || !(p.high! > p.low)) return { path: ['draw_parameters', k], message: `parameter ${name} states no range (low < high) to draw from` };
  }
  return undefined;
}

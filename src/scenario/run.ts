/**
 * Run a scenario: every question on the main line and on each branch, with
 * the branch's own tariff timeline and state of diplomacy. Negotiations and
 * coalition analyses become strategy specs (the same as `parley negotiate`
 * takes), so the report's numbers are the library's; Monte Carlo uses the
 * scenario's seed (the same draws on every branch: common random numbers).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BUILTIN_NAME } from '../data/datasets.js';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { errorFromRecord, errorRecord, InputError } from '../errors.js';
import { startWorker } from '../worker.js';
import type { BranchMessage, BranchTask, CalibrationAnswer } from './branch-worker.js';
import { announcedTariffs, calibratedObjective, calibrationOn, type CalibrationResult } from '../run/calibrate.js';
import { ioSectorResults } from '../model/io-results.js';
import { warn } from '../warn.js';
import { isAbsolute } from 'node:path';
import { ijs, type World } from '../data/world.js';
import { solveOrThrow } from '../model/equilibrium.js';
import { economyRecord, economyResults } from '../model/results.js';
import { attachUncertainty } from '../run/bands.js';
import { runStrategy } from '../run/strategy.js';
import { worldOnDate } from '../run/dated.js';
import { tariffsAt } from '../schedule/schedule.js';
import { runSpec } from '../run/runners.js';
import type { SpecKind } from '../run/spec.js';
import { resolveUncertain, type Choice } from '../strategy/uncertainty.js';
import { withElasticitySet } from '../data/elasticity-sets.js';
import type { LoadedScenario } from './load.js';
import type { Question, Scenario } from './schema.js';
import { diplomacyAt, timelines, type Timeline } from './timeline.js';

export interface RunOptions {
  /** Only this branch ("main" for the main line). */
  branch?: string;
  /** Override every question's Monte Carlo draws (0 turns Monte Carlo off). */
  draws?: number;
  onProgress?: (label: string, done: number, total: number) => void;
  /**
   * Run on the queue of this Redis server (run/queue.ts): with several branches, each branch is one task (its draws
   * on that worker's threads); with one, its Monte Carlo draws are the tasks.
   */
  redis?: string;
  /** Cancels a run on the queue (its tasks are removed or stopped) or on local threads (they are stopped). */
  signal?: AbortSignal;
  /** Threads for a run of several branches (default: one per core); 1 runs them one after another on this thread. */
  workers?: number;
  /** Leave calibrations unanswered (null): a branch thread's, whose main thread answers them once for every branch. */
  calibrationsElsewhere?: boolean;
  /** Where a branch thread gets a calibration an actor's objective_from names: its main thread, which computes each once. */
  askCalibration?: (question: string) => Promise<CalibrationResult>;
}

/** A branch task has no time limit of its own; this only stops a runaway. */
const BRANCH_TASK_MS = 6 * 3600 * 1000;

export interface QuestionResult {
  id: string;
  type: Question['type'];
  title?: string;
  at: string;
  result: unknown;
}

export interface BranchResult {
  name: string;
  title: string;
  why: string;
  events: number;
  questions: QuestionResult[];
}

export interface ScenarioResult {
  scenario: string;
  title: string;
  data: string;
  data_hash: string;
  seed: number;
  deficits: string;
  /** The scenario's elasticity set or choice of sets, when it names one (the first is the central one). */
  elasticity_set?: string | Choice;
  /** The data-set parameters Monte Carlo draws (`draw_parameters`), each with its value (the central one) and range, as known on the scenario's day. */
  drawn_parameters?: { name: string; value: number; low: number; high: number; date?: string }[];
  /** Actors whose objective on the main line is a calibrate question's estimate: code -> question id. */
  objectives_from?: Record<string, string>;
  /** The economies the report and page lead with, and the reference economy of tariff tables. */
  focus: { economies: string[]; reference: string; sectors?: string[] };
  branches: BranchResult[];
  negotiations: unknown[];
  sources: { id: string; date: string; type: string; source?: string; assumption?: string }[];
}

/** The data reference workers can load: a built-in name or an absolute manifest path. */
function dataRef(ls: LoadedScenario): string {
  const d = ls.scenario.data;
  return BUILTIN_NAME.test(d) || isAbsolute(d) ? d : ls.loaded.file;
}

/** The strategy spec of a negotiation or coalition question on one timeline. */
function negotiationSpec(ls: LoadedScenario, tl: Timeline, q: Extract<Question, { type: 'negotiate' | 'coalitions' }>, parties: string[]) {
  const s = ls.scenario;
  const dip = diplomacyAt(s, tl.events, q.at);
  const actor = (c: string) => tl.actors[c];
  const objectives = Object.fromEntries(parties.filter((p) => actor(p)).map((p) => [p, actor(p).objective]));
  const patience = parties.every((p) => actor(p)?.patience !== undefined) ? Object.fromEntries(parties.map((p) => [p, actor(p).patience!])) : undefined;
  const issues = dip.issues
    .filter((is) => parties.includes(is.by) && parties.includes(is.of))
    .map((is) => ({
      name: is.name,
      lower: is.lower,
      upper: is.upper,
      values: Object.fromEntries(parties.map((p) => [p, actor(p)?.values[is.name] ?? 0])),
      tariffs: is.tariffs,
      retaliation: is.retaliation ? { by: is.retaliation.by, probability: is.retaliation.probability } : undefined,
      // A demand for purchases: the party asked (of) buys the demander's (by) goods.
      purchases: is.purchases?.map((pc) => ({ buyer: is.of, seller: is.by, sectors: pc.sectors, value: pc.value })),
      // A pledge: the party asked pays the demander.
      transfers: is.transfer ? [{ from: is.of, to: is.by, value: is.transfer.value }] : undefined,
    }));
  const options = dip.options.filter((o) => parties.includes(o.party)).map((o) => ({ name: o.id, party: o.party, probability: o.probability, tariffs: o.tariffs }));
  return {
    data: dataRef(ls),
    ...elasticitySet(ls),
    ...drawnParameters(ls),
    at: q.at,
    measures: tl.schedule.measures,
    deficits: s.deficits,
    objectives,
    ...(patience ? { patience } : {}),
    issues,
    outside_options: options,
    coalitions: dip.coalitions.map((c) => ({ id: c.id, members: c.members, counterpart: c.counterpart })),
  };
}

/** The scenario's elasticity set, as the spec field every strategy question carries (absent: the data set's default). */
function elasticitySet(ls: LoadedScenario) {
  return ls.scenario.elasticity_set === undefined ? {} : { elasticity_set: ls.scenario.elasticity_set };
}

/** The data-set parameters the scenario draws (`draw_parameters`), each with its value and range as known on its day (load.ts checked them). */
function drawnRanges(ls: LoadedScenario): NonNullable<ScenarioResult['drawn_parameters']> {
  return (ls.scenario.draw_parameters ?? []).map((name) => {
    const p = ls.schedule.parameters.get(name)!;
    return { name, value: p.value, low: p.low!, high: p.high!, ...(p.date ? { date: p.date } : {}) };
  });
}

/** The drawn parameters as the spec field every strategy question carries: triangular over each range, peaked at the value. */
function drawnParameters(ls: LoadedScenario) {
  const ranges = drawnRanges(ls);
  return ranges.length === 0 ? {} : { parameters: Object.fromEntries(ranges.map((p) => [p.name, { dist: 'triangular' as const, min: p.low, mode: p.value, max: p.high }])) };
}

/** The world the scenario's central answers use: with the first of its elasticity sets, if it names any. */
function scenarioWorld(ls: LoadedScenario): World {
  const e = ls.scenario.elasticity_set;
  return e === undefined ? ls.world : withElasticitySet(ls.world, typeof e === 'string' ? e : e.values[0], 'elasticity_set');
}

/** What a run's questions share: the world of its central answers (made once), and calibrations by announced tariffs. */
interface RunShared {
  world: World;
  calibrations: Map<string, CalibrationResult>;
}

/**
 * A calibrate question's answer on a timeline. It reads the tariffs the timeline had announced by the date as the
 * player's best response and depends on nothing else, so timelines that announced the same tariffs share one.
 */
function calibrationFor(ls: LoadedScenario, tl: Timeline, q: Extract<Question, { type: 'calibrate' }>, shared: RunShared): CalibrationResult {
  const { world, calibrations } = shared;
  const observed = announcedTariffs(world, tl.schedule, q.at);
  const key = `${q.id}:${createHash('sha256').update(new Uint8Array(observed.buffer, observed.byteOffset, observed.byteLength)).digest('hex')}`;
  if (!calibrations.has(key)) calibrations.set(key, calibrationOn(world, observed, ls.dataHash, { player: q.player, at: q.at, weights: q.weights, instrument: q.instrument, targets: q.targets, method: q.method, deficits: ls.scenario.deficits }));
  return calibrations.get(key)!;
}

/** The economies whose objectives a question weighs (none for the questions that weigh no objective, which need no calibration). */
function weighedBy(s: Scenario, tl: Timeline, q: Question): string[] {
  switch (q.type) {
    case 'war':
      return q.players;
    case 'best-response':
      return [q.player];
    case 'negotiate':
      return q.parties;
    case 'coalitions': {
      const c = diplomacyAt(s, tl.events, q.at).coalitions.find((x) => x.id === q.coalition);
      return c ? [c.counterpart, ...c.members] : [];
    }
    default:
      return [];
  }
}

/**
 * The timeline with each actor the question weighs that names `objective_from` weighing what that calibration
 * estimates (drawn over its bands in Monte Carlo). Only those: a question starts as soon as its own players' are known.
 */
async function withCalibratedObjectives(ls: LoadedScenario, tl: Timeline, q: Question, shared: RunShared, o: RunOptions): Promise<Timeline> {
  const weighed = new Set(weighedBy(ls.scenario, tl, q));
  const from = Object.entries(tl.actors).filter(([code, a]) => a.objective_from && weighed.has(code));
  if (from.length === 0) return tl;
  const actors = { ...tl.actors };
  for (const [code, a] of from) {
    const cq = ls.scenario.questions.find((x) => x.id === a.objective_from) as Extract<Question, { type: 'calibrate' }>;
    const c = o.askCalibration ? await o.askCalibration(cq.id) : calibrationFor(ls, tl, cq, shared);
    actors[code] = { ...a, objective: calibratedObjective(shared.world, code, c) };
  }
  return { ...tl, actors };
}

async function runQuestion(ls: LoadedScenario, stated: Timeline, q: Question, seed: number, o: RunOptions, shared: RunShared): Promise<unknown> {
  const s = ls.scenario;
  const { world } = shared;
  const tl = await withCalibratedObjectives(ls, stated, q, shared, o);
  const source = { data: dataRef(ls) };
  switch (q.type) {
    case 'tariffs': {
      const at = tariffsAt(world, tl.schedule, q.at);
      const ref = s.focus.reference;
      const pairs = q.pairs ?? world.codes.flatMap((c) => (c === ref ? [] : [[ref, c] as [string, string], [c, ref] as [string, string]]));
      return pairs.map(([importer, exporter]) => {
        const c = at.cells.find((x) => x.importer === importer && x.exporter === exporter && x.sector === 'ALL')!;
        return { importer, exporter, rate: c.rate, measures: c.measures };
      });
    }
    case 'counterfactual': {
      // Measured from the world on the `against` date (the baseline solved forward to its tariffs: run/dated.ts).
      const from = worldOnDate(world, tl.schedule, q.against ?? s.baseline, { deficits: s.deficits });
      const to = tariffsAt(world, tl.schedule, q.at).t;
      const eq = solveOrThrow(from, { tariffs: to, costFactors: new Float64Array(to.length).fill(1) }, { deficits: s.deficits });
      const { N, S } = world;
      let moved = 0;
      for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) for (let k = 0; k < S; k++) if (from.t[ijs(N, S, i, j, k)] !== to[ijs(N, S, i, j, k)]) moved++;
      // The focus sectors' output and prices in the focus economies (worlds with input-output links).
      const focusSectors = s.focus.sectors ?? [];
      const sectors = focusSectors.length && eq.io ? ioSectorResults(eq, s.focus.economies).filter((r) => focusSectors.includes(r.sector)) : undefined;
      return { against: q.against ?? s.baseline, tariffs_changed: moved, deficits: s.deficits, economies: economyResults(eq).map(economyRecord), ...(sectors ? { sectors } : {}) };
    }
    case 'calibrate':
      return o.calibrationsElsewhere ? null : calibrationFor(ls, tl, q, shared);
    case 'best-response':
    case 'war': {
      const spec = { data: source.data, at: q.at, measures: tl.schedule.measures, deficits: s.deficits, ...elasticitySet(ls), ...drawnParameters(ls), instrument: q.instrument, objectives: Object.fromEntries(Object.entries(tl.actors).map(([c, a]) => [c, a.objective])), ...(q.type === 'war' ? { players: q.players, among_players: true } : { player: q.player }) };
      return runSpec(q.type as SpecKind, resolveUncertain(spec, 'central'), source);
    }
    case 'negotiate':
    case 'coalitions': {
      const parties = weighedBy(s, tl, q);
      if (q.type === 'coalitions' && parties.length === 0) return { skipped: `coalition ${q.coalition} is not formed by ${q.at} on this branch` };
      const base = negotiationSpec(ls, tl, q, parties);
      // A lever exists on a branch only if its option, issue or coalition is on the table by then.
      const present = new Set([...base.outside_options.map((x) => x.name), ...base.issues.map((x) => x.name), ...base.coalitions.map((x) => x.id)]);
      // With details_on: main, a branch gives the deal alone (what the report and the page compare branches by).
      const details = q.type === 'negotiate' && (q.details_on === 'all' || tl.name === 'main');
      const levers = q.type === 'negotiate' && details ? q.levers.filter((l) => present.has(l) || (l.startsWith('patience:') && 'patience' in base)) : [];
      const unavailable = q.type === 'negotiate' && details ? q.levers.filter((l) => !levers.includes(l)) : [];
      const spec = q.type === 'negotiate'
        ? { ...base, parties, disagreement: q.disagreement, levers, frontier: details ? q.frontier : 0, ...(details ? {} : { sweep: false }), ...(q.instrument ? { instrument: q.instrument } : {}), ...(q.separate ? { separate: q.separate } : {}) }
        : { ...base, counterpart: parties[0], members: parties.slice(1) };
      const kind: SpecKind = q.type === 'negotiate' ? 'negotiate' : 'coalitions';
      const mcHere = q.type === 'negotiate' && q.monte_carlo && (q.monte_carlo.on === 'all' || tl.name === 'main');
      const draws = q.type === 'negotiate' ? o.draws ?? (mcHere ? q.monte_carlo!.draws : 0) : 0;
      // Bands come from the deal and its cheaper levers; coalition levers (a multilateral bargain each) stay central.
      const run = await runStrategy(kind, spec, source, {
        monteCarlo: { draws, seed },
        centralOnlyLevers: base.coalitions.map((c) => c.id),
        onProgress: (d, t) => o.onProgress?.(`${tl.name}/${q.id} Monte Carlo`, d, t),
        redis: o.redis,
        signal: o.signal,
      });
      // The central spec goes with the result, so the web page can re-compute the deal with levers changed.
      const central = { ...run.central, ...(unavailable.length ? { levers_unavailable: unavailable } : {}), ...(q.type === 'negotiate' ? { spec: resolveUncertain({ ...spec, frontier: 7, levers: [], sweep: false }, 'central') } : {}) };
      return attachUncertainty(central, run.uncertainty);
    }
  }
}

export async function runScenario(ls: LoadedScenario, o: RunOptions = {}): Promise<ScenarioResult> {
  const s = ls.scenario;
  const tls = timelines(ls, o.branch);
  if (o.redis && tls.length > 1 && BUILTIN_NAME.test(s.data)) return branchesOnQueue(ls, tls, { ...o, redis: o.redis });
  if (!o.redis && tls.length > 1 && (o.workers ?? availableParallelism()) > 1) return branchesOnThreads(ls, tls, o, o.workers ?? availableParallelism());
  const total = tls.length * s.questions.length;
  let done = 0;
  const branches: BranchResult[] = [];
  const negotiations: unknown[] = [];
  const shared: RunShared = { world: scenarioWorld(ls), calibrations: new Map() };
  for (const tl of tls) {
    const questions: QuestionResult[] = [];
    for (const [k, q] of s.questions.entries()) {
      o.onProgress?.(`${tl.name}: ${q.id}`, done, total);
      const result = await runQuestion(ls, tl, q, s.seed + k, o, shared);
      questions.push({ id: q.id, type: q.type, title: q.title, at: q.at, result });
      if (q.type === 'negotiate') {
        const r = result as { parties: string[]; agreement: unknown; levers: unknown[]; gains: unknown; disagreement: unknown; frontier: unknown };
        negotiations.push({ id: q.id, branch: tl.name, parties: r.parties, agreement: r.agreement, disagreement: r.disagreement, gains: r.gains, levers: r.levers, frontier: r.frontier });
      }
      done++;
    }
    branches.push({ name: tl.name, title: tl.title, why: tl.why, events: tl.events.length, questions });
  }
  o.onProgress?.('done', total, total);
  return scenarioResult(ls, branches, negotiations);
}

function scenarioResult(ls: LoadedScenario, branches: BranchResult[], negotiations: unknown[]): ScenarioResult {
  const s = ls.scenario;
  const sources = s.events.map((e) => ({ id: e.id, date: e.date, type: e.type, ...(e.source ? { source: e.source } : {}), ...(e.assumption ? { assumption: e.assumption } : {}) }));
  const drawn = drawnRanges(ls);
  const from = objectiveSources(s);
  return { scenario: s.scenario, title: s.title, data: s.data, data_hash: ls.dataHash, seed: s.seed, deficits: s.deficits, ...elasticitySet(ls), ...(drawn.length ? { drawn_parameters: drawn } : {}), ...(Object.keys(from).length ? { objectives_from: from } : {}), focus: s.focus, branches, negotiations, sources };
}

/** The main line's actors whose objective is a calibration: code -> calibrate question id. */
function objectiveSources(s: Scenario): Record<string, string> {
  return Object.fromEntries(Object.entries(s.actors).flatMap(([code, a]) => (a.objective_from ? [[code, a.objective_from]] : [])));
}

/**
 * Each branch as one job on the queue (the scenario's text travels; its data set is a built-in one, checked by hash
 * on return), gathered in branch order into the result the local run gives.
 */
async function branchesOnQueue(ls: LoadedScenario, tls: Timeline[], o: RunOptions & { redis: string }): Promise<ScenarioResult> {
  const text = ls.text ?? readFileSync(ls.file, 'utf8');
  const perBranch = ls.scenario.questions.length;
  const total = tls.length * perBranch;
  let done = 0;
  o.onProgress?.('branches on the queue', 0, total);
  const inputs = tls.map((tl) => ({ type: 'scenario', text, branch: tl.name, ...(o.draws === undefined ? {} : { draws: o.draws }), save: false }));
  // The queue's code (BullMQ, Redis) loads only when asked for.
  const { runJobsOnQueue } = await import('../run/queue.js');
  const answers = await runJobsOnQueue(inputs, { redis: o.redis, timeoutMs: BRANCH_TASK_MS, signal: o.signal, onDone: (k) => o.onProgress?.(`${tls[k].name}: done`, (done += perBranch), total) });
  const branches: BranchResult[] = [];
  const negotiations: unknown[] = [];
  answers.forEach((a, k) => {
    const r = a.result as ScenarioResult;
    if (r.data_hash !== ls.dataHash) throw new InputError(`branch ${tls[k].name} ran on data set ${ls.scenario.data} with content hash ${r.data_hash.slice(0, 12)}, this run's is ${ls.dataHash.slice(0, 12)}: refusing to mix numbers`);
    branches.push(...r.branches);
    negotiations.push(...r.negotiations);
    a.warnings.forEach((m) => warn(m));
  });
  return scenarioResult(ls, branches, negotiations);
}

/**
 * Each branch on a local thread of its own (branch-worker.ts), as many at once as `workers`, the main line first (it
 * has the Monte Carlo draws, the longest task). Branches share nothing but calibrations, which this thread answers
 * meanwhile, once per set of announced tariffs as a run on one thread does. Results are gathered in branch order, so
 * the result is the one a run on one thread gives.
 */
async function branchesOnThreads(ls: LoadedScenario, tls: Timeline[], o: RunOptions, workers: number): Promise<ScenarioResult> {
  const s = ls.scenario;
  const perBranch = s.questions.length;
  const total = tls.length * perBranch;
  const done = new Array<number>(tls.length).fill(0);
  const report = (label: string) => o.onProgress?.(label, done.reduce((a, b) => a + b, 0), total);
  const threads: Worker[] = [];
  const shared: RunShared = { world: scenarioWorld(ls), calibrations: new Map() };
  const source: Pick<BranchTask, 'file' | 'text'> = ls.text !== undefined ? { text: ls.text } : { file: ls.file };
  const runBranch = (k: number) =>
    new Promise<ScenarioResult>((resolve, reject) => {
      const task: BranchTask = { ...source, branch: tls[k].name, ...(o.draws === undefined ? {} : { draws: o.draws }) };
      const worker = startWorker(import.meta.url, 'branch-worker', task);
      threads.push(worker);
      let settled = false;
      worker.on('message', (m: BranchMessage) => {
        if ('calibrate' in m) {
          const q = s.questions.find((x) => x.id === m.calibrate.question) as Extract<Question, { type: 'calibrate' }>;
          let answer: CalibrationAnswer;
          try {
            answer = { calibration: { request: m.calibrate.request, result: calibrationFor(ls, tls[k], q, shared) } };
          } catch (e) {
            answer = { calibration: { request: m.calibrate.request, error: errorRecord(e) } };
          }
          return worker.postMessage(answer);
        }
        if ('progress' in m) {
          const { label, done: d, total: t } = m.progress;
          // A branch's own question count, or a Monte Carlo run's draws (passed on as they are, as one thread does).
          if (label.endsWith('Monte Carlo')) return o.onProgress?.(label, d, t);
          if (label === 'done') return;
          done[k] = d;
          return report(label);
        }
        m.warnings.forEach((x) => warn(x));
        settled = true;
        void worker.terminate();
        if ('result' in m) {
          done[k] = perBranch;
          report(`${tls[k].name}: done`);
          resolve(m.result as ScenarioResult);
        } else reject(errorFromRecord(m.error, `branch ${tls[k].name}: `));
      });
      worker.on('error', reject);
      // A thread that stops without an answer (stopped by a cancellation, or out of memory) fails its branch.
      worker.on('exit', (code) => settled || reject(o.signal?.aborted ? new InputError('the run was cancelled') : new Error(`branch ${tls[k].name}: its thread stopped (exit code ${code}) without an answer`)));
    });
  let next = 0;
  const lane = async (): Promise<[number, ScenarioResult][]> => {
    const out: [number, ScenarioResult][] = [];
    while (next < tls.length) {
      const k = next++;
      out.push([k, await runBranch(k)]);
    }
    return out;
  };
  const stop = () => threads.forEach((w) => void w.terminate());
  o.signal?.addEventListener('abort', stop, { once: true });
  try {
    const lanes = Promise.all(Array.from({ length: Math.min(workers, tls.length) }, lane));
    // A failed branch is reported when the calibrations are done (awaited below), not as an unhandled rejection before.
    lanes.catch(() => {});
    // Meanwhile, the calibrations, one at a time so the threads' messages are heard between them; first those an
    // actor's objective_from names, which the threads ask for.
    const calibrations = new Map<string, unknown>();
    const sources = new Set(Object.values(objectiveSources(s)));
    const asked = s.questions.filter((q): q is Extract<Question, { type: 'calibrate' }> => q.type === 'calibrate');
    const pass = (first: boolean) => tls.flatMap((tl) => asked.filter((q) => sources.has(q.id) === first).map((q) => ({ tl, q })));
    for (const { tl, q } of [...pass(true), ...pass(false)]) {
      await new Promise((r) => setImmediate(r));
      if (o.signal?.aborted) throw new InputError('the run was cancelled');
      calibrations.set(`${tl.name}/${q.id}`, calibrationFor(ls, tl, q, shared));
    }
    const results = (await lanes).flat().sort((a, b) => a[0] - b[0]);
    if (o.signal?.aborted) throw new InputError('the run was cancelled');
    const branches = results.flatMap(([, r]) => r.branches.map((b) => ({ ...b, questions: b.questions.map((q) => (q.type === 'calibrate' ? { ...q, result: calibrations.get(`${b.name}/${q.id}`) } : q)) })));
    o.onProgress?.('done', total, total);
    return scenarioResult(ls, branches, results.flatMap(([, r]) => r.negotiations));
  } catch (e) {
    stop();
    throw e;
  } finally {
    o.signal?.removeEventListener('abort', stop);
  }
}

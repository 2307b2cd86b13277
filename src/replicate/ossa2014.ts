/**
 * Replication of Ossa (2014), "Trade Wars and Trade Talks with Data", AER
 * 104(12): optimal tariffs, the Nash trade war and efficient cooperative
 * tariffs (trade talks) among 7 regions and 33 industries, in the Krugman
 * variant of the core model, with or without the political-economy weights.
 * Every problem is solved by the strategy layer (best responses, trade war,
 * cooperation) on the data the user points at (GTAP-derived; not shipped).
 */
import { WAR_TOL } from '../numeric/tolerances.js';
import { ConvergenceError } from '../errors.js';
import { collectWarnings } from '../warn.js';
import type { World } from '../data/world.js';
import { computeBaseline } from '../model/baseline.js';
import { noShock, purgeDeficits, solveSystem } from '../model/equilibrium.js';
import { EquilibriumSystem } from '../model/system.js';
import { bestResponse, type Instrument } from '../strategy/best-response.js';
import { cooperate } from '../strategy/cooperate.js';
import { bindObjective, objectiveParts, type Objective } from '../strategy/gradient.js';
import { tradeWar } from '../strategy/war.js';
import { OSSA_REGIONS, type OssaData } from './ossa2014-data.js';

/** Tariff bounds in every policy problem, as in the paper. */
export const OSSA_BOUNDS = { lower: 0, upper: 10 } as const;

export interface OssaRow {
  /** Government welfare (political-economy weights; = welfare without them), % change. */
  gov_welfare_pct: number;
  welfare_pct: number;
  /** Wage, % change (numeraire: world labour income). */
  wage_pct: number;
  /** Profits relative to the wage, % change. */
  profits_wage_pct: number;
  /** Median of the region's tariffs on the others' goods (6 partners x 33 industries), %. */
  median_tariff_pct: number;
}

export interface OssaTable {
  /** What the changes are relative to. */
  relativeTo: 'factual' | 'nash' | 'free trade';
  regions: Record<string, OssaRow>;
  average: OssaRow;
  ms: number;
  /** Optimiser steps (best responses: summed over regions; war: rounds). */
  steps: number;
}

export type OssaProblem = 'optimal' | 'nash' | 'cooperative';
export const OSSA_PROBLEMS: readonly OssaProblem[] = ['optimal', 'nash', 'cooperative'];

export interface OssaReplication {
  pol: boolean;
  /** Optimal tariffs of each region by partner x industry (others at factual tariffs). */
  optimal?: OssaTable;
  /** The same with one tariff per industry (MFN). */
  optimal_mfn?: OssaTable;
  nash?: OssaTable;
  cooperative?: { from_factual: OssaTable; from_nash: OssaTable; from_free_trade: OssaTable };
  /** What the solvers reported on the way (tariffs ending at the upper bound, counted), one line each. */
  notes: string[];
  ms: number;
}

export interface OssaOptions {
  /** Use the political-economy weights lambda (the paper's main results); default true. */
  pol?: boolean;
  only?: readonly OssaProblem[];
  /** Progress lines (which problem is running). */
  onProgress?: (message: string) => void;
}

/** Each region's objective: government welfare with its lambdas, or welfare. */
function objectives(data: OssaData, pol: boolean): Record<string, Objective> {
  const { S } = data.world;
  const out: Record<string, Objective> = {};
  OSSA_REGIONS.forEach((c, j) => {
    out[c] = { welfare: 1, revenue: 0, balances: [], ...(pol ? { industryWeights: Array.from(data.lambda.subarray(j * S, j * S + S)) } : {}) };
  });
  return out;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Region j's tariffs on every other region's goods. */
function regionTariffs(world: World, t: Float64Array, j: number): number[] {
  const { N, S } = world;
  const out: number[] = [];
  for (let i = 0; i < N; i++) if (i !== j) for (let s = 0; s < S; s++) out.push(t[(i * N + j) * S + s]);
  return out;
}

interface Levels {
  gov: number;
  welfare: number;
  wage: number;
  profitsPerWage: number;
}

/** The given regions' levels (factors relative to the purged factual baseline) at tariffs t, from one equilibrium. */
function levels(world: World, t: Float64Array, objs: Record<string, Objective>, regions: readonly number[] = OSSA_REGIONS.map((_, j) => j)): Levels[] {
  const base = computeBaseline(world);
  const sys = new EquilibriumSystem(base, Float64Array.from(t), new Float64Array(t.length).fill(1), 'fixed');
  const rep = solveSystem(sys);
  if (!rep.converged) throw new ConvergenceError('equilibrium at the replication tariffs', rep.residual, rep.iterations);
  return regions.map((j) => {
    const parts = objectiveParts(sys, bindObjective(world, j, objs[OSSA_REGIONS[j]]));
    return {
      gov: 1 + parts.governmentPct / 100,
      welfare: 1 + parts.welfarePct / 100,
      wage: sys.w[j],
      profitsPerWage: sys.profit[j] / base.Pi[j] / sys.w[j],
    };
  });
}

function row(l: Levels, ref: Levels | null, tariffs: number[]): OssaRow {
  const r = ref ?? { gov: 1, welfare: 1, wage: 1, profitsPerWage: 1 };
  return {
    gov_welfare_pct: 100 * (l.gov / r.gov - 1),
    welfare_pct: 100 * (l.welfare / r.welfare - 1),
    wage_pct: 100 * (l.wage / r.wage - 1),
    profits_wage_pct: 100 * (l.profitsPerWage / r.profitsPerWage - 1),
    median_tariff_pct: 100 * median(tariffs),
  };
}

function table(rows: OssaRow[], relativeTo: OssaTable['relativeTo'], ms: number, steps: number): OssaTable {
  const regions: Record<string, OssaRow> = {};
  rows.forEach((r, j) => (regions[OSSA_REGIONS[j]] = r));
  const average = {} as OssaRow;
  for (const k of Object.keys(rows[0]) as (keyof OssaRow)[]) average[k] = rows.reduce((a, r) => a + r[k], 0) / rows.length;
  return { relativeTo, regions, average, ms, steps };
}

/** Optimal tariffs of each region against factual tariffs; returns the table and the combined tariffs (each region's own optimum). */
function optimalTariffs(world: World, objs: Record<string, Objective>, instrument: Instrument, notes: string[]): { table: OssaTable; combined: Float64Array } {
  const t0 = performance.now();
  const { N, S } = world;
  const combined = Float64Array.from(world.t);
  const rows: OssaRow[] = [];
  let steps = 0;
  OSSA_REGIONS.forEach((code, j) => {
    const br = bestResponse(world, code, { instrument, ...OSSA_BOUNDS, objective: objs[code], deficits: 'fixed', maxIterations: 3000, prepared: { world, rule: 'fixed' } });
    if (!br.converged) throw new ConvergenceError(`optimal ${instrument === 'sector' ? 'MFN ' : ''}tariffs of ${code}`, br.projectedGradient, br.iterations);
    steps += br.iterations;
    if (br.undetermined.length) notes.push(`optimal ${instrument === 'sector' ? 'MFN ' : ''}tariffs of ${code}: the payoff is flat in ${br.undetermined.length} of them (a plateau: not determined by it)`);
    for (let i = 0; i < N; i++) if (i !== j) for (let s = 0; s < S; s++) combined[(i * N + j) * S + s] = br.tariffs[(i * N + j) * S + s];
    rows.push(row(levels(world, br.tariffs, objs, [j])[0], null, regionTariffs(world, br.tariffs, j)));
  });
  return { table: table(rows, 'factual', performance.now() - t0, steps), combined };
}

function stateTable(world: World, objs: Record<string, Objective>, t: Float64Array, ref: { tariffs: Float64Array; name: OssaTable['relativeTo'] } | null, ms: number, steps: number): OssaTable {
  const at = levels(world, t, objs);
  const before = ref ? levels(world, ref.tariffs, objs) : null;
  const rows = OSSA_REGIONS.map((_, j) => row(at[j], before ? before[j] : null, regionTariffs(world, t, j)));
  return table(rows, ref?.name ?? 'factual', ms, steps);
}

/** Run the paper's policy problems on its data (all by default). */
export function replicateOssa2014(data: OssaData, o: OssaOptions = {}): OssaReplication {
  const { value, warnings } = collectWarnings(() => runProblems(data, o));
  const atBound = warnings.filter((w) => w.includes('ends at the upper bound'));
  const notes = [...warnings.filter((w) => !w.includes('ends at the upper bound')), ...value.notes];
  if (atBound.length) notes.unshift(`${atBound.length} best-response tariffs end at the upper bound ${OSSA_BOUNDS.upper} (the paper's bound), e.g. ${atBound[0].replace(/^best response of /, '')}`);
  return { ...value, notes };
}

function runProblems(data: OssaData, o: OssaOptions): OssaReplication {
  const started = performance.now();
  const pol = o.pol ?? true;
  const only = new Set(o.only ?? OSSA_PROBLEMS);
  const say = o.onProgress ?? (() => {});
  // Deficits purged first (the `balanced` convention); the package's purged flows are already balanced to 2e-5.
  const world = purgeDeficits(data.world);
  const objs = objectives(data, pol);
  const out: OssaReplication = { pol, notes: [], ms: 0 };
  say('optimal tariffs (partner x industry), 7 regions');
  const optimal = optimalTariffs(world, objs, 'partner-sector', out.notes);
  if (only.has('optimal')) {
    out.optimal = optimal.table;
    say('optimal MFN tariffs (one per industry), 7 regions');
    out.optimal_mfn = optimalTariffs(world, objs, 'sector', out.notes).table;
  }
  let nashTariffs: Float64Array | undefined;
  if (only.has('nash') || only.has('cooperative')) {
    say('Nash trade war from the optimal tariffs');
    const t0 = performance.now();
    // `balanced` on the data's world: the purge is cached, so the war runs on `world` itself.
    const war = tradeWar(data.world, { instrument: 'partner-sector', ...OSSA_BOUNDS, objectives: objs, deficits: 'balanced', start: { tariffs: optimal.combined, costFactors: noShock(world).costFactors }, tol: WAR_TOL, maxRounds: 40 });
    if (!war.converged) throw new ConvergenceError('Nash trade war', war.path[war.path.length - 1]?.maxChange ?? NaN, war.rounds);
    nashTariffs = war.tariffs;
    if (war.undetermined.length) out.notes.push(`Nash tariffs: the payoffs are flat in ${war.undetermined.length} of them (a plateau: not determined by them)`);
    if (only.has('nash')) out.nash = stateTable(world, objs, war.tariffs, null, performance.now() - t0, war.rounds);
  }
  if (only.has('cooperative')) {
    // Gains are measured from where the talks start.
    const talks = (start: Float64Array, name: OssaTable['relativeTo']): OssaTable => {
      say(`cooperative tariffs from ${name}`);
      const t0 = performance.now();
      const c = cooperate(world, { parties: OSSA_REGIONS, start, objectives: objs, ...OSSA_BOUNDS });
      if (!c.converged) throw new ConvergenceError(`cooperative tariffs from ${name}`, c.spread, c.iterations);
      return stateTable(world, objs, c.tariffs, name === 'factual' ? null : { tariffs: start, name }, performance.now() - t0, c.iterations);
    };
    out.cooperative = { from_factual: talks(world.t, 'factual'), from_nash: talks(nashTariffs!, 'nash'), from_free_trade: talks(new Float64Array(world.t.length), 'free trade') };
  }
  out.ms = performance.now() - started;
  return out;
}

/** The paper's abstract (with political economy): the replication's targets, in percent. */
export const OSSA_PUBLISHED = [
  { label: 'optimal tariffs, average of the regions\' median', value: 62, digits: 0, get: (r: OssaReplication) => r.optimal?.average.median_tariff_pct },
  { label: 'trade-war (Nash) tariffs, average of the medians', value: 63, digits: 0, get: (r: OssaReplication) => r.nash?.average.median_tariff_pct },
  { label: 'breakdown of cooperation: government welfare, average', value: -2.9, digits: 1, get: (r: OssaReplication) => r.nash?.average.gov_welfare_pct },
  { label: 'future negotiations: government welfare gain, average', value: 0.5, digits: 1, get: (r: OssaReplication) => r.cooperative?.from_factual.average.gov_welfare_pct },
] as const;

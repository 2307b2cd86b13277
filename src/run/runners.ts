/**
 * Runners: one resolved spec (every distribution replaced by a number) and its
 * context in, a JSON-ready result out. The result shapes are the public
 * contract of `parley best-response | war | negotiate | coalitions --json`
 * (typed in results.ts).
 */
import { goodsSectors, type World } from '../data/world.js';
import { ALL_SECTORS } from '../data/tables.js';
import { InputError } from '../errors.js';
import { purgeDeficits, solveOrThrow } from '../model/equilibrium.js';
import { economyRecord, economyResults } from '../model/results.js';
import { negotiate, paretoFrontier, type Disagreement, type LinkedIssue, type Negotiation, type NegotiationOptions, type OutsideOption } from '../strategy/bargain.js';
import { coalitionLever, leverBargain, leverValue, tradeWeightedTariffOn } from '../strategy/levers.js';
import { bestResponse } from '../strategy/best-response.js';
import { analyseCoalitions } from '../strategy/coalitions.js';
import type { Objective } from '../strategy/gradient.js';
import { tradeWar } from '../strategy/war.js';
import { specContext, type Context, type WorldSource } from './context.js';
import type { StrategyResults } from './results.js';
import type { AnySpec, BestResponseSpec, CoalitionsSpec, NegotiateSpec, Resolved, SpecKind, WarSpec } from './spec.js';

function num(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`${field}: expected a finite number, found ${JSON.stringify(v)}`);
  return v;
}

function objectives(spec: { objectives?: Record<string, { welfare: unknown; revenue: unknown; balances: Record<string, unknown>; incomes?: Record<string, unknown> }> }): Record<string, Objective> | undefined {
  if (!spec.objectives) return undefined;
  return Object.fromEntries(
    Object.entries(spec.objectives).map(([code, o]) => [
      code,
      {
        welfare: num(o.welfare, `objectives.${code}.welfare`),
        revenue: num(o.revenue, `objectives.${code}.revenue`),
        balances: Object.entries(o.balances).map(([partner, w]) => ({ partner, weight: num(w, `objectives.${code}.balances.${partner}`) })),
        ...(o.incomes ? { incomes: Object.entries(o.incomes).map(([sector, w]) => ({ sector, weight: num(w, `objectives.${code}.incomes.${sector}`) })) } : {}),
      },
    ]),
  );
}

function weights(rec: Record<string, unknown> | undefined, field: string): Record<string, number> | undefined {
  if (!rec) return undefined;
  return Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, num(v, `${field}.${k}`)]));
}

function tariffChanges(list: readonly { importer: string; exporter: string; sector?: string; change: unknown }[], field: string) {
  return list.map((c, k) => ({ importer: c.importer, exporter: c.exporter, sector: c.sector, change: num(c.change, `${field}[${k}].change`) }));
}

/** Negotiation options from a resolved spec. */
export function negotiationOptions(spec: Resolved<NegotiateSpec> | Resolved<CoalitionsSpec>, ctx: Context, parties: readonly string[]): NegotiationOptions {
  const issues: LinkedIssue[] = (spec.issues ?? []).map((is, k) => ({
    name: is.name,
    lower: num(is.lower, `issues[${k}].lower`),
    upper: num(is.upper, `issues[${k}].upper`),
    start: is.start === undefined ? undefined : num(is.start, `issues[${k}].start`),
    values: weights(is.values, `issues[${k}].values`)!,
    tariffs: is.tariffs ? tariffChanges(is.tariffs, `issues[${k}].tariffs`) : undefined,
    retaliation: is.retaliation ? { by: is.retaliation.by, probability: num(is.retaliation.probability, `issues[${k}].retaliation.probability`) } : undefined,
    purchases: is.purchases?.map((pc, q) => ({ buyer: pc.buyer, seller: pc.seller, sectors: pc.sectors, value: num(pc.value, `issues[${k}].purchases[${q}].value`) })),
    transfers: is.transfers?.map((tr, q) => ({ from: tr.from, to: tr.to, value: num(tr.value, `issues[${k}].transfers[${q}].value`) })),
  }));
  const outsideOptions: OutsideOption[] = (spec.outside_options ?? []).map((o, k) => ({
    name: o.name,
    party: o.party,
    probability: num(o.probability, `outside_options[${k}].probability`),
    tariffs: tariffChanges(o.tariffs, `outside_options[${k}].tariffs`),
  }));
  const base: NegotiationOptions = {
    parties,
    statusQuo: ctx.statusQuo,
    objectives: objectives(spec),
    theta: 'theta' in spec ? weights(spec.theta, 'theta') : undefined,
    patience: weights(spec.patience, 'patience'),
    instrument: spec.instrument,
    separate: spec.separate,
    lower: spec.lower,
    upper: spec.upper,
    issues,
    outsideOptions,
    deficits: spec.deficits,
  };
  base.disagreement = disagreementOf(spec.disagreement, ctx, base);
  return base;
}

function disagreementOf(d: NegotiateSpec['disagreement'], ctx: Context, o: NegotiationOptions): Disagreement {
  if (d === undefined || d === 'status-quo') return { kind: 'status-quo' };
  if (d === 'war') {
    const war = tradeWar(ctx.world, { players: o.parties, deficits: o.deficits, objectives: o.objectives, start: ctx.statusQuo, instrument: o.instrument === 'partner-sector' ? 'partner-sector' : 'partner' });
    if (!war.converged) throw new InputError('the trade-war disagreement point did not converge');
    return { kind: 'tariffs', tariffs: war.tariffs };
  }
  if ('at' in d) return { kind: 'tariffs', tariffs: ctx.tariffsOn(d.at) };
  if (!ctx.at) throw new InputError('a deadline needs the status-quo date "at"');
  const days = (Date.parse(d.deadline) - Date.parse(ctx.at)) / 86400000;
  if (days < 0) throw new InputError(`deadline ${d.deadline} is before the status-quo date ${ctx.at}`);
  return { kind: 'deadline', after: ctx.tariffsOn(d.deadline), days };
}

/** Economy results (as in `parley counterfactual`) at given tariffs on the strategic world. */
function economiesAt(ctx: Context, deficits: string | undefined, tariffs: Float64Array) {
  const world = (deficits ?? 'balanced') === 'balanced' ? purgeDeficits(ctx.world) : ctx.world;
  const rule = deficits === 'proportional' ? 'proportional' : 'fixed';
  const eq = solveOrThrow(world, { tariffs, costFactors: ctx.statusQuo.costFactors }, { deficits: rule });
  return economyResults(eq).map(economyRecord);
}

/** Rows of the tariffs a government sets: on goods (a data set's services carry none). */
function tariffRows(world: World, t: Float64Array, importers?: readonly string[]) {
  const { N, S } = world;
  const goods = goodsSectors(world);
  const rows: { importer: string; exporter: string; sector: string; rate: number }[] = [];
  for (let j = 0; j < N; j++) {
    if (importers && !importers.includes(world.codes[j])) continue;
    for (let i = 0; i < N; i++) {
      if (i === j) continue;
      for (const s of goods) rows.push({ importer: world.codes[j], exporter: world.codes[i], sector: world.sectors[s], rate: t[(i * N + j) * S + s] });
    }
  }
  return rows;
}

export function runBestResponse(spec: Resolved<BestResponseSpec>, ctx: Context) {
  const br = bestResponse(ctx.world, spec.player, { instrument: spec.instrument, lower: spec.lower, upper: spec.upper, deficits: spec.deficits, objective: objectives(spec)?.[spec.player], start: ctx.statusQuo });
  return {
    player: br.player,
    instrument: br.instrument,
    converged: br.converged,
    iterations: br.iterations,
    tariffs: br.variables,
    utility_before: br.utilityBefore,
    utility_after: br.utilityAfter,
    at_bound: br.atBound.map((k) => br.variables[k].exporter + '/' + br.variables[k].sector),
    /** Tariffs the payoff does not pin down (a plateau: their rates are not an optimum). */
    undetermined: br.undetermined.map((k) => br.variables[k].exporter + '/' + br.variables[k].sector),
    economies: economiesAt(ctx, spec.deficits, br.tariffs),
  };
}

export function runWar(spec: Resolved<WarSpec>, ctx: Context, onRound?: (r: { round: number; maxChange: number }) => void) {
  const war = tradeWar(ctx.world, { players: spec.players, instrument: spec.instrument, lower: spec.lower, upper: spec.upper, deficits: spec.deficits, objectives: objectives(spec), start: ctx.statusQuo, amongPlayers: spec.among_players, onRound });
  return {
    converged: war.converged,
    rounds: war.rounds,
    path: war.path.map((r) => ({ round: r.round, max_change: r.maxChange, mean_tariff: r.meanTariff })),
    /** Tariffs (importer: exporter/sector) the last round's payoffs did not pin down. */
    undetermined: war.undetermined,
    tariffs: withPairSummaries(war.world, tariffRows(war.world, war.tariffs, war.players).filter((t) => !spec.among_players || war.players.includes(t.exporter))),
    economies: economiesAt(ctx, spec.deficits, war.tariffs),
  };
}

/**
 * The bargains a negotiation's report needs after the deal, each independent of the others given the deal (it starts
 * from the deal's solution and payoff Hessians): the frontier (one chain of points), the bargain without each lever,
 * a bloc lever's two multilateral bargains, and each point of the patience sweep. runStrategy may run them on threads.
 */
export type NegotiationPart =
  | { kind: 'frontier'; points: number }
  | { kind: 'lever'; name: string }
  | { kind: 'coalition'; name: string }
  | { kind: 'patience'; party: string; factor: number };

/** How much more (or less) patient a party is at each point of the patience sweep (its discount rate times this). */
const PATIENCE_FACTORS = [0.25, 0.5, 2, 4];

/** What the parts start from: the deal's solution and its parties' payoff Hessians. */
export interface DealStart {
  x: Float64Array;
  hessians: readonly Float64Array[];
}

/** The options every bargain of a negotiation spec starts from (a Monte Carlo draw's warm start included). */
export function dealOptions(spec: Resolved<NegotiateSpec>, ctx: Context): NegotiationOptions {
  return { ...negotiationOptions(spec, ctx, spec.parties), start: spec.warm?.deal, hessians: spec.warm?.hessians?.deal };
}

export function negotiationParts(spec: Resolved<NegotiateSpec>, deal: Negotiation): NegotiationPart[] {
  const frontierPoints = spec.frontier ?? (spec.parties.length === 2 ? 11 : 0);
  const coalitionIds = new Set((spec.coalitions ?? []).map((c) => c.id));
  const levers = spec.levers ?? [];
  return [
    ...(frontierPoints > 1 && deal.agreement ? [{ kind: 'frontier' as const, points: frontierPoints }] : []),
    // Coalition levers after the others, as the report lists them.
    ...levers.filter((name) => !coalitionIds.has(name)).map((name) => ({ kind: 'lever' as const, name })),
    ...levers.filter((name) => coalitionIds.has(name)).map((name) => ({ kind: 'coalition' as const, name })),
    ...(spec.patience && deal.agreement && spec.sweep !== false ? spec.parties.flatMap((party) => PATIENCE_FACTORS.map((factor) => ({ kind: 'patience' as const, party, factor }))) : []),
  ];
}

export type PartResult = ReturnType<typeof runNegotiationPart>;

/** One part of a negotiation (negotiationParts), from the deal's start; what it returns crosses threads (no world). */
export function runNegotiationPart(spec: Resolved<NegotiateSpec>, ctx: Context, o: NegotiationOptions, part: NegotiationPart, deal: DealStart) {
  switch (part.kind) {
    case 'frontier':
      return { kind: part.kind, ...paretoFrontier(ctx.world, { ...o, hessians: deal.hessians }, part.points, deal.x) };
    case 'lever': {
      // Each lever's bargain starts afresh (or from the central one's in a draw), with the deal's payoff Hessians where its variables are the deal's.
      const { owner, without } = leverBargain(ctx.world, { ...o, start: undefined, hessians: deal.hessians }, { name: part.name }, leverStart(spec.warm, part.name, deal.x), spec.warm?.hessians?.[part.name]);
      const { world: _world, ...bargain } = without;
      return { kind: part.kind, name: part.name, owner, without: bargain };
    }
    case 'coalition':
      return { kind: part.kind, lever: coalitionLever(ctx.world, { ...o, hessians: undefined }, spec.coalitions!.find((x) => x.id === part.name)!) };
    case 'patience': {
      // How the deal moves as one party becomes more (or less) patient, the others' rates fixed: only the bargaining
      // weights differ from the deal's, so it starts there, as the frontier's points start from their neighbour.
      const { party, factor } = part;
      const d = negotiate(ctx.world, { ...o, patience: { ...o.patience!, [party]: o.patience![party] * factor }, start: deal.x, hessians: deal.hessians });
      return { kind: part.kind, point: { party, discount_rate: o.patience![party] * factor, theta: d.theta, tariffs: d.tariffs.map((t) => ({ importer: t.importer, exporter: t.exporter, sector: t.sector, rate: t.rate })), gains: d.gains } };
    }
  }
}

/**
 * Where a draw's bargain without a lever starts: the central one's solution, moved as the draw's deal moved from the
 * central deal (the lever's effect is about the same from one draw to the next), when the two bargains have the same variables.
 */
function leverStart(warm: Resolved<NegotiateSpec>['warm'], name: string, dealX: ArrayLike<number>): ArrayLike<number> | undefined {
  const lever = warm?.levers?.[name];
  const central = warm?.deal;
  if (!lever || !central || lever.length !== central.length || central.length !== dealX.length) return lever;
  return lever.map((x, m) => x + dealX[m] - central[m]);
}

export function runNegotiation(spec: Resolved<NegotiateSpec>, ctx: Context) {
  const o = dealOptions(spec, ctx);
  const deal = negotiate(ctx.world, o);
  return negotiationReport(ctx, o, deal, negotiationParts(spec, deal).map((part) => runNegotiationPart(spec, ctx, o, part, deal)));
}

/**
 * As runNegotiation, the parts run by `runParts` (on threads: run/strategy.ts), told how long the deal took so it can
 * judge whether threads pay.
 */
export async function runNegotiationWith(spec: Resolved<NegotiateSpec>, ctx: Context, runParts: (parts: NegotiationPart[], o: NegotiationOptions, deal: DealStart, dealMs: number) => Promise<PartResult[]>) {
  const t0 = performance.now();
  const o = dealOptions(spec, ctx);
  const deal = negotiate(ctx.world, o);
  return negotiationReport(ctx, o, deal, await runParts(negotiationParts(spec, deal), o, deal, performance.now() - t0));
}

/** The negotiation's result from the deal and its parts' results (in negotiationParts' order). */
function negotiationReport(ctx: Context, o: NegotiationOptions, deal: Negotiation, parts: readonly PartResult[]) {
  const frontier = parts.find((p) => p.kind === 'frontier')?.frontier ?? [];
  const levers = parts.flatMap((p) => (p.kind === 'lever' ? [leverValue(deal, p.name, p.owner, { ...p.without, world: deal.world })] : []));
  const coalitionLevers = parts.flatMap((p) => (p.kind === 'coalition' ? [p.lever] : []));
  const patienceSweep = parts.flatMap((p) => (p.kind === 'patience' ? [p.point] : []));
  const result = {
    parties: deal.parties,
    currency: ctx.world.meta.currency,
    converged: deal.converged,
    // An unconverged search is reported with where it stopped, never passed off as the deal.
    ...(deal.converged ? {} : { search: { iterations: deal.iterations, projected_gradient: deal.projectedGradient } }),
    agreement: { reached: deal.agreement, tariffs: withPairSummaries(deal.world, deal.tariffs), issues: deal.issues },
    disagreement: { kind: o.disagreement?.kind ?? 'status-quo', utility: deal.disagreementUtility },
    theta: deal.theta,
    utility: deal.utility,
    gains: deal.gains,
    ev: deal.ev,
    welfare: deal.welfare,
    frontier,
    levers: [...levers.map((l) => ({
      name: l.name,
      owner: l.owner,
      tariff_points: l.tariff_points,
      tariff_with: l.tariff_with,
      tariff_without: l.tariff_without,
      ev: l.ev,
      utility: l.utility,
      without: { reached: l.without.agreement, tariffs: l.without.tariffs.map((t) => ({ importer: t.importer, exporter: t.exporter, sector: t.sector, rate: t.rate })), issues: l.without.issues, gains: l.without.gains },
    })), ...coalitionLevers],
    patience_sweep: patienceSweep,
  };
  // Not in the JSON: where each bargain ended, so Monte Carlo draws can start there.
  const hessians = (h: readonly Float64Array[]) => h.map((Hp) => Array.from(Hp));
  return Object.assign(result, {
    [WARM]: {
      deal: Array.from(deal.x),
      levers: Object.fromEntries(levers.map((l) => [l.name, Array.from(l.without.x)])),
      hessians: { deal: hessians(deal.hessians), ...Object.fromEntries(levers.map((l) => [l.name, hessians(l.without.hessians)])) },
    },
  });
}

/**
 * Sector rows of a deal or a war, with one "ALL" row per importer-exporter pair beside them: the sector rates weighted
 * by the pair's flows in the (strategic) baseline world (and so `before`, where rows have it). One-sector rows already are "ALL" rows.
 */
function withPairSummaries<T extends { importer: string; exporter: string; sector: string; rate: number; before?: number }>(world: World, rows: readonly T[]): T[] {
  if (rows.every((r) => r.sector === ALL_SECTORS)) return [...rows];
  const pairs = new Map<string, T[]>();
  for (const r of rows) {
    const key = `${r.importer}>${r.exporter}`;
    const group = pairs.get(key);
    if (group) group.push(r);
    else pairs.set(key, [r]);
  }
  // One pair's rows are all on its exporter, so the lever's trade-weighted tariff on that exporter is the pair's ALL rate.
  const summaries = [...pairs.values()].map((group) => ({
    ...group[0],
    sector: ALL_SECTORS,
    rate: tradeWeightedTariffOn(world, group, group[0].exporter),
    ...(group[0].before === undefined ? {} : { before: tradeWeightedTariffOn(world, group.map((r) => ({ ...r, rate: r.before! })), group[0].exporter) }),
  }));
  return [...rows, ...summaries];
}

/** Key of the central solution's variables on a negotiation result (a symbol, so JSON leaves it out). */
export const WARM = Symbol('warm starts');

/** A Monte Carlo spec continuing from a central negotiation result's solution. */
export function withWarmStart<T extends object>(spec: T, central: object): T {
  const warm = (central as { [WARM]?: NonNullable<NegotiateSpec['warm']> })[WARM];
  return warm ? { ...spec, warm } : spec;
}

export function runCoalitions(spec: Resolved<CoalitionsSpec>, ctx: Context) {
  const o = negotiationOptions(spec, ctx, [spec.counterpart, ...spec.members]);
  const { parties: _parties, theta: _theta, ...rest } = o;
  const r = analyseCoalitions(ctx.world, { ...rest, counterpart: spec.counterpart, members: spec.members, structures: spec.structures });
  return {
    counterpart: r.counterpart,
    members: r.members,
    structures: r.structures.map((s) => ({ blocs: s.blocs, utility: s.utility, gain_from_joining: s.gainFromJoining, would_leave: s.wouldLeave, stable: s.stable })),
  };
}

/** Run one concrete (resolved) spec of any kind; the result's type follows the kind. */
export function runSpec<K extends SpecKind>(kind: K, spec: unknown, source: WorldSource): StrategyResults[K] {
  const s = spec as Resolved<AnySpec>;
  const ctx = specContext(source, s);
  const run: { [P in SpecKind]: () => StrategyResults[P] } = {
    negotiate: () => runNegotiation(s as Resolved<NegotiateSpec>, ctx),
    war: () => runWar(s as Resolved<WarSpec>, ctx),
    'best-response': () => runBestResponse(s as Resolved<BestResponseSpec>, ctx),
    coalitions: () => runCoalitions(s as Resolved<CoalitionsSpec>, ctx),
  };
  return run[kind]();
}

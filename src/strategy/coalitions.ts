/**
 * Coalitions in trade talks: several economies facing one counterpart (Japan
 * and ASEAN members facing the US) can negotiate alone or in blocs. A
 * structure is a partition of the members into blocs; each bloc bargains with
 * the counterpart at the same time, holding the other blocs' tariffs at the
 * status quo, and the deals are then combined and priced together by the GE
 * model. A bloc of several members bargains as a multilateral Nash bargain in
 * which the counterpart keeps half the weight and the members share the
 * rest, and which also covers the members' tariffs on each other.
 *
 * For each structure: every member's payoff, its gain from being in its bloc
 * rather than alone (all else equal), and whether it gains by leaving.
 */
import { economyIndex, type World } from '../data/world.js';
import { computeBaseline } from '../model/baseline.js';
import { incomeWithRevenue } from '../model/results.js';
import { LEAVE_MARGIN } from '../numeric/tolerances.js';
import { InputError } from '../errors.js';
import { noShock } from '../model/equilibrium.js';
import { negotiate, type NegotiationOptions } from './bargain.js';
import { GameEvaluator, strategicWorld } from './game.js';
import { bindObjective, WELFARE_ONLY } from './gradient.js';

export interface CoalitionOptions extends Omit<NegotiationOptions, 'parties' | 'theta'> {
  counterpart: string;
  members: readonly string[];
  /** Partitions of the members to compare; default: everyone alone, and everyone together. */
  structures?: readonly (readonly (readonly string[])[])[];
}

export interface StructureOutcome {
  /** The blocs, e.g. [["JPN"], ["VNM", "MYS", "SGP"]]. */
  blocs: string[][];
  /** Payoff of every member and of the counterpart at the combined deals (U units). */
  utility: Record<string, number>;
  /** Welfare change (%) of each, at the combined deals. */
  welfare: Record<string, number>;
  /** Baseline income with tariff revenue (Y + R) of each economy, for money values (moneyValue). */
  income: Record<string, number>;
  /** Member's payoff here minus with its bloc split up into singletons (0 for a bloc of one). */
  gainFromJoining: Record<string, number>;
  /** Members that would be better off leaving their bloc to negotiate alone. */
  wouldLeave: string[];
  stable: boolean;
  /** Combined tariffs [i][j][s]. */
  tariffs: Float64Array;
}

export interface CoalitionAnalysis {
  counterpart: string;
  members: string[];
  structures: StructureOutcome[];
}

function key(blocs: readonly (readonly string[])[]): string {
  return blocs.map((b) => [...b].sort().join('+')).sort().join('|');
}

export function analyseCoalitions(world0: World, o: CoalitionOptions): CoalitionAnalysis {
  const members = [...o.members];
  if (members.length === 0) throw new InputError('coalitions need at least one member');
  if (members.includes(o.counterpart)) throw new InputError(`the counterpart ${o.counterpart} cannot also be a member`);
  economyIndex(world0, o.counterpart, 'counterpart');
  for (const c of members) economyIndex(world0, c, 'members');
  const structures = (o.structures ?? [members.map((m) => [m]), [members]]).map((s) => s.map((b) => [...b]));
  for (const s of structures) {
    const flat = s.flat();
    if (flat.length !== members.length || new Set(flat).size !== members.length || !members.every((m) => flat.includes(m))) {
      throw new InputError(`structure ${JSON.stringify(s)} must put each member (${members.join(', ')}) in exactly one bloc`);
    }
    if (s.some((b) => b.length === 0)) throw new InputError(`structure ${JSON.stringify(s)} has an empty bloc`);
  }
  const { world, rule } = strategicWorld(world0, o.deficits ?? 'balanced', 'coalitions');
  const sq = o.statusQuo ?? noShock(world);
  const everyone = [o.counterpart, ...members];
  const base = computeBaseline(world);
  const income = Object.fromEntries(everyone.map((c) => [c, incomeWithRevenue(base, world.codes.indexOf(c))]));
  const evaluator = new GameEvaluator({
    world,
    rule,
    variables: [],
    states: [{ probability: 1, base: Float64Array.from(sq.tariffs), costFactors: Float64Array.from(sq.costFactors), coef: [] }],
    parties: everyone.map((c) => bindObjective(world, world.codes.indexOf(c), o.objectives?.[c] ?? WELFARE_ONLY)),
  });
  const dealCache = new Map<string, Float64Array>();
  const N = world.N;
  const S = world.S;
  /** The tariff cells a bloc's deal sets, and their values. */
  const blocDeal = (bloc: readonly string[]): Float64Array => {
    const k = [...bloc].sort().join('+');
    const hit = dealCache.get(k);
    if (hit) return hit;
    const parties = [o.counterpart, ...bloc];
    const theta = Object.fromEntries(parties.map((p, q) => [p, q === 0 ? 0.5 : 0.5 / bloc.length]));
    // Linked issues and outside options belong to a bloc's talks only if all who value them sit at its table.
    const issues = (o.issues ?? []).filter((is) => Object.entries(is.values).every(([p, v]) => v === 0 || parties.includes(p))).map((is) => ({ ...is, values: Object.fromEntries(Object.entries(is.values).filter(([p]) => parties.includes(p))) }));
    const outsideOptions = (o.outsideOptions ?? []).filter((op) => parties.includes(op.party));
    const deal = negotiate(world0, { ...o, parties, theta, issues, outsideOptions, statusQuo: { tariffs: sq.tariffs, costFactors: sq.costFactors } });
    const t = new Float64Array(N * N * S).fill(NaN);
    for (const tr of deal.tariffs) {
      const i = world.codes.indexOf(tr.exporter);
      const j = world.codes.indexOf(tr.importer);
      for (let s = 0; s < S; s++) if (tr.sector === 'ALL' || world.sectors[s] === tr.sector) t[(i * N + j) * S + s] = tr.rate;
    }
    dealCache.set(k, t);
    return t;
  };
  const payoffs = (blocs: readonly (readonly string[])[]): { utility: Record<string, number>; welfare: Record<string, number>; tariffs: Float64Array } => {
    const t = Float64Array.from(sq.tariffs);
    for (const bloc of blocs) {
      const d = blocDeal(bloc);
      for (let k = 0; k < t.length; k++) if (!Number.isNaN(d[k])) t[k] = d[k];
    }
    evaluator.game.states[0].base.set(t);
    const parts = evaluator.parts([]);
    return { utility: Object.fromEntries(everyone.map((c, q) => [c, parts[q].value])), welfare: Object.fromEntries(everyone.map((c, q) => [c, parts[q].welfarePct])), tariffs: t };
  };
  const memo = new Map<string, ReturnType<typeof payoffs>>();
  const at = (blocs: readonly (readonly string[])[]) => {
    const k = key(blocs);
    if (!memo.has(k)) memo.set(k, payoffs(blocs));
    return memo.get(k)!;
  };
  const outcomes = structures.map((blocs) => {
    const here = at(blocs);
    const gainFromJoining: Record<string, number> = {};
    const wouldLeave: string[] = [];
    for (const bloc of blocs) {
      for (const m of bloc) {
        if (bloc.length === 1) {
          gainFromJoining[m] = 0;
          continue;
        }
        const split = [...blocs.filter((b) => b !== bloc), ...bloc.map((x) => [x])];
        gainFromJoining[m] = here.utility[m] - at(split).utility[m];
        const left = [...blocs.filter((b) => b !== bloc), bloc.filter((x) => x !== m), [m]];
        if (at(left).utility[m] > here.utility[m] + LEAVE_MARGIN) wouldLeave.push(m);
      }
    }
    return { blocs, utility: here.utility, welfare: here.welfare, income, gainFromJoining, wouldLeave, stable: wouldLeave.length === 0, tariffs: here.tariffs };
  });
  return { counterpart: o.counterpart, members, structures: outcomes };
}

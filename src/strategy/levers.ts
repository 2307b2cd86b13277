/**
 * What each lever of a negotiation is worth to its owner: the deal with it
 * minus the deal without it, in tariff points (trade-weighted, one definition)
 * and in money (moneyValue). Levers: an outside option, a linked issue, a
 * party's patience, a coalition.
 */
import type { World } from '../data/world.js';
import { InputError } from '../errors.js';
import { moneyValue } from '../model/results.js';
import { LEVER_WELFARE_RESOLUTION } from '../numeric/tolerances.js';
import { negotiate, type Negotiation } from './bargain.js';
import { analyseCoalitions } from './coalitions.js';
import type { NegotiationOptions } from './negotiation-setup.js';

export interface LeverSpec {
  name: string;
  /** The party the lever helps (default: the option's party; for an issue, the party offering its purchases or pledge, else the party valuing it most). */
  owner?: string;
}

export interface LeverValue {
  name: string;
  owner: string;
  /**
   * Change in the trade-weighted tariff the other parties impose on the owner in the deal, with the
   * lever minus without, in percentage points (negative: the lever buys a lower tariff).
   */
  tariff_points: number;
  /** The trade-weighted tariff (fraction) the other parties impose on the owner with the lever and without it: tariff_points is 100 x their difference. */
  tariff_with: number;
  tariff_without: number;
  /** The owner's gain with the lever minus without, in money (welfare change times baseline income). */
  ev: number;
  /** The owner's payoff with minus without (U units). */
  utility: number;
  without: Negotiation;
}

/** Remove one lever from the options; returns the reduced options and the lever's owner. */
function withoutLever(o: NegotiationOptions, lever: LeverSpec): { options: NegotiationOptions; owner: string } {
  const option = o.outsideOptions?.find((x) => x.name === lever.name);
  if (option) return { options: { ...o, outsideOptions: o.outsideOptions!.filter((x) => x !== option) }, owner: lever.owner ?? option.party };
  const issue = o.issues?.find((x) => x.name === lever.name);
  if (issue) {
    // Purchases and pledges are offers: the buyer's and the payer's card, what they buy it in the other side's tariffs.
    // Any other issue belongs to the party valuing it most.
    const offeredBy = issue.purchases?.find((pc) => o.parties.includes(pc.buyer))?.buyer ?? issue.transfers?.find((tr) => o.parties.includes(tr.from))?.from;
    const best = Object.entries(issue.values).sort((a, b) => b[1] - a[1])[0]?.[0];
    return { options: { ...o, issues: o.issues!.filter((x) => x !== issue) }, owner: lever.owner ?? offeredBy ?? best ?? o.parties[0] };
  }
  const m = /^patience(?::(.+))?$/.exec(lever.name);
  if (m) {
    const owner = m[1] ?? lever.owner;
    if (!owner || !o.parties.includes(owner)) throw new InputError(`lever ${lever.name}: name the patient party, e.g. "patience:JPN"`);
    if (!o.patience) throw new InputError(`lever ${lever.name}: the negotiation gives no patience (discount rates)`);
    // Without the lever the owner is as impatient as the others on average.
    const others = o.parties.filter((p) => p !== owner).map((p) => o.patience![p]);
    const r = others.reduce((a, b) => a + b, 0) / others.length;
    return { options: { ...o, patience: { ...o.patience, [owner]: r } }, owner };
  }
  throw new InputError(`unknown lever "${lever.name}": not an outside option (${(o.outsideOptions ?? []).map((x) => x.name).join(', ') || 'none'}), an issue (${(o.issues ?? []).map((x) => x.name).join(', ') || 'none'}) or "patience:PARTY"`);
}

/**
 * The tariff (fraction) others impose on `owner` in a set of tariff rows,
 * weighted by the baseline flows each row covers: the one definition of a
 * lever's "tariff points" (options, issues, patience and coalitions alike).
 */
export function tradeWeightedTariffOn(world: World, tariffs: readonly { importer: string; exporter: string; sector: string; rate: number }[], owner: string): number {
  const { N, S, Z } = world;
  const i = world.codes.indexOf(owner);
  let num = 0;
  let den = 0;
  for (const t of tariffs) {
    if (t.exporter !== owner) continue;
    const j = world.codes.indexOf(t.importer);
    let w = 0;
    for (let s = 0; s < S; s++) if (t.sector === 'ALL' || world.sectors[s] === t.sector) w += Z[(i * N + j) * S + s];
    num += w * t.rate;
    den += w;
  }
  return den > 0 ? num / den : 0;
}

/** A lever's welfare gain (percent of income) in money, 0 below what the bargain resolves (LEVER_WELFARE_RESOLUTION). */
function leverMoney(welfareGainPct: number, income: number): number {
  const fraction = welfareGainPct / 100;
  return Math.abs(fraction) < LEVER_WELFARE_RESOLUTION ? 0 : moneyValue(fraction, income);
}

/** The bargain without one lever, and the lever's owner: the part of a lever's value that needs a bargain of its own. */
export function leverBargain(world0: World, o: NegotiationOptions, lever: LeverSpec, start?: ArrayLike<number>, hessians?: readonly ArrayLike<number>[]): { owner: string; without: Negotiation } {
  const { options, owner } = withoutLever(o, lever);
  return { owner, without: negotiate(world0, { ...options, start, hessians: hessians ?? options.hessians }) };
}

/** A lever's value: the deal with it (`deal`) against the bargain without it (leverBargain). */
export function leverValue(deal: Negotiation, name: string, owner: string, without: Negotiation): LeverValue {
  const rates = [tradeWeightedTariffOn(deal.world, deal.tariffs, owner), tradeWeightedTariffOn(deal.world, without.tariffs, owner)] as const;
  return { name, owner, ...leverFigures(rates, [deal, without], owner, deal.income[owner]), without };
}

/** What a lever is worth, from the two bargains' tariffs on its owner and their welfare and payoffs (with it, without it). */
function leverFigures([withRate, withoutRate]: readonly [number, number], [w, wo]: readonly [Outcome, Outcome], owner: string, income: number) {
  return {
    tariff_points: 100 * (withRate - withoutRate),
    tariff_with: withRate,
    tariff_without: withoutRate,
    ev: leverMoney(w.welfare[owner] - wo.welfare[owner], income),
    utility: w.utility[owner] - wo.utility[owner],
  };
}

/** A bargain's welfare and payoffs by party. */
type Outcome = { welfare: Record<string, number>; utility: Record<string, number> };

/** The value of each lever: the deal with it (`deal`) against the deal without it. */
export function leverValues(world0: World, o: NegotiationOptions, deal: Negotiation, levers: readonly LeverSpec[], starts?: Readonly<Record<string, ArrayLike<number>>>, hessians?: Readonly<Record<string, readonly ArrayLike<number>[]>>): LeverValue[] {
  return levers.map((lever) => {
    const { owner, without } = leverBargain(world0, o, lever, starts?.[lever.name], hessians?.[lever.name]);
    return leverValue(deal, lever.name, owner, without);
  });
}

/**
 * The value of negotiating as a bloc (a coalition lever): the owner (the bloc
 * member among the parties) bargains with the counterpart inside the bloc
 * versus alone (the other members then bargain as a bloc of their own).
 */
export function coalitionLever(world: World, o: NegotiationOptions, coalition: { id: string; members: readonly string[]; counterpart: string }) {
  const c = coalition;
  const owner = o.parties.find((p) => c.members.includes(p));
  if (!owner || !o.parties.includes(c.counterpart)) throw new InputError(`lever ${c.id}: the coalition must contain one party and face the other`);
  const others = c.members.filter((m) => m !== owner);
  const { parties: _p, theta: _t, ...rest } = o;
  const r = analyseCoalitions(world, { ...rest, counterpart: c.counterpart, members: [...c.members], structures: [[[...c.members]], [[owner], others]] });
  const [joint, alone] = r.structures;
  // The counterpart's tariffs on the owner, by sector, trade-weighted as every lever's tariff points are.
  const rows = (t: Float64Array) => {
    const { N, S, sectors } = world;
    const i = world.codes.indexOf(owner);
    const j = world.codes.indexOf(c.counterpart);
    return sectors.map((sector, s) => ({ importer: c.counterpart, exporter: owner, sector, rate: t[(i * N + j) * S + s] }));
  };
  const rate = (t: Float64Array) => tradeWeightedTariffOn(world, rows(t), owner);
  const rates = [rate(joint.tariffs), rate(alone.tariffs)] as const;
  return {
    name: c.id,
    owner,
    // "With" is the bloc's bargain, not the bilateral deal above it: the coalition lever compares two multilateral bargains.
    ...leverFigures(rates, [joint, alone], owner, joint.income[owner]),
    without: { reached: true, tariffs: [{ importer: c.counterpart, exporter: owner, sector: 'ALL', rate: rates[1] }], issues: {}, gains: {} },
  };
}

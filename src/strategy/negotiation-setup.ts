/**
 * Setting up a negotiation (bargain.ts solves it): the negotiated tariffs as
 * variables, linked issues with their tariff effects and retaliation
 * lotteries, and the disagreement payoffs (outside-option lotteries, a
 * deadline's before and after).
 */
import { economyIndex, goodsSectors, type World } from '../data/world.js';
import { InputError } from '../errors.js';
import { noShock, type Deficits, type Shock } from '../model/equilibrium.js';
import { MIN_RANGE } from '../numeric/tolerances.js';
import { warn } from '../warn.js';
import { direction, GameEvaluator, NO_CELLS, strategicWorld, type GameState, type SparseDirection } from './game.js';
import { PayoffCurvature } from './curvature.js';
import { bindObjective, WELFARE_ONLY, type Objective } from './gradient.js';
import { purchaseWedges, type PurchaseCommitment } from './purchases.js';

export interface TariffChange {
  importer: string;
  exporter: string;
  /** A sector, or omitted / "ALL" for every sector. */
  sector?: string;
  /** Change of the rate (fraction): -0.05 lowers it by 5 points. */
  change: number;
}

export interface OutsideOption {
  name: string;
  party: string;
  /** Probability that the alternative deal materialises if talks fail. */
  probability: number;
  tariffs: readonly TariffChange[];
}

export interface LinkedIssue {
  name: string;
  lower: number;
  upper: number;
  /** Value at the status quo (default `lower`). */
  start?: number;
  /** Value per unit of the issue to each party, in U's units (welfare percentage points). */
  values: Readonly<Record<string, number>>;
  /** Tariff cells the issue moves per unit (decoupling: a party raises its barriers on a third economy). */
  tariffs?: readonly TariffChange[];
  /** A third economy that answers in kind (the same tariff changes, mirrored) with a probability. */
  retaliation?: { by: string; probability: number };
  /**
   * Purchases a party commits to per unit (purchases.ts): an implicit import subsidy, added to the buyer's tariffs on
   * the seller, negotiated or not.
   */
  purchases?: readonly PurchaseCommitment[];
  /**
   * An investment pledge's transfer-equivalent per unit: `from` pays `to` `value` a year (the data's currency), income
   * to one and spending power lost to the other, with its general-equilibrium effects on everyone.
   */
  transfers?: readonly { from: string; to: string; value: number }[];
}

export type Disagreement =
  | { kind: 'status-quo' }
  | { kind: 'tariffs'; tariffs: Float64Array }
  | { kind: 'deadline'; after: Float64Array; days: number };

export interface NegotiationOptions {
  parties: readonly string[];
  /** Tariffs in force now (default: the world's baseline). */
  statusQuo?: Shock;
  objectives?: Readonly<Record<string, Objective>>;
  /** Bargaining weights (normalised); default from `patience`, else equal. */
  theta?: Readonly<Record<string, number>>;
  /** Discount rates per year (> 0): the more patient party (lower r) gets more. */
  patience?: Readonly<Record<string, number>>;
  /** 'partner': one rate per pair of parties; 'partner-sector': one per pair and sector. */
  instrument?: 'partner' | 'partner-sector';
  /**
   * With 'partner': goods sectors bargained apart, each with its own rate per pair, the other goods sharing one
   * (the US tariff on Japanese cars apart from the rest: four tariffs instead of one per sector).
   */
  separate?: readonly string[];
  /** Bounds on the negotiated tariffs; upper defaults to the larger of status quo and disagreement. */
  lower?: number;
  upper?: number;
  issues?: readonly LinkedIssue[];
  outsideOptions?: readonly OutsideOption[];
  disagreement?: Disagreement;
  deficits?: Deficits;
  tol?: number;
  maxIterations?: number;
  /** Start only from here (e.g. the central solution, for Monte Carlo draws near it): no multi-start. */
  start?: ArrayLike<number>;
  /**
   * Payoff Hessians to begin with, per party (n x n row-major over the same variables: a neighbouring bargain's, e.g.
   * the deal's for its frontier or the central solution's for a draw); ignored if their size differs, differenced
   * afresh wherever a step along them fails.
   */
  hessians?: readonly ArrayLike<number>[];
}

/**
 * Discount rate per year applied to the wait until a deadline when a party's
 * patience is not stated; the negotiation then says so in a warning.
 */
export const DEFAULT_DEADLINE_DISCOUNT_RATE = 0.05;

/** A bargaining problem set up: the variables, the agreement and disagreement evaluators, the weights. */
export interface Bargain {
  world: World;
  /** Payoffs at any point of the variables (expected over retaliation states). */
  agreement: GameEvaluator;
  /** The agreement payoffs' Hessians, kept across the searches on this bargain (phases, starts, frontier points). */
  curvature: PayoffCurvature;
  /** Payoffs if talks fail, per disagreement state (outside-option lotteries, before/after a deadline). */
  disagreement: GameEvaluator;
  /** Per disagreement state, per party: the weight of that state in the party's disagreement payoff. */
  disagreementWeights: Float64Array[];
  /**
   * One per tariff variable. `sector` is its sector, "ALL" for every goods sector, or "OTHER" for the goods not bargained
   * apart; `cells` lists the sectors such a group sets with their status-quo rates, for results by sector.
   */
  names: { importer: string; exporter: string; sector: string; before: number; cells?: { sector: string; before: number }[] }[];
  issueNames: string[];
  lower: Float64Array;
  upper: Float64Array;
  x0: Float64Array;
  theta: Float64Array;
  parties: string[];
}

/** Cells of a tariff change (a sector, or all sectors). */
export function changeCells(world: World, c: TariffChange, what: string): number[] {
  const i = economyIndex(world, c.exporter, what);
  const j = economyIndex(world, c.importer, what);
  if (i === j) throw new InputError(`${what}: ${c.importer} cannot levy a tariff on itself`);
  if (!Number.isFinite(c.change)) throw new InputError(`${what}: tariff change must be a finite number, found ${c.change}`);
  const { N, S } = world;
  if (c.sector === undefined || c.sector === 'ALL') return world.sectors.map((_, s) => (i * N + j) * S + s);
  const s = world.sectors.indexOf(c.sector);
  if (s < 0) throw new InputError(`${what}: unknown sector "${c.sector}"`);
  return [(i * N + j) * S + s];
}

function checkProbability(p: number, what: string): void {
  if (!(p >= 0 && p <= 1)) throw new InputError(`${what}: probability must be in [0, 1], found ${p}`);
}

/** Bargaining weights from theta or patience (normalised to sum 1). */
export function bargainingWeights(parties: readonly string[], theta?: Readonly<Record<string, number>>, patience?: Readonly<Record<string, number>>): Float64Array {
  const n = parties.length;
  if (theta) {
    const w = Float64Array.from(parties, (p) => theta[p] ?? NaN);
    parties.forEach((p, k) => {
      if (!(w[k] > 0) || !Number.isFinite(w[k])) throw new InputError(`theta.${p}: a bargaining weight must be a positive number, found ${theta[p]}`);
    });
    const sum = w.reduce((a, b) => a + b, 0);
    return w.map((v) => v / sum);
  }
  if (patience) {
    const inv = Float64Array.from(parties, (p) => {
      const r = patience[p];
      if (!(r > 0) || !Number.isFinite(r)) throw new InputError(`patience.${p}: a discount rate must be a positive number, found ${r}`);
      return 1 / r;
    });
    const sum = inv.reduce((a, b) => a + b, 0);
    return inv.map((v) => v / sum); // two parties: theta_k = r_other / (r_k + r_other)
  }
  return new Float64Array(n).fill(1 / n);
}


/**
 * Every combination of independent events happening or not, with its
 * probability: 2^n outcomes (n is small: retaliations, outside options).
 * Outcome k has event q happening when bit q of k is set.
 */
export function lotteries(probabilities: readonly number[]): { happens: boolean[]; probability: number }[] {
  const out: { happens: boolean[]; probability: number }[] = [];
  for (let mask = 0; mask < 1 << probabilities.length; mask++) {
    let probability = 1;
    const happens = probabilities.map((p, q) => {
      const on = ((mask >> q) & 1) === 1;
      probability *= on ? p : 1 - p;
      return on;
    });
    out.push({ happens, probability });
  }
  return out;
}

/** Set up a negotiation: tariff variables, linked issues, agreement states, the disagreement lottery. */
export function setUpBargain(world0: World, o: NegotiationOptions): Bargain {
  const parties = [...o.parties];
  if (parties.length < 2) throw new InputError(`a negotiation needs at least two parties, found ${parties.length}`);
  if (new Set(parties).size !== parties.length) throw new InputError(`parties must be distinct: ${parties.join(', ')}`);
  const { world, rule } = strategicWorld(world0, o.deficits ?? 'balanced', 'negotiation');
  const P = parties.map((p) => economyIndex(world, p, 'parties'));
  const { N, S } = world;
  const size = N * N * S;
  const sq = o.statusQuo ?? noShock(world);
  const cost = Float64Array.from(sq.costFactors);
  const disagreement = o.disagreement ?? { kind: 'status-quo' };
  const disT = disagreement.kind === 'tariffs' ? disagreement.tariffs : disagreement.kind === 'deadline' ? disagreement.after : sq.tariffs;
  if (disT.length !== size) throw new InputError(`disagreement tariffs must have ${size} entries`);
  const lowerT = o.lower ?? 0;
  if (!(lowerT > -1)) throw new InputError(`lower bound must be above -1, found ${lowerT}`);

  // Tariff variables: each party's tariffs on each other party (per sector with partner-sector).
  const names: Bargain['names'] = [];
  const coefs: SparseDirection[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  const start: number[] = [];
  // Tariffs on goods only: the data set's services are never a bargaining variable.
  const goods = goodsSectors(world);
  const apart = (o.separate ?? []).map((name) => {
    const s = world.sectors.indexOf(name);
    if (!goods.includes(s)) throw new InputError(`separate: "${name}" is not a goods sector of ${world.meta.name} (${goods.map((g) => world.sectors[g]).join(', ')})`);
    if (o.instrument === 'partner-sector') throw new InputError('separate: sectors are already bargained one by one with instrument partner-sector');
    return s;
  });
  const rest = goods.filter((s) => !apart.includes(s));
  const sectorGroups = o.instrument === 'partner-sector' ? goods.map((s) => [s]) : apart.length ? [...apart.map((s) => [s]), ...(rest.length ? [rest] : [])] : [goods];
  for (const j of P) {
    for (const i of P) {
      if (i === j) continue;
      for (const group of sectorGroups) {
        const cells = group.map((s) => (i * N + j) * S + s);
        const before = cells.reduce((a, c) => a + sq.tariffs[c], 0) / cells.length;
        const dis = cells.reduce((a, c) => a + disT[c], 0) / cells.length;
        const up = o.upper ?? Math.max(before, dis, lowerT + MIN_RANGE);
        if (!(up > lowerT)) throw new InputError(`bounds exclude every point: upper ${up} is not above lower ${lowerT}`);
        const sector = group.length === 1 && S > 1 ? world.sectors[group[0]] : apart.length ? 'OTHER' : 'ALL';
        const byCell = sector === 'OTHER' ? { cells: group.map((s) => ({ sector: world.sectors[s], before: sq.tariffs[(i * N + j) * S + s] })) } : {};
        names.push({ importer: world.codes[j], exporter: world.codes[i], sector, before, ...byCell });
        coefs.push(direction(cells));
        lo.push(lowerT);
        hi.push(up);
        start.push(Math.min(up, Math.max(lowerT, before)));
      }
    }
  }
  const nT = names.length;
  const tariffCells = new Set(coefs.flatMap((c) => [...c.cells]));
  const base = Float64Array.from(sq.tariffs);
  for (const c of tariffCells) base[c] = 0;

  // Linked issues.
  const issues = o.issues ?? [];
  const issueNames = issues.map((is) => is.name);
  if (new Set(issueNames).size !== issueNames.length) throw new InputError(`linked issues must have distinct names: ${issueNames.join(', ')}`);
  const issueCoef: SparseDirection[] = [];
  const retaliations: { issue: number; probability: number; coef: SparseDirection }[] = [];
  issues.forEach((is, m) => {
    if (!(Number.isFinite(is.lower) && Number.isFinite(is.upper) && is.upper >= is.lower)) throw new InputError(`issue ${is.name}: bounds exclude every point (lower ${is.lower}, upper ${is.upper})`);
    for (const [p, v] of Object.entries(is.values)) {
      if (!parties.includes(p)) throw new InputError(`issue ${is.name}: "${p}" is not a negotiating party (parties: ${parties.join(', ')})`);
      if (!Number.isFinite(v)) throw new InputError(`issue ${is.name}: value for ${p} must be a finite number, found ${v}`);
    }
    const cells: number[] = [];
    const vals: number[] = [];
    const mirror: number[] = [];
    const mirrorVals: number[] = [];
    for (const c of is.tariffs ?? []) {
      for (const cell of changeCells(world, c, `issue ${is.name}`)) {
        if (tariffCells.has(cell)) throw new InputError(`issue ${is.name}: ${c.importer}'s tariff on ${c.exporter} is already negotiated; link a tariff on a third economy`);
        cells.push(cell);
        vals.push(c.change);
      }
      if (is.retaliation) {
        if (is.retaliation.by !== c.exporter) continue;
        for (const cell of changeCells(world, { importer: c.exporter, exporter: c.importer, sector: c.sector, change: c.change }, `issue ${is.name} retaliation`)) {
          mirror.push(cell);
          mirrorVals.push(c.change);
        }
      }
    }
    if ((is.purchases?.length || is.transfers?.length) && !(is.lower === 0 && (is.start ?? 0) === 0)) {
      throw new InputError(`issue ${is.name}: a commitment (purchases, transfers) runs from 0, where talks that fail leave it; found lower ${is.lower}${is.start === undefined ? '' : `, start ${is.start}`}`);
    }
    let transfers: Float64Array | undefined;
    (is.transfers ?? []).forEach((tr, q) => {
      const what = `issue ${is.name} transfers[${q}]`;
      const from = economyIndex(world, tr.from, `${what} from`);
      const to = economyIndex(world, tr.to, `${what} to`);
      if (from === to) throw new InputError(`${what}: ${tr.from} cannot pay itself`);
      if (!(Number.isFinite(tr.value) && tr.value > 0)) throw new InputError(`${what}: value must be a positive amount (${world.meta.currency ?? "the data's currency"} a year), found ${tr.value}`);
      transfers ??= new Float64Array(N);
      transfers[from] -= tr.value;
      transfers[to] += tr.value;
    });
    (is.purchases ?? []).forEach((pc, q) => {
      const what = `issue ${is.name} purchases[${q}]`;
      const wedge = purchaseWedges(world, sq.tariffs, pc, what);
      wedge.cells.forEach((cell, k) => {
        // The lowest the buyer's price can go: the tariff's floor in the talks (or its status quo) less the whole wedge.
        const lowest = (tariffCells.has(cell) ? lowerT : sq.tariffs[cell]) + is.upper * wedge.values[k];
        if (!(lowest > -1)) throw new InputError(`${what}: ${is.upper} units would need an import subsidy of ${(-100 * is.upper * wedge.values[k]).toFixed(0)}% on ${world.sectors[cell % S]}; lower the issue's upper bound or the value per unit`);
        cells.push(cell);
        vals.push(wedge.values[k]);
      });
    });
    if (is.retaliation) {
      economyIndex(world, is.retaliation.by, `issue ${is.name} retaliation`);
      checkProbability(is.retaliation.probability, `issue ${is.name} retaliation`);
      if (mirror.length === 0) throw new InputError(`issue ${is.name}: retaliation by ${is.retaliation.by} needs a tariff change on ${is.retaliation.by} to mirror`);
      retaliations.push({ issue: nT + m, probability: is.retaliation.probability, coef: { cells: Int32Array.from(mirror), values: Float64Array.from(mirrorVals) } });
    }
    issueCoef.push(cells.length || transfers ? { cells: Int32Array.from(cells), values: Float64Array.from(vals), ...(transfers ? { transfers } : {}) } : NO_CELLS);
    lo.push(is.lower);
    hi.push(is.upper);
    start.push(is.start ?? is.lower);
  });
  // Agreement states: every combination of retaliations happening or not.
  const states: GameState[] = lotteries(retaliations.map((r) => r.probability)).map(({ happens, probability }) => {
    const coef = [...coefs, ...issueCoef].map((c) => ({ cells: Array.from(c.cells), values: Array.from(c.values), transfers: c.transfers }));
    retaliations.forEach((r, q) => {
      if (!happens[q]) return;
      coef[r.issue].cells.push(...r.coef.cells);
      coef[r.issue].values.push(...r.coef.values);
    });
    return { probability, base, costFactors: cost, coef: coef.map((c) => ({ cells: Int32Array.from(c.cells), values: Float64Array.from(c.values), ...(c.transfers ? { transfers: c.transfers } : {}) })) };
  });
  const objectives = P.map((k) => bindObjective(world, k, o.objectives?.[world.codes[k]] ?? WELFARE_ONLY));
  const issueValue = P.map((k) => {
    const v = new Float64Array(nT + issues.length);
    issues.forEach((is, m) => (v[nT + m] = is.values[world.codes[k]] ?? 0));
    return v;
  });
  const variables = lo.map((l, m) => ({ name: m < nT ? `${names[m].importer} on ${names[m].exporter}/${names[m].sector}` : issueNames[m - nT], lower: l, upper: hi[m], start: start[m] }));
  const agreement = new GameEvaluator({ world, rule, variables, states, parties: objectives, issueValue });

  // Disagreement: a lottery over outside options (independent), under the disagreement tariffs (and
  // before a deadline, the status quo). Linked issues stay at their start values.
  const opts = o.outsideOptions ?? [];
  for (const op of opts) {
    if (!parties.includes(op.party)) throw new InputError(`outside option ${op.name}: "${op.party}" is not a negotiating party`);
    checkProbability(op.probability, `outside option ${op.name}`);
  }
  const disStates: GameState[] = [];
  const disWeights: Float64Array[] = [];
  const r = o.patience;
  if (disagreement.kind === 'deadline' && parties.some((p) => r?.[p] === undefined)) {
    const missing = parties.filter((p) => r?.[p] === undefined);
    warn(`deadline: no patience (discount rate) given for ${missing.join(', ')}; the wait until the deadline is discounted at the default ${DEFAULT_DEADLINE_DISCOUNT_RATE} a year`);
  }
  const delta = Float64Array.from(parties, (p) => (disagreement.kind === 'deadline' ? Math.exp(-(r?.[p] ?? DEFAULT_DEADLINE_DISCOUNT_RATE) * (disagreement.days / 365)) : 1));
  if (disagreement.kind === 'deadline' && !(disagreement.days >= 0)) throw new InputError(`deadline: days must be >= 0, found ${disagreement.days}`);
  // Only the negotiated tariffs differ between agreement and disagreement: third economies' tariffs
  // stay at the status quo in both, so a deadline that lapses for everyone is not a reason to fail.
  const onlyNegotiated = (t: Float64Array) => {
    const out = Float64Array.from(sq.tariffs);
    for (const c of tariffCells) out[c] = t[c];
    return out;
  };
  const phases = disagreement.kind === 'deadline' ? [{ t: sq.tariffs, w: delta.map((d) => 1 - d) }, { t: onlyNegotiated(disagreement.after), w: delta }] : [{ t: onlyNegotiated(disT), w: new Float64Array(parties.length).fill(1) }];
  for (const phase of phases) {
    for (const { happens, probability } of lotteries(opts.map((op) => op.probability))) {
      const t = Float64Array.from(phase.t);
      opts.forEach((op, q) => {
        // A deal cuts tariffs to zero at most: it does not subsidise imports.
        if (happens[q]) for (const c of op.tariffs) for (const cell of changeCells(world, c, `outside option ${op.name}`)) t[cell] = t[cell] + c.change < 0 && t[cell] >= 0 ? 0 : t[cell] + c.change;
      });
      disStates.push({ probability: 1, base: t, costFactors: cost, coef: [] });
      disWeights.push(phase.w.map((w) => w * probability));
    }
  }
  return {
    world,
    agreement,
    curvature: new PayoffCurvature(agreement, o.hessians),
    disagreement: new GameEvaluator({ world, rule, variables: [], states: disStates, parties: objectives }),
    disagreementWeights: disWeights,
    names,
    issueNames,
    lower: Float64Array.from(lo),
    upper: Float64Array.from(hi),
    x0: Float64Array.from(start),
    theta: bargainingWeights(parties, o.theta, o.patience),
    parties,
  };
}

/** Disagreement: each party's payoff (plus issues at their start) and welfare, weighted over the disagreement states. */
export interface DisagreementValues {
  U: Float64Array;
  welfare: Float64Array;
}

export function disagreementPayoffs(b: Bargain, issueStart: Float64Array): DisagreementValues {
  const n = b.parties.length;
  const U = new Float64Array(n);
  const welfare = new Float64Array(n);
  b.disagreement.game.states.forEach((_, s) => {
    const parts = b.disagreement.parts([], s);
    for (let p = 0; p < n; p++) {
      U[p] += b.disagreementWeights[s][p] * parts[p].value;
      welfare[p] += b.disagreementWeights[s][p] * parts[p].welfarePct;
    }
  });
  const iv = b.agreement.game.issueValue!;
  const nT = b.names.length;
  for (let p = 0; p < n; p++) for (let m = 0; m < issueStart.length; m++) U[p] += iv[p][nT + m] * issueStart[m];
  return { U, welfare };
}


/**
 * Trade talks (MODEL.md §2): generalised Nash bargaining among the
 * negotiating parties over their tariffs on each other and any linked issues,
 * everyone else's tariffs held fixed:
 *
 *   max_x  sum_k theta_k ln(U_k(x) - Ud_k)   s.t.  U_k(x) > Ud_k,  x in bounds.
 *
 * - Disagreement Ud: the status quo, given tariffs (e.g. what applies when a
 *   pause expires), or a deadline mixing the two: talks that fail keep the
 *   status quo until the deadline and the "after" tariffs from then on, so
 *   Ud_k = (1 - delta_k) U_k(before) + delta_k U_k(after), delta_k = exp(-r_k T).
 * - Outside options: a party's alternative deal with a third economy (tariff
 *   changes) that materialises with probability p if talks fail.
 * - Linked issues: extra variables with a value per unit to each party; an
 *   issue can move tariffs (decoupling: a party raises its barriers on a third
 *   economy), and the third economy may retaliate with probability p.
 * - Patience: theta_k = r_other / (r_k + r_other) (Rubinstein with short
 *   periods); for more than two parties theta_k is proportional to 1 / r_k.
 */
import { economyIndex, type World } from '../data/world.js';
import { ConvergenceError, InputError } from '../errors.js';
import { computeBaseline } from '../model/baseline.js';
import { noShock, type Deficits, type Shock } from '../model/equilibrium.js';
import { moneyValue } from '../model/results.js';
import { warn } from '../warn.js';
import { direction, GameEvaluator, NO_CELLS, strategicWorld, type GameState, type SparseDirection } from './game.js';
import { bindObjective, WELFARE_ONLY, type Objective } from './gradient.js';
import { minimise, type Minimised } from '../numeric/minimise.js';
import { softMin } from '../numeric/softmin.js';
import {
  BARGAIN_NEWTON_MAX,
  BARGAIN_STEP_TOL,
  BARGAIN_TOL,
  BETTER_BY,
  MIN_RANGE,
  PHASE1_MAX_ITERATIONS,
  PHASE1_TAU_FIRST,
  PHASE1_TAU_LAST,
  PHASE1_TOL_FACTOR,
  START_DEDUP_RADIUS,
  SURPLUS_CLEAR,
  SURPLUS_MIN,
} from '../numeric/tolerances.js';

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
}

export interface AgreedTariff {
  importer: string;
  exporter: string;
  sector: string;
  rate: number;
  /** Rate at the status quo, for comparison. */
  before: number;
}

/**
 * Discount rate per year applied to the wait until a deadline when a party's
 * patience is not stated; the negotiation then says so in a warning.
 */
export const DEFAULT_DEADLINE_DISCOUNT_RATE = 0.05;

export interface Negotiation {
  /** false when no point gives every party more than its disagreement payoff. */
  agreement: boolean;
  converged: boolean;
  parties: string[];
  theta: Record<string, number>;
  tariffs: AgreedTariff[];
  issues: Record<string, number>;
  /** Payoffs (U units) at the agreement and at disagreement. */
  utility: Record<string, number>;
  disagreementUtility: Record<string, number>;
  gains: Record<string, number>;
  /** Gains in money: welfare gain over disagreement valued by moneyValue (model/results.ts). */
  ev: Record<string, number>;
  /** Welfare change (%) at the outcome (expected over states), relative to the baseline. */
  welfare: Record<string, number>;
  /** Baseline income with tariff revenue (Y + R) of each party, in the data's currency: what moneyValue scales. */
  income: Record<string, number>;
  /** The variables at the solution (for warm starts). */
  x: Float64Array;
  iterations: number;
  world: World;
}

interface Built {
  world: World;
  ev: GameEvaluator;
  dis: GameEvaluator;
  disWeights: Float64Array[]; // per disagreement state, per party: weight
  names: { importer: string; exporter: string; sector: string; before: number }[];
  issueNames: string[];
  lower: Float64Array;
  upper: Float64Array;
  x0: Float64Array;
  theta: Float64Array;
  parties: string[];
}

/** Cells of a tariff change (a sector, or all sectors). */
function changeCells(world: World, c: TariffChange, what: string): number[] {
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

function build(world0: World, o: NegotiationOptions): Built {
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
  const names: Built['names'] = [];
  const coefs: SparseDirection[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  const start: number[] = [];
  const sectorGroups = o.instrument === 'partner-sector' ? world.sectors.map((_, s) => [s]) : [world.sectors.map((_, s) => s)];
  for (const j of P) {
    for (const i of P) {
      if (i === j) continue;
      for (const group of sectorGroups) {
        const cells = group.map((s) => (i * N + j) * S + s);
        const before = cells.reduce((a, c) => a + sq.tariffs[c], 0) / cells.length;
        const dis = cells.reduce((a, c) => a + disT[c], 0) / cells.length;
        const up = o.upper ?? Math.max(before, dis, lowerT + MIN_RANGE);
        if (!(up > lowerT)) throw new InputError(`bounds exclude every point: upper ${up} is not above lower ${lowerT}`);
        names.push({ importer: world.codes[j], exporter: world.codes[i], sector: group.length === 1 && S > 1 ? world.sectors[group[0]] : 'ALL', before });
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
    if (is.retaliation) {
      economyIndex(world, is.retaliation.by, `issue ${is.name} retaliation`);
      checkProbability(is.retaliation.probability, `issue ${is.name} retaliation`);
      if (mirror.length === 0) throw new InputError(`issue ${is.name}: retaliation by ${is.retaliation.by} needs a tariff change on ${is.retaliation.by} to mirror`);
      retaliations.push({ issue: nT + m, probability: is.retaliation.probability, coef: { cells: Int32Array.from(mirror), values: Float64Array.from(mirrorVals) } });
    }
    issueCoef.push(cells.length ? { cells: Int32Array.from(cells), values: Float64Array.from(vals) } : NO_CELLS);
    lo.push(is.lower);
    hi.push(is.upper);
    start.push(is.start ?? is.lower);
  });
  // Agreement states: every combination of retaliations happening or not.
  const states: GameState[] = [];
  for (let mask = 0; mask < 1 << retaliations.length; mask++) {
    let prob = 1;
    const coef = [...coefs, ...issueCoef].map((c) => ({ cells: Array.from(c.cells), values: Array.from(c.values) }));
    retaliations.forEach((r, q) => {
      const on = (mask >> q) & 1;
      prob *= on ? r.probability : 1 - r.probability;
      if (on) {
        coef[r.issue].cells.push(...r.coef.cells);
        coef[r.issue].values.push(...r.coef.values);
      }
    });
    states.push({ probability: prob, base, costFactors: cost, coef: coef.map((c) => ({ cells: Int32Array.from(c.cells), values: Float64Array.from(c.values) })) });
  }
  const objectives = P.map((k) => bindObjective(world, k, o.objectives?.[world.codes[k]] ?? WELFARE_ONLY));
  const issueValue = P.map((k) => {
    const v = new Float64Array(nT + issues.length);
    issues.forEach((is, m) => (v[nT + m] = is.values[world.codes[k]] ?? 0));
    return v;
  });
  const variables = lo.map((l, m) => ({ name: m < nT ? `${names[m].importer} on ${names[m].exporter}/${names[m].sector}` : issueNames[m - nT], lower: l, upper: hi[m], start: start[m] }));
  const ev = new GameEvaluator({ world, rule, variables, states, parties: objectives, issueValue });

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
    for (let mask = 0; mask < 1 << opts.length; mask++) {
      let prob = 1;
      const t = Float64Array.from(phase.t);
      opts.forEach((op, q) => {
        const on = (mask >> q) & 1;
        prob *= on ? op.probability : 1 - op.probability;
        // A deal cuts tariffs to zero at most: it does not subsidise imports.
        if (on) for (const c of op.tariffs) for (const cell of changeCells(world, c, `outside option ${op.name}`)) t[cell] = t[cell] + c.change < 0 && t[cell] >= 0 ? 0 : t[cell] + c.change;
      });
      disStates.push({ probability: 1, base: t, costFactors: cost, coef: [] });
      disWeights.push(phase.w.map((w) => w * prob));
    }
  }
  const dis = new GameEvaluator({ world, rule, variables: [], states: disStates, parties: objectives });
  return {
    world,
    ev,
    dis,
    disWeights,
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
interface DisagreementValues {
  U: Float64Array;
  welfare: Float64Array;
}

function disagreementPayoffs(b: Built, issueStart: Float64Array): DisagreementValues {
  const n = b.parties.length;
  const U = new Float64Array(n);
  const welfare = new Float64Array(n);
  b.dis.game.states.forEach((_, s) => {
    const parts = b.dis.parts([], s);
    for (let p = 0; p < n; p++) {
      U[p] += b.disWeights[s][p] * parts[p].value;
      welfare[p] += b.disWeights[s][p] * parts[p].welfarePct;
    }
  });
  const iv = b.ev.game.issueValue!;
  const nT = b.names.length;
  for (let p = 0; p < n; p++) for (let m = 0; m < issueStart.length; m++) U[p] += iv[p][nT + m] * issueStart[m];
  return { U, welfare };
}

export function negotiate(world0: World, o: NegotiationOptions, warm?: Float64Array): Negotiation {
  const b = build(world0, o);
  const nT = b.names.length;
  const issueStart = b.x0.slice(nT);
  return solveBargain(b, disagreementPayoffs(b, issueStart), b.theta, o, warm);
}

function solveBargain(b: Built, dis: DisagreementValues, theta: Float64Array, o: NegotiationOptions, warm?: Float64Array): Negotiation {
  const Ud = dis.U;
  const n = b.parties.length;
  // The Nash product is O(1) in logs; its value is only good to ~1e-14, so a gradient below 1e-7 is as far as a line search can see.
  const tol = o.tol ?? BARGAIN_TOL;
  const maxIterations = o.maxIterations ?? 500;
  const bounds = { lower: b.lower, upper: b.upper };
  // Payoffs are in percent; work with fractions so tolerances read as in logs.
  const scale = 100;
  // Phase 1: a point every party prefers to disagreement, by a smooth maximin (log-sum-exp),
  // sharpened until the true minimum is positive (surpluses can be 1e-6 of GDP).
  const surplus = (U: Float64Array) => U.map((u, p) => (u - Ud[p]) / scale);
  const weights = new Float64Array(n);
  const smoothMin = (tau: number) => (x: Float64Array) => {
    const { U, G } = b.ev.evaluate(x);
    const s = surplus(U);
    const f = -softMin(s, tau, weights);
    const g = new Float64Array(x.length);
    for (let p = 0; p < n; p++) for (let k = 0; k < x.length; k++) g[k] -= (weights[p] * G[p][k]) / scale;
    return { f, g, positive: Math.min(...s) > SURPLUS_CLEAR };
  };
  /** Phase 1 from a start: a point every party prefers to disagreement, or undefined. */
  const phase1 = (start: Float64Array): Float64Array | undefined => {
    let x: Float64Array = Float64Array.from(start);
    let { U } = b.ev.evaluate(x, false);
    for (let tau = PHASE1_TAU_FIRST; Math.min(...surplus(U)) <= SURPLUS_CLEAR && tau >= PHASE1_TAU_LAST; tau /= 10) {
      // Stop once every surplus is clearly positive (1e-6 of income): starting the log barrier
      // at a surplus of 1e-12 would leave phase 2 a needle to thread.
      let positive = false;
      const f = smoothMin(tau);
      const fg = (xx: Float64Array) => {
        const r = f(xx);
        positive = r.positive;
        return r;
      };
      const r = minimise(fg, x, { ...bounds, newtonMax: BARGAIN_NEWTON_MAX, tol: tau * PHASE1_TOL_FACTOR, maxIterations: PHASE1_MAX_ITERATIONS, stop: () => positive });
      x = r.x;
      U = b.ev.evaluate(x, false).U;
      // A positive surplus already above the smoothing width will not grow by sharpening further.
      const m = Math.min(...surplus(U));
      if (m > 0 && tau < m) break;
      // The smooth maximin S bounds the true one: S <= max-min <= S + tau ln n. If even the upper
      // bound is negative at a converged point, no terms beat disagreement for everyone.
      if (r.converged && -r.f + tau * Math.log(n) < 0) break;
    }
    return Math.min(...surplus(U)) > SURPLUS_MIN ? x : undefined;
  };
  // Phase 2: the generalised Nash product; points below disagreement are infeasible (f = Infinity).
  const nash = (xx: Float64Array) => {
    const { U: u, G } = b.ev.evaluate(xx);
    const s = surplus(u);
    if (s.some((v) => !(v > 0))) return { f: Infinity, g: new Float64Array(xx.length) };
    let f = 0;
    const g = new Float64Array(xx.length);
    for (let p = 0; p < n; p++) {
      f -= theta[p] * Math.log(s[p]);
      for (let k = 0; k < xx.length; k++) g[k] -= (theta[p] * G[p][k]) / scale / s[p];
    }
    return { f, g };
  };
  // The Nash product need not be concave in the variables (linked issues trade off against
  // tariffs through the GE model), so start also with every linked issue at its upper bound and
  // keep the best: a deal with a large pledge and a low tariff can beat one with neither.
  const nT = b.names.length;
  const given = o.start && o.start.length === b.x0.length ? Float64Array.from(o.start) : undefined;
  const starts: Float64Array[] = [Float64Array.from(warm ?? given ?? b.x0)];
  if (b.x0.length > nT && !given) {
    const high = Float64Array.from(b.x0);
    for (let k = nT; k < high.length; k++) high[k] = b.upper[k];
    starts.push(high);
  }
  let best: Minimised | undefined;
  let last: Minimised | undefined;
  const seen: Float64Array[] = [];
  for (const start of starts) {
    const x1 = phase1(start);
    if (!x1) continue;
    // Starts that phase 1 brings to the same place need no second phase 2.
    if (seen.some((p) => p.every((v, k) => Math.abs(v - x1[k]) < START_DEDUP_RADIUS * Math.max(1, b.upper[k] - b.lower[k])))) continue;
    seen.push(x1);
    // Few variables, possibly badly conditioned (linear transfers): projected Newton, BFGS beyond 40.
    const res = minimise(nash, x1, { ...bounds, newtonMax: BARGAIN_NEWTON_MAX, tol, maxIterations, stepTol: BARGAIN_STEP_TOL });
    last = res;
    if (Number.isFinite(res.f) && res.converged && (!best || res.f < best.f - BETTER_BY)) best = res;
  }
  if (!last) return report(b, b.x0, dis, theta, false, true, 0);
  const res = best ?? last;
  if (!Number.isFinite(res.f)) throw new ConvergenceError('Nash bargaining (no feasible point)', res.projectedGradient, res.iterations);
  return report(b, res.x, dis, theta, true, res.converged, res.iterations, res.projectedGradient);
}

function report(b: Built, x: Float64Array, dis: DisagreementValues, theta: Float64Array, agreement: boolean, converged: boolean, iterations: number, projected = 0): Negotiation {
  if (!converged) throw new ConvergenceError('Nash bargaining', projected, iterations);
  const { U } = b.ev.evaluate(x, false);
  const Ud = dis.U;
  const disWelfare = dis.welfare;
  const nT = b.names.length;
  const rec = (a: ArrayLike<number>) => Object.fromEntries(b.parties.map((p, k) => [p, a[k]]));
  const base = computeBaseline(b.world);
  const income = b.parties.map((p) => base.Y[b.world.codes.indexOf(p)] + base.R[b.world.codes.indexOf(p)]);
  // Money: the welfare part of the gain (U may weigh more than welfare), valued by moneyValue.
  const welfareAt = new Float64Array(b.parties.length);
  b.ev.game.states.forEach((st, s) => b.ev.parts(x, s).forEach((pp, p) => (welfareAt[p] += st.probability * pp.welfarePct)));
  const gains = U.map((u, p) => (agreement ? u - Ud[p] : 0));
  return {
    agreement,
    converged,
    parties: b.parties,
    theta: rec(theta),
    tariffs: b.names.map((nm, m) => ({ importer: nm.importer, exporter: nm.exporter, sector: nm.sector, rate: agreement ? x[m] : nm.before, before: nm.before })),
    issues: Object.fromEntries(b.issueNames.map((name, m) => [name, x[nT + m]])),
    utility: rec(agreement ? U : Ud),
    disagreementUtility: rec(Ud),
    gains: rec(gains),
    ev: rec(b.parties.map((_, p) => (agreement ? moneyValue((welfareAt[p] - disWelfare[p]) / 100, income[p]) : 0))),
    welfare: rec(agreement ? welfareAt : disWelfare),
    income: rec(income),
    x,
    iterations,
    world: b.world,
  };
}

/**
 * The Pareto frontier between the first two parties: the bargaining solutions
 * for theta_1 from near 0 to near 1 (each is Pareto-efficient), as [U_1, U_2].
 */
export function paretoFrontier(world0: World, o: NegotiationOptions, points = 11): { frontier: [number, number][]; disagreement: [number, number] } {
  const b = build(world0, o);
  const nT = b.names.length;
  const dis = disagreementPayoffs(b, b.x0.slice(nT));
  const Ud = dis.U;
  const frontier: [number, number][] = [];
  let warm: Float64Array | undefined;
  for (let q = 0; q < points; q++) {
    const t1 = 0.02 + (0.96 * q) / (points - 1);
    const theta = new Float64Array(b.parties.length).fill((1 - t1) / (b.parties.length - 1));
    theta[0] = t1;
    const r = solveBargain(b, dis, theta, o, warm);
    if (!r.agreement) break;
    warm = r.x;
    frontier.push([r.utility[b.parties[0]], r.utility[b.parties[1]]]);
  }
  return { frontier, disagreement: [Ud[0], Ud[1]] };
}

/** A lever of a negotiation: an outside option, a linked issue, or a party's patience. */
export interface LeverSpec {
  name: string;
  /** The party the lever helps (default: the option's party; for an issue, the party valuing it most). */
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
    const best = Object.entries(issue.values).sort((a, b) => b[1] - a[1])[0]?.[0];
    return { options: { ...o, issues: o.issues!.filter((x) => x !== issue) }, owner: lever.owner ?? best ?? o.parties[0] };
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

/** The value of each lever: the deal with it (`deal`) against the deal without it. */
export function leverValues(world0: World, o: NegotiationOptions, deal: Negotiation, levers: readonly LeverSpec[], starts?: Readonly<Record<string, ArrayLike<number>>>): LeverValue[] {
  return levers.map((lever) => {
    const { options, owner } = withoutLever(o, lever);
    const without = negotiate(world0, { ...options, start: starts?.[lever.name] });
    const world = deal.world;
    return {
      name: lever.name,
      owner,
      tariff_points: 100 * (tradeWeightedTariffOn(world, deal.tariffs, owner) - tradeWeightedTariffOn(world, without.tariffs, owner)),
      ev: moneyValue((deal.welfare[owner] - without.welfare[owner]) / 100, deal.income[owner]),
      utility: deal.utility[owner] - without.utility[owner],
      without,
    };
  });
}

/**
 * Government objectives and their gradients with respect to tariffs, without
 * re-solving the equilibrium (MODEL.md §2). A government k scores an outcome
 *
 *   U_k = a_w welfare% + a_rev revenue (% of GDP) + sum_p a_p d balance_kp (% of GDP)
 *
 * (linked issues add terms that do not depend on tariffs; see game.ts). With
 * the equilibrium written as F(w, t) = 0 (scaled market clearing for N-1
 * economies plus the numeraire):
 *
 *   dU/dt = dU/dt|_w - mu' dF/dt|_w,   where (dF/dw)' mu = (dU/dw)'
 *
 * one LU factorisation and one transpose solve per objective, whatever the
 * number of tariffs; each tariff direction then costs one O(N^2 S) tangent at
 * fixed w, shared by all objectives.
 */
import { economyIndex, flowTotal, type World } from '../data/world.js';
import { InputError } from '../errors.js';
import type { CoreSolution, EquilibriumSystem, Tangent, TariffSeeds } from '../model/system.js';
import { computeBaseline } from '../model/baseline.js';
import { adjointMultipliers, droppedMarket } from '../model/residual.js';

/** What a government values, per unit: welfare (%), tariff revenue (% of GDP), bilateral balances (% of GDP). */
export interface Objective {
  welfare: number;
  revenue: number;
  /** Weight on the change in k's balance with each partner (exports to minus imports from, % of k's GDP). */
  balances: readonly { partner: string; weight: number }[];
  /**
   * Political-economy weights lambda_s on the player's industry incomes, one
   * per sector (Ossa 2014): the welfare term becomes government welfare
   * G = sum_s lambda_s I_s / P, I_s = sales_s + delta_s R with delta_s the
   * sector's share of labour income. All ones gives welfare.
   */
  industryWeights?: readonly number[];
  /**
   * Weights on sectors' real value added (its change, in % of the player's baseline income): the incomes of
   * interest groups (steel, cars) counted on top of welfare, linear in the weights so a calibration can estimate
   * them. Worlds with input-output links (io-gradient.ts); without them, industryWeights play this part.
   */
  incomes?: readonly { sector: string; weight: number }[];
}

/** The default: welfare only. */
export const WELFARE_ONLY: Objective = { welfare: 1, revenue: 0, balances: [] };

/** An objective bound to a player of a world, ready for evaluation. */
export interface PlayerObjective {
  player: number;
  objective: Objective;
  partners: Int32Array;
  /** Baseline balance with each partner as a share of GDP. */
  balance0: Float64Array;
  /** Political-economy weights per sector and the baseline weighted industry income, when given. */
  lambda?: Float64Array;
  govIncome0?: number;
  /** The sector weightings government income's derivative sums sales with: lambda, lambda (1 - profit share), 1 - profit share. */
  salesWeightings?: Float64Array[];
  /** Work buffers of this objective's derivatives (owned here, not by the module, so gradients are re-entrant). */
  scratch: GradientScratch;
  /** Sector-income weights resolved: sector indices, weights, and each sector's baseline value added. */
  incomes?: { sectors: Int32Array; weights: Float64Array; va0: Float64Array };
}

/** Buffers reused across an objective's evaluations: sector sales, the three weighted sums, a direction's row. */
interface GradientScratch {
  sales: Float64Array;
  sums: Float64Array;
  row: RowCells;
}

function gradientScratch(S: number): GradientScratch {
  return { sales: new Float64Array(S), sums: new Float64Array(3), row: { cells: new Int32Array(16), values: new Float64Array(16), count: 0 } };
}

export function bindObjective(world: World, player: number, objective: Objective = WELFARE_ONLY): PlayerObjective {
  const { S } = world;
  for (const [name, v] of [['welfare', objective.welfare], ['revenue', objective.revenue]] as const) {
    if (!Number.isFinite(v)) throw new InputError(`objective weight ${name} of ${world.codes[player]} must be a finite number, found ${v}`);
  }
  const partners = Int32Array.from(objective.balances, (b) => {
    const p = economyIndex(world, b.partner, `objectives.${world.codes[player]}.balances`);
    if (p === player) throw new InputError(`objective of ${world.codes[player]}: a balance needs a partner other than itself`);
    if (!Number.isFinite(b.weight)) throw new InputError(`objective of ${world.codes[player]}: balance weight for ${b.partner} must be finite, found ${b.weight}`);
    return p;
  });
  const gdp = computeBaseline(world).income[player];
  const balance0 = Float64Array.from(partners, (p) => (flowTotal(world, player, p) - flowTotal(world, p, player)) / gdp);
  const scratch = gradientScratch(S);
  const incomes = objective.incomes?.length ? bindIncomes(world, player, objective.incomes) : undefined;
  if (!objective.industryWeights) return { player, objective, partners, balance0, scratch, ...(incomes ? { incomes } : {}) };
  if (incomes) throw new InputError(`objective of ${world.codes[player]}: give industry weights or sector-income weights, not both`);
  const lambda = Float64Array.from(objective.industryWeights);
  if (lambda.length !== S) throw new InputError(`objective of ${world.codes[player]}: ${lambda.length} industry weights for ${S} sectors`);
  for (const v of lambda) if (!(v >= 0) || !Number.isFinite(v)) throw new InputError(`objective of ${world.codes[player]}: industry weights must be finite and >= 0, found ${v}`);
  const base = computeBaseline(world);
  const govIncome0 = governmentIncome(lambda, base.profitShare, base.Ys.subarray(player * S, player * S + S), base.R[player]);
  const kap = base.profitShare;
  const salesWeightings = [lambda, lambda.map((l, s) => l * (1 - kap[s])), kap.map((x) => 1 - x)];
  return { player, objective, partners, balance0, lambda, govIncome0, salesWeightings, scratch };
}

/** Sector-income weights of `player` resolved against the world (input-output worlds only). */
function bindIncomes(world: World, player: number, incomes: NonNullable<Objective['incomes']>): NonNullable<PlayerObjective['incomes']> {
  const who = world.codes[player];
  if (!world.io) throw new InputError(`objective of ${who}: weights on sector incomes need a world with input-output links; on ${world.meta.name} use industry weights (Ossa 2014)`);
  const { N, S, Z } = world;
  const gva = world.io.gva;
  const sectors = Int32Array.from(incomes, (x) => {
    const s = world.sectors.indexOf(x.sector);
    if (s < 0) throw new InputError(`objective of ${who}: unknown sector "${x.sector}" in its income weights (${world.sectors.join(', ')})`);
    if (!Number.isFinite(x.weight)) throw new InputError(`objective of ${who}: income weight for ${x.sector} must be finite, found ${x.weight}`);
    return s;
  });
  if (new Set(sectors).size !== sectors.length) throw new InputError(`objective of ${who}: a sector's income is weighted twice`);
  // Baseline value added: the sector's sales at factory prices times its value-added share.
  const va0 = Float64Array.from(sectors, (s) => {
    let sales = 0;
    for (let m = 0; m < N; m++) sales += Z[(player * N + m) * S + s];
    return gva[player * S + s] * sales;
  });
  return { sectors, weights: Float64Array.from(incomes, (x) => x.weight), va0 };
}

/** sum_s lambda_s (sales_s + delta_s R), delta_s = (1 - profitShare_s) sales_s / sum_r (1 - profitShare_r) sales_r. */
function governmentIncome(lambda: Float64Array, profitShare: Float64Array, sales: ArrayLike<number>, R: number): number {
  let sl = 0;
  let sll = 0;
  let lab = 0;
  for (let s = 0; s < lambda.length; s++) {
    const lb = (1 - profitShare[s]) * sales[s];
    sl += lambda[s] * sales[s];
    sll += lambda[s] * lb;
    lab += lb;
  }
  return sl + (R * sll) / lab;
}

/** The parts of an objective at the system's current point, in percent. */
export interface ObjectiveParts {
  value: number;
  welfarePct: number;
  /** Government welfare with the political-economy weights (= welfarePct without them). */
  governmentPct: number;
  revenuePctGdp: number;
  balancePctGdp: number[];
  /** Per weighted sector (objective.incomes), the change in its real value added, % of baseline income. */
  incomePctGdp?: number[];
}

export function objectiveParts(sys: CoreSolution, po: PlayerObjective): ObjectiveParts {
  const k = po.player;
  const lnW = welfarePart(sys, k, null, 0);
  const gdp = sys.w[k] * sys.L[k] + sys.profit[k];
  const welfarePct = 100 * (Math.exp(lnW) - 1);
  const governmentPct = po.lambda ? 100 * (Math.exp(governmentState(sys, po).lnG) - 1) : welfarePct;
  const revenuePctGdp = (100 * sys.Ep[k] * sys.rho[k]) / gdp;
  const balancePctGdp = Array.from(po.partners, (p, m) => 100 * (balance(sys, k, p) / gdp - po.balance0[m]));
  const o = po.objective;
  let value = o.welfare * governmentPct + o.revenue * revenuePctGdp;
  balancePctGdp.forEach((b, m) => (value += o.balances[m].weight * b));
  return { value, welfarePct, governmentPct, revenuePctGdp, balancePctGdp };
}

/** Factory-gate exports of k to p minus its imports from p, at the current point. */
function balance(sys: CoreSolution, k: number, p: number): number {
  const N = sys.N;
  return sys.u[k * N + p] * sys.Ep[p] - sys.u[p * N + k] * sys.Ep[k];
}

/** -ln Phat_k = sum_s beta ln Q / eps, or its derivative along a tangent. */
function minusLnPrice(sys: CoreSolution, k: number, tan: Tangent | null): number {
  const { S, Q } = sys;
  const { beta, world } = sys.base;
  const eps = world.eps;
  let v = 0;
  const touched = tan ? sys.touchedColumns() : null;
  if (touched) {
    // A sparse tariff tangent moves d ln Q only in the columns it touched.
    for (let m = 0; m < touched.length; m++) {
      const js = touched[m];
      const s = js % S;
      if (js - s === k * S && beta[js] > 0) v += (beta[js] * tan!.dlnQ[js]) / eps[s];
    }
    return v;
  }
  for (let s = 0; s < S; s++) {
    const b = beta[k * S + s];
    if (b > 0) v += (b * (tan ? tan.dlnQ[k * S + s] : Math.log(Q[k * S + s]))) / eps[s];
  }
  return v;
}

/** The income welfare counts: Y' + R' plus any transfers received in a deal. */
function welfareIncome(sys: CoreSolution, k: number): number {
  return sys.w[k] * sys.L[k] + sys.profit[k] + sys.Ep[k] * sys.rho[k] + sys.transfer[k];
}

/** ln W_k, or its derivative along a tangent (dw = v with v_k = vk, or dw = 0 for a tariff tangent). */
function welfarePart(sys: CoreSolution, k: number, tan: Tangent | null, vk: number): number {
  const { L, Ep, rho } = sys;
  const { Y, R } = sys.base;
  const income = welfareIncome(sys, k);
  if (!tan) return Math.log(income) - Math.log(Y[k] + R[k]) + minusLnPrice(sys, k, null);
  return (L[k] * vk + tan.dProfit[k] + tan.dE[k] * rho[k] + Ep[k] * tan.dRho[k]) / income + minusLnPrice(sys, k, tan);
}

/** Government income sum_s lambda_s I'_s and its parts at the current point. */
interface GovernmentState {
  lnG: number;
  gov: number;
  R: number;
  sll: number;
  lab: number;
}

function governmentState(sys: CoreSolution, po: PlayerObjective): GovernmentState {
  const k = po.player;
  const lambda = po.lambda!;
  const { S, Ep, rho } = sys;
  const kap = sys.base.profitShare;
  const sales = po.scratch.sales;
  sys.sectorSales(k, sales);
  const R = Ep[k] * rho[k];
  let sl = 0;
  let sll = 0;
  let lab = 0;
  for (let s = 0; s < S; s++) {
    sl += lambda[s] * sales[s];
    sll += lambda[s] * (1 - kap[s]) * sales[s];
    lab += (1 - kap[s]) * sales[s];
  }
  const gov = sl + (R * sll) / lab;
  return { lnG: Math.log(gov) - Math.log(po.govIncome0!) + minusLnPrice(sys, k, null), gov, R, sll, lab };
}

/** d ln G_k (government welfare with political-economy weights) along a tangent; row = the direction's cells in k's exports. */
function governmentDerivative(sys: EquilibriumSystem, po: PlayerObjective, st: GovernmentState, wj: readonly Float64Array[], tan: Tangent, vk: number, row: RowCells | null): number {
  const k = po.player;
  const { Ep, rho } = sys;
  const sums = po.scratch.sums;
  sys.weightedSalesTangent(k, po.salesWeightings!, wj, vk, sums, row?.cells, row?.values, row?.count ?? 0);
  const dsl = sums[0];
  const dsll = sums[1];
  const dlab = sums[2];
  const { R, sll, lab, gov } = st;
  const dR = tan.dE[k] * rho[k] + Ep[k] * tan.dRho[k];
  const dgov = dsl + (dR * sll + R * dsll) / lab - (R * sll * dlab) / (lab * lab);
  return dgov / gov + minusLnPrice(sys, k, tan);
}

/**
 * The adjoint seeds of Phi = U - sum_i mu_i excess_i / L_i (i != drop) at fixed w: the reverse of
 * objectiveDerivative's forward formulas (welfare or government welfare, revenue, balances).
 */
function tariffSeeds(sys: EquilibriumSystem, po: PlayerObjective, at: ObjectiveAt, mu: Float64Array, drop: number): TariffSeeds {
  const { N, S, Ep, rho, u, up, w, L, profit, krugman } = sys;
  const { beta, world, profitShare } = sys.base;
  const eps = world.eps;
  const k = po.player;
  const o = po.objective;
  const seeds: TariffSeeds = {
    excess: Float64Array.from({ length: N }, (_, i) => (i === drop ? 0 : -mu[i] / L[i])),
    E: new Float64Array(N),
    u: new Float64Array(N * N),
    up: new Float64Array(krugman ? N * N : 0),
    rho: new Float64Array(N),
    lnQ: new Float64Array(N * S),
  };
  const gdp = w[k] * L[k] + profit[k];
  let gdpBar = 0;
  // R' = E'_k rho_k and profit_k = sum_j up_kj E'_j enter several terms.
  const addRevenue = (c: number) => {
    seeds.E[k] += c * rho[k];
    seeds.rho[k] += c * Ep[k];
  };
  const addProfit = (c: number) => {
    if (!krugman) return;
    for (let j = 0; j < N; j++) {
      seeds.up[k * N + j] += c * Ep[j];
      seeds.E[j] += c * up[k * N + j];
    }
  };
  if (o.welfare !== 0) {
    const C = o.welfare * 100 * at.level;
    for (let s = 0; s < S; s++) seeds.lnQ[k * S + s] += (C * beta[k * S + s]) / eps[s];
    if (at.gov) {
      const { gov, R, sll, lab } = at.gov;
      const lambda = po.lambda!;
      const weight = new Float64Array(S);
      for (let s = 0; s < S; s++) weight[s] = (C / gov) * (lambda[s] + (R / lab) * lambda[s] * (1 - profitShare[s]) - ((R * sll) / (lab * lab)) * (1 - profitShare[s]));
      seeds.sales = { exporter: k, weight };
      addRevenue(((C / gov) * sll) / lab);
    } else {
      const income = welfareIncome(sys, k);
      addRevenue(C / income);
      addProfit(C / income);
    }
  }
  if (o.revenue !== 0) {
    const rev = Ep[k] * rho[k];
    addRevenue((100 * o.revenue) / gdp);
    gdpBar -= (100 * o.revenue * rev) / (gdp * gdp);
  }
  po.partners.forEach((p, m) => {
    const a = o.balances[m].weight;
    const b = balance(sys, k, p);
    const bBar = (100 * a) / gdp;
    gdpBar -= (100 * a * b) / (gdp * gdp);
    seeds.u[k * N + p] += bBar * Ep[p];
    seeds.E[p] += bBar * u[k * N + p];
    seeds.u[p * N + k] -= bBar * Ep[k];
    seeds.E[k] -= bBar * u[p * N + k];
  });
  addProfit(gdpBar);
  return seeds;
}

/** A direction's changes of the cells in one exporter's row (the first `count` entries). */
interface RowCells {
  cells: Int32Array;
  values: Float64Array;
  count: number;
}

/** What an objective's derivative needs from the current point, computed once per gradient. */
interface ObjectiveAt {
  /** W (or G with political-economy weights) as a factor. */
  level: number;
  gov?: GovernmentState;
  /** salesWeights of each of the player's sector weightings (government welfare only). */
  wj?: Float64Array[];
}

function objectiveAt(sys: EquilibriumSystem, po: PlayerObjective): ObjectiveAt {
  if (!po.lambda) return { level: Math.exp(welfarePart(sys, po.player, null, 0)) };
  const gov = governmentState(sys, po);
  const wj = po.salesWeightings!.map((c) => {
    const out = new Float64Array(sys.N);
    sys.salesWeights(po.player, c, out);
    return out;
  });
  return { level: Math.exp(gov.lnG), gov, wj };
}

/** dU along a tangent, U in percent (see objectiveParts); dt is the tariff direction (null along w). */
function objectiveDerivative(sys: EquilibriumSystem, po: PlayerObjective, at: ObjectiveAt, tan: Tangent, vk: number, dt: Direction | null): number {
  const k = po.player;
  const { N, w, Ep, rho, u } = sys;
  const gdp = w[k] * sys.L[k] + sys.profit[k];
  const dgdp = sys.L[k] * vk + tan.dProfit[k];
  const o = po.objective;
  let d = 0;
  if (o.welfare !== 0) {
    d += o.welfare * 100 * at.level * (at.gov ? governmentDerivative(sys, po, at.gov, at.wj!, tan, vk, dt ? rowCells(dt, k, N * sys.S, po.scratch.row) : null) : welfarePart(sys, k, tan, vk));
  }
  if (o.revenue !== 0) {
    const rev = Ep[k] * rho[k];
    d += o.revenue * 100 * ((tan.dE[k] * rho[k] + Ep[k] * tan.dRho[k]) / gdp - (rev * dgdp) / (gdp * gdp));
  }
  po.partners.forEach((p, m) => {
    const b = balance(sys, k, p);
    const db = tan.du[k * N + p] * Ep[p] + u[k * N + p] * tan.dE[p] - tan.du[p * N + k] * Ep[k] - u[p * N + k] * tan.dE[k];
    d += o.balances[m].weight * 100 * (db / gdp - (b * dgdp) / (gdp * gdp));
  });
  return d;
}

/**
 * A change of tariffs: dense ([i][j][s]) or sparse (cells and their changes), the sparse form with any transfers
 * per economy it also makes (received, per unit; a linked issue's pledge).
 */
export type Direction = Float64Array | { cells: Int32Array; values: Float64Array; transfers?: Float64Array };

/** The transfers a direction makes, if any. */
export function transfersOf(dt: Direction): Float64Array | undefined {
  return dt instanceof Float64Array ? undefined : dt.transfers;
}

/** Transfers are income to welfare only: government welfare with political-economy weights does not count them. */
function refuseTransfersWithLambda(objectives: readonly PlayerObjective[], directions: readonly Direction[], codes: readonly string[]): void {
  if (!directions.some(transfersOf)) return;
  const po = objectives.find((x) => x.lambda);
  if (po) throw new InputError(`objective of ${codes[po.player]}: political-economy industry weights do not price transfers (an investment pledge); drop the weights or the pledge`);
}

export interface ObjectiveGradient {
  /** U at the current point (percent units). */
  value: number;
  /** dU / d theta for each direction. */
  gradient: Float64Array;
}

/**
 * Values and gradients of several objectives at the equilibrium `sys` holds
 * (solved and evaluated there), along tariff directions dt ([i][j][s] each).
 */
export function objectiveGradients(sys: EquilibriumSystem, objectives: readonly PlayerObjective[], directions: readonly Direction[], mode: 'auto' | 'forward' | 'reverse' = 'auto'): ObjectiveGradient[] {
  const { N } = sys;
  const Y = sys.L; // the solver's row scaling (model/residual.ts)
  const drop = droppedMarket(sys);
  const at = objectives.map((po) => objectiveAt(sys, po));
  const mus = adjointMultipliers(sys, objectives.length, (o, m) => {
    const po = objectives[o];
    return objectiveDerivative(sys, po, at[o], sys.tangent(), m === po.player ? 1 : 0, null);
  });
  const out = objectives.map((po) => ({ value: objectiveParts(sys, po).value, gradient: new Float64Array(directions.length) }));
  refuseTransfersWithLambda(objectives, directions, sys.base.world.codes);
  if (mode === 'reverse' || (mode === 'auto' && directions.length > N)) {
    // Many directions: one reverse pass per objective gives dPhi/dt' for every cell.
    const cellGrad = new Float64Array(sys.tPrime.length);
    objectives.forEach((po, o) => {
      sys.tariffAdjoint(tariffSeeds(sys, po, at[o], mus[o], drop), cellGrad);
      alongDirections(cellGrad, directions, out[o].gradient);
    });
  } else {
    directions.forEach((dt, d) => {
      if (!(dt instanceof Float64Array) && dt.cells.length === 0) return;
      if (dt instanceof Float64Array) sys.tariffTangent(dt);
      else sys.tariffTangentSparse(dt.cells, dt.values);
      const tan = sys.tangent();
      objectives.forEach((po, o) => {
        let g = objectiveDerivative(sys, po, at[o], tan, 0, dt);
        for (let i = 0; i < N; i++) if (i !== drop) g -= (mus[o][i] * tan.dExcess[i]) / Y[i];
        out[o].gradient[d] = g;
      });
    });
  }
  // A direction's transfers, in either mode: one tangent at fixed w each (few: linked issues), plus the income welfare counts.
  directions.forEach((dt, d) => {
    const dT = transfersOf(dt);
    if (!dT) return;
    sys.transferTangent(dT);
    const tan = sys.tangent();
    objectives.forEach((po, o) => {
      const k = po.player;
      let g = objectiveDerivative(sys, po, at[o], tan, 0, null) + (po.objective.welfare * 100 * at[o].level * dT[k]) / welfareIncome(sys, k);
      for (let i = 0; i < N; i++) if (i !== drop) g -= (mus[o][i] * tan.dExcess[i]) / Y[i];
      out[o].gradient[d] += g;
    });
  });
  return out;
}

/** gradient[d] = the derivative along direction d, given the derivative for every cell (a reverse pass's output). */
export function alongDirections(cellGrad: Float64Array, directions: readonly Direction[], gradient: Float64Array): void {
  directions.forEach((dt, d) => {
    let v = 0;
    if (dt instanceof Float64Array) {
      for (let c = 0; c < dt.length; c++) if (dt[c] !== 0) v += dt[c] * cellGrad[c];
    } else {
      for (let m = 0; m < dt.cells.length; m++) v += dt.values[m] * cellGrad[dt.cells[m]];
    }
    gradient[d] = v;
  });
}

/** The cells of a direction in exporter k's row ([k][j][s], width = N S) in `rowBuf`, or null when it has none. */
function rowCells(dt: Direction, k: number, width: number, rowBuf: RowCells): RowCells | null {
  const lo = k * width;
  const hi = lo + width;
  let count = 0;
  if (dt instanceof Float64Array) {
    for (let c = lo; c < hi; c++) if (dt[c] !== 0) count = pushRow(rowBuf, count, c, dt[c]);
  } else {
    const cells = dt.cells;
    for (let m = 0; m < cells.length; m++) if (cells[m] >= lo && cells[m] < hi) count = pushRow(rowBuf, count, cells[m], dt.values[m]);
  }
  rowBuf.count = count;
  return count ? rowBuf : null;
}

function pushRow(rowBuf: RowCells, count: number, c: number, v: number): number {
  if (count === rowBuf.cells.length) {
    const cells = new Int32Array(2 * count);
    const values = new Float64Array(2 * count);
    cells.set(rowBuf.cells);
    values.set(rowBuf.values);
    rowBuf.cells = cells;
    rowBuf.values = values;
  }
  rowBuf.cells[count] = c;
  rowBuf.values[count] = v;
  return count + 1;
}

export interface WelfareGradient {
  /** ln W_k at the current point (W = welfare change factor, MODEL.md §1). */
  lnWelfare: number;
  /** d ln W_k / d theta for each direction given. */
  gradient: Float64Array;
}

/** d ln W_k / d theta: the welfare-only case, in logs. */
export function welfareGradient(sys: EquilibriumSystem, k: number, directions: readonly Float64Array[]): WelfareGradient {
  const po: PlayerObjective = { player: k, objective: WELFARE_ONLY, partners: new Int32Array(0), balance0: new Float64Array(0), scratch: gradientScratch(sys.S) };
  const [{ value, gradient }] = objectiveGradients(sys, [po], directions);
  const W = 1 + value / 100;
  return { lnWelfare: Math.log(W), gradient: gradient.map((g) => g / (100 * W)) };
}

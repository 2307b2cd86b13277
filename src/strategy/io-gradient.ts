/**
 * Government objectives and their tariff gradients on an input-output world
 * (MODEL.md §2 and §4): the same payoff as gradient.ts,
 *
 *   U_k = a_w welfare% + a_rev revenue (% of GDP) + sum_p a_p d balance_kp (% of GDP),
 *
 * with GDP = value added w_k VA_k and welfare W_k = ((w_k VA_k + R'_k) / (VA_k + R_k)) / Phat_k,
 * Phat_k = prod_s Phat[k][s]^alpha[k][s]. The gradient is the same adjoint:
 * dU/dt = dU/dt|_w - mu' dF/dt|_w with (dF/dw)' mu = (dU/dw)', the columns of
 * dF/dw from N tangents of IoSystem; dF/dt|_w either from one tariff tangent
 * per direction (forward: two inner linear solves each) or, for many
 * directions, from one reverse pass per objective through the transposed
 * inner problems (IoSystem.tariffAdjoint).
 */
import { InputError } from '../errors.js';
import type { IoSystem, IoTariffSeeds } from '../model/io-system.js';
import { adjointMultipliers, droppedMarket } from '../model/residual.js';
import { gmres } from '../numeric/krylov.js';
import { REVERSE_MU_MAX_PRODUCTS, REVERSE_MU_TOL } from '../numeric/tolerances.js';
import { alongDirections, transfersOf, type Direction, type ObjectiveGradient, type ObjectiveParts, type PlayerObjective } from './gradient.js';

function noIndustryWeights(sys: IoSystem, po: PlayerObjective): void {
  if (po.lambda) throw new InputError(`objective of ${sys.base.world.codes[po.player]}: political-economy industry weights are not supported on input-output worlds`);
}

/** Factory-gate exports of k to p minus its imports from p. */
function balance(sys: IoSystem, k: number, p: number): number {
  const { N, S, X } = sys;
  let b = 0;
  for (let s = 0; s < S; s++) b += sys.factoryShare((k * N + p) * S + s) * X[p * S + s] - sys.factoryShare((p * N + k) * S + s) * X[k * S + s];
  return b;
}

/** The income welfare counts: value added and tariff revenue, plus any transfers received in a deal. */
function welfareIncome(sys: IoSystem, k: number): number {
  return sys.w[k] * sys.L[k] + sys.R[k] + sys.transfer[k];
}

/** sum_s alpha[k][s] v[k][s]: k's consumer price index in logs from ln P (or its change from d ln P). */
function consumerWeighted(sys: IoSystem, k: number, v: Float64Array): number {
  const S = sys.S;
  const alpha = sys.base.world.io!.alpha;
  let sum = 0;
  for (let s = 0; s < S; s++) sum += alpha[k * S + s] * v[k * S + s];
  return sum;
}

/** ln W_k at the current point. */
function lnWelfare(sys: IoSystem, k: number): number {
  return Math.log(welfareIncome(sys, k)) - Math.log(sys.L[k] + sys.base.R[k]) - consumerWeighted(sys, k, sys.lnP);
}

/** The player's consumer price index P_k (a factor), the deflator of its sector incomes. */
function priceIndex(sys: IoSystem, k: number): number {
  return Math.exp(consumerWeighted(sys, k, sys.lnP));
}

export function ioObjectiveParts(sys: IoSystem, po: PlayerObjective): ObjectiveParts {
  noIndustryWeights(sys, po);
  const k = po.player;
  const gdp = sys.w[k] * sys.L[k];
  const welfarePct = 100 * (Math.exp(lnWelfare(sys, k)) - 1);
  const revenuePctGdp = (100 * sys.R[k]) / gdp;
  const balancePctGdp = Array.from(po.partners, (p, m) => 100 * (balance(sys, k, p) / gdp - po.balance0[m]));
  const o = po.objective;
  let value = o.welfare * welfarePct + o.revenue * revenuePctGdp;
  balancePctGdp.forEach((b, m) => (value += o.balances[m].weight * b));
  if (!po.incomes) return { value, welfarePct, governmentPct: welfarePct, revenuePctGdp, balancePctGdp };
  // Real value added of each weighted sector against the baseline, in % of baseline income (a fixed denominator).
  const { sectors, weights, va0 } = po.incomes;
  const Pk = priceIndex(sys, k);
  const gva = sys.base.world.io!.gva;
  const incomePctGdp = Array.from(sectors, (s, m) => (100 * ((gva[k * sys.S + s] * sys.GO[k * sys.S + s]) / Pk - va0[m])) / sys.L[k]);
  incomePctGdp.forEach((v, m) => (value += weights[m] * v));
  return { value, welfarePct, governmentPct: welfarePct, revenuePctGdp, balancePctGdp, incomePctGdp };
}

/** d(sector incomes part) along the last tangent: real value added moves with dGO and the price index. */
function incomeDerivative(sys: IoSystem, po: PlayerObjective): number {
  if (!po.incomes) return 0;
  const k = po.player;
  const { S, GO, dGO } = sys;
  const gva = sys.base.world.io!.gva;
  const dlnPk = consumerWeighted(sys, k, sys.dlnP);
  const Pk = priceIndex(sys, k);
  let d = 0;
  po.incomes.sectors.forEach((s, m) => {
    const ks = k * S + s;
    d += (po.incomes!.weights[m] * 100 * gva[ks] * (dGO[ks] - GO[ks] * dlnPk)) / (Pk * sys.L[k]);
  });
  return d;
}

/** The tariff change of cell c in direction dt (0 along w). */
type CellChange = (c: number) => number;
const NONE: CellChange = () => 0;

/**
 * dU / dw_k through the player's GDP alone (w_k VA_k), every other quantity held: the explicit part of its own wage's
 * effect, which neither a tangent's nor a reverse pass's quantities carry.
 */
function ownWageDerivative(sys: IoSystem, po: PlayerObjective, W: number): number {
  const k = po.player;
  const { L, w, R } = sys;
  const gdp = w[k] * L[k];
  const o = po.objective;
  let d = 0;
  if (o.welfare !== 0) d += (o.welfare * 100 * W * L[k]) / welfareIncome(sys, k);
  if (o.revenue !== 0) d -= (o.revenue * 100 * R[k] * L[k]) / (gdp * gdp);
  po.partners.forEach((p, m) => (d -= (o.balances[m].weight * 100 * balance(sys, k, p) * L[k]) / (gdp * gdp)));
  return d;
}

/** dU along the system's last tangent; vk = dw_k (0 for a tariff tangent), dt = the direction's change per cell. */
function objectiveDerivative(sys: IoSystem, po: PlayerObjective, W: number, vk: number, dt: CellChange): number {
  const k = po.player;
  const { N, S, L, w, X, dX, dR } = sys;
  const gdp = w[k] * L[k];
  const o = po.objective;
  let d = vk === 0 ? 0 : vk * ownWageDerivative(sys, po, W);
  if (o.welfare !== 0) d += o.welfare * 100 * W * (dR[k] / welfareIncome(sys, k) - consumerWeighted(sys, k, sys.dlnP));
  if (o.revenue !== 0) d += (o.revenue * 100 * dR[k]) / gdp;
  po.partners.forEach((p, m) => {
    let db = 0;
    for (let s = 0; s < S; s++) {
      const out = (k * N + p) * S + s;
      const inn = (p * N + k) * S + s;
      db += sys.shareTangent(out, dt(out)) * X[p * S + s] + sys.factoryShare(out) * dX[p * S + s];
      db -= sys.shareTangent(inn, dt(inn)) * X[k * S + s] + sys.factoryShare(inn) * dX[k * S + s];
    }
    d += (o.balances[m].weight * 100 * db) / gdp;
  });
  return d + incomeDerivative(sys, po);
}

/**
 * The seeds of Phi = U - sum_i mu_i excess_i / L_i (i != drop) for the reverse pass
 * (IoSystem.tariffAdjoint): objectiveDerivative's formulas along a tariff tangent, read backwards.
 */
function tariffSeeds(sys: IoSystem, po: PlayerObjective, W: number, mu: Float64Array, drop: number): IoTariffSeeds {
  const { N, S, L, w, X } = sys;
  const alpha = sys.base.world.io!.alpha;
  const k = po.player;
  const o = po.objective;
  const gdp = w[k] * L[k];
  const seeds: IoTariffSeeds = {
    R: new Float64Array(N),
    excess: Float64Array.from({ length: N }, (_, i) => (i === drop ? 0 : -mu[i] / L[i])),
    P: new Float64Array(N * S),
    X: new Float64Array(N * S),
  };
  if (o.welfare !== 0) {
    const c = o.welfare * 100 * W;
    seeds.R[k] += c / welfareIncome(sys, k);
    for (let s = 0; s < S; s++) seeds.P[k * S + s] -= c * alpha[k * S + s];
  }
  if (o.revenue !== 0) seeds.R[k] += (o.revenue * 100) / gdp;
  if (po.partners.length) {
    const share = (seeds.share = new Float64Array(N * N * S));
    po.partners.forEach((p, m) => {
      const c = (o.balances[m].weight * 100) / gdp;
      for (let s = 0; s < S; s++) {
        const out = (k * N + p) * S + s;
        const inn = (p * N + k) * S + s;
        share[out] += c * X[p * S + s];
        seeds.X[p * S + s] += c * sys.factoryShare(out);
        share[inn] -= c * X[k * S + s];
        seeds.X[k * S + s] -= c * sys.factoryShare(inn);
      }
    });
  }
  if (po.incomes) {
    // incomeDerivative read backwards: each weighted sector's gross output, and the price index through ln P.
    const GOseed = (seeds.GO = new Float64Array(N * S));
    const gva = sys.base.world.io!.gva;
    const Pk = priceIndex(sys, k);
    po.incomes.sectors.forEach((s, m) => {
      const ks = k * S + s;
      const c = (po.incomes!.weights[m] * 100 * gva[ks]) / (Pk * L[k]);
      GOseed[ks] += c;
      for (let r = 0; r < S; r++) seeds.P[k * S + r] -= c * sys.GO[ks] * alpha[k * S + r];
    });
  }
  return seeds;
}

/**
 * The multipliers mu of each objective, (dF/dw)' mu = (dU/dw)', without forming dF/dw (N tangents): dU/dw by one
 * reverse pass per objective, then GMRES on the transposed system, whose products are reverse passes too,
 * preconditioned by the Jacobian's estimate from nearby points. Undefined (form the Jacobian) when there is none
 * yet or GMRES does not get there within REVERSE_MU_MAX_PRODUCTS: the point has moved too far from it.
 *
 * With `tariffs`, also each objective's gradient over every tariff cell, dPhi/dt' with Phi = U - mu' F (what
 * tariffAdjoint gives for tariffSeeds(mu)), from the same passes: the first pass's tariff part less the multipliers'
 * part, which is linear in mu, so the tariff parts of GMRES's products combined as GMRES combined their inputs.
 */
function reverseMultipliers(sys: IoSystem, objectives: readonly PlayerObjective[], W: readonly number[], drop: number, tariffs: boolean): { mus: Float64Array[]; tariffGradients?: Float64Array[] } | undefined {
  const near = sys.jacobianEstimate;
  if (!near) return undefined;
  const { N, S, L } = sys;
  const NS = N * S;
  const cells = sys.tPrime.length;
  const zerosNS = new Float64Array(NS);
  const vjpSeeds: IoTariffSeeds = { R: new Float64Array(N), excess: new Float64Array(N), P: zerosNS, X: zerosNS };
  // The tariff part of each product of the current solve, by product index.
  const productTariffs: Float64Array[] = [];
  let product = 0;
  const op = {
    n: N,
    // (dF/dw)' v: F_i = excess_i / L_i but for the numeraire row, sum_m w_m L_m / sum L - 1.
    apply: (v: Float64Array, out: Float64Array, accuracy: number) => {
      // Late products of the solve need less accuracy (krylov.ts): so do their inner solves.
      sys.tangentAccuracy(accuracy);
      for (let i = 0; i < N; i++) vjpSeeds.excess[i] = i === drop ? 0 : v[i] / L[i];
      const outT = tariffs ? (productTariffs[product] ??= new Float64Array(cells)) : null;
      product++;
      sys.adjoint(vjpSeeds, outT, out);
      for (let m = 0; m < N; m++) out[m] += (v[drop] * L[m]) / sys.sumL;
      near.observeTransposeProduct(v, out);
    },
    precond: (v: Float64Array, out: Float64Array) => {
      if (!near.solveTranspose(v, out)) out.set(v);
    },
  };
  const mus: Float64Array[] = [];
  const tariffGradients: Float64Array[] = [];
  const none = new Float64Array(N);
  for (const [o, po] of objectives.entries()) {
    const uw = new Float64Array(N);
    const grad = tariffs ? new Float64Array(cells) : null;
    sys.adjoint(tariffSeeds(sys, po, W[o], none, drop), grad, uw);
    uw[po.player] += ownWageDerivative(sys, po, W[o]);
    const mu = new Float64Array(N);
    product = 0;
    // tariffSeeds(mu) = tariffSeeds(0) with excess seeds -mu / L: the products' tariff parts enter with the minus sign.
    const onTerm = grad ? (p: number, c: number) => {
      const t = productTariffs[p];
      for (let k = 0; k < cells; k++) grad[k] -= c * t[k];
    } : undefined;
    const r = gmres(op, uw, mu, { tol: REVERSE_MU_TOL, maxProducts: REVERSE_MU_MAX_PRODUCTS, onTerm });
    sys.tangentAccuracy(0);
    if (!(r.relResidual <= REVERSE_MU_TOL)) return undefined;
    mus.push(mu);
    if (grad) tariffGradients.push(grad);
  }
  return tariffs ? { mus, tariffGradients } : { mus };
}

/**
 * Values and gradients of several objectives at the equilibrium `sys` holds,
 * along tariff directions: forward (one tariff tangent per direction) for a
 * few directions, reverse (one adjoint pass per objective) for many.
 */
export function ioObjectiveGradients(sys: IoSystem, objectives: readonly PlayerObjective[], directions: readonly Direction[], mode: 'auto' | 'forward' | 'reverse' = 'auto'): ObjectiveGradient[] {
  for (const po of objectives) noIndustryWeights(sys, po);
  const { N } = sys;
  const drop = droppedMarket(sys);
  const W = objectives.map((po) => Math.exp(lnWelfare(sys, po.player)));
  const reverse = mode === 'reverse' || (mode === 'auto' && directions.length > 2 * objectives.length);
  const fromReverse = reverseMultipliers(sys, objectives, W, drop, reverse);
  const mus = fromReverse?.mus ?? adjointMultipliers(sys, objectives.length, (o, m) => objectiveDerivative(sys, objectives[o], W[o], m === objectives[o].player ? 1 : 0, NONE));
  const out = objectives.map((po) => ({ value: ioObjectiveParts(sys, po).value, gradient: new Float64Array(directions.length) }));
  if (reverse) {
    const cellGrad = new Float64Array(sys.tPrime.length);
    objectives.forEach((po, o) => {
      const known = fromReverse?.tariffGradients?.[o];
      if (known) cellGrad.set(known);
      else sys.tariffAdjoint(tariffSeeds(sys, po, W[o], mus[o], drop), cellGrad);
      alongDirections(cellGrad, directions, out[o].gradient);
    });
  } else {
    const change = new Map<number, number>();
    directions.forEach((dt, d) => {
      if (!(dt instanceof Float64Array) && dt.cells.length === 0) return;
      const { cells, values } = dt instanceof Float64Array ? sparse(dt) : dt;
      change.clear();
      for (let m = 0; m < cells.length; m++) change.set(cells[m], (change.get(cells[m]) ?? 0) + values[m]);
      sys.tariffTangent(cells, values);
      const at: CellChange = (c) => change.get(c) ?? 0;
      objectives.forEach((po, o) => {
        let g = objectiveDerivative(sys, po, W[o], 0, at);
        for (let i = 0; i < N; i++) if (i !== drop) g -= (mus[o][i] * sys.dExcess[i]) / sys.L[i];
        out[o].gradient[d] = g;
      });
    });
  }
  // A direction's transfers, in either mode: one tangent at fixed w each (few: linked issues), plus the income welfare counts.
  directions.forEach((dt, d) => {
    const dT = transfersOf(dt);
    if (!dT) return;
    sys.transferTangent(dT);
    objectives.forEach((po, o) => {
      const k = po.player;
      let g = objectiveDerivative(sys, po, W[o], 0, NONE) + (po.objective.welfare * 100 * W[o] * dT[k]) / welfareIncome(sys, k);
      for (let i = 0; i < N; i++) if (i !== drop) g -= (mus[o][i] * sys.dExcess[i]) / sys.L[i];
      out[o].gradient[d] += g;
    });
  });
  return out;
}

function sparse(dt: Float64Array): { cells: Int32Array; values: Float64Array } {
  const cells: number[] = [];
  const values: number[] = [];
  for (let c = 0; c < dt.length; c++) if (dt[c] !== 0) {
    cells.push(c);
    values.push(dt[c]);
  }
  return { cells: Int32Array.from(cells), values: Float64Array.from(values) };
}

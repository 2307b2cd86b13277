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
import type { World } from '../data/world.js';
import { InputError } from '../errors.js';
import type { EquilibriumSystem, Tangent } from '../model/system.js';
import { computeBaseline } from '../model/baseline.js';
import { luFactor, luSolveTranspose } from '../model/linalg.js';

/** What a government values, per unit: welfare (%), tariff revenue (% of GDP), bilateral balances (% of GDP). */
export interface Objective {
  welfare: number;
  revenue: number;
  /** Weight on the change in k's balance with each partner (exports to minus imports from, % of k's GDP). */
  balances: readonly { partner: string; weight: number }[];
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
}

export function bindObjective(world: World, player: number, objective: Objective = WELFARE_ONLY): PlayerObjective {
  const { N, S, Z } = world;
  for (const [name, v] of [['welfare', objective.welfare], ['revenue', objective.revenue]] as const) {
    if (!Number.isFinite(v)) throw new InputError(`objective weight ${name} of ${world.codes[player]} must be a finite number, found ${v}`);
  }
  const partners = Int32Array.from(objective.balances, (b) => {
    const p = world.codes.indexOf(b.partner);
    if (p < 0) throw new InputError(`objective of ${world.codes[player]}: unknown balance partner "${b.partner}"`);
    if (p === player) throw new InputError(`objective of ${world.codes[player]}: a balance needs a partner other than itself`);
    if (!Number.isFinite(b.weight)) throw new InputError(`objective of ${world.codes[player]}: balance weight for ${b.partner} must be finite, found ${b.weight}`);
    return p;
  });
  const gdp = computeBaseline(world).Y[player];
  const flow = (i: number, j: number) => {
    let v = 0;
    for (let s = 0; s < S; s++) v += Z[(i * N + j) * S + s];
    return v;
  };
  const balance0 = Float64Array.from(partners, (p) => (flow(player, p) - flow(p, player)) / gdp);
  return { player, objective, partners, balance0 };
}

/** The parts of an objective at the system's current point, in percent. */
export interface ObjectiveParts {
  value: number;
  welfarePct: number;
  revenuePctGdp: number;
  balancePctGdp: number[];
}

export function objectiveParts(sys: EquilibriumSystem, po: PlayerObjective): ObjectiveParts {
  const k = po.player;
  const lnW = welfarePart(sys, k, null, 0);
  const gdp = sys.w[k] * sys.base.Y[k];
  const welfarePct = 100 * (Math.exp(lnW) - 1);
  const revenuePctGdp = (100 * sys.Ep[k] * sys.rho[k]) / gdp;
  const balancePctGdp = Array.from(po.partners, (p, m) => 100 * (balance(sys, k, p) / gdp - po.balance0[m]));
  const o = po.objective;
  let value = o.welfare * welfarePct + o.revenue * revenuePctGdp;
  balancePctGdp.forEach((b, m) => (value += o.balances[m].weight * b));
  return { value, welfarePct, revenuePctGdp, balancePctGdp };
}

/** Factory-gate exports of k to p minus its imports from p, at the current point. */
function balance(sys: EquilibriumSystem, k: number, p: number): number {
  const N = sys.N;
  return sys.u[k * N + p] * sys.Ep[p] - sys.u[p * N + k] * sys.Ep[k];
}

/** ln W_k, or its derivative along a tangent (dw = v with v_k = vk, or dw = 0 for a tariff tangent). */
function welfarePart(sys: EquilibriumSystem, k: number, tan: Tangent | null, vk: number): number {
  const { S, w, Ep, rho, Q } = sys;
  const { Y, R, beta, world } = sys.base;
  const eps = world.eps;
  const income = w[k] * Y[k] + Ep[k] * rho[k]; // what Y + R'
  if (!tan) {
    let v = Math.log(income) - Math.log(Y[k] + R[k]);
    for (let s = 0; s < S; s++) if (beta[k * S + s] > 0) v += (beta[k * S + s] * Math.log(Q[k * S + s])) / eps[s];
    return v;
  }
  let d = (Y[k] * vk + tan.dE[k] * rho[k] + Ep[k] * tan.dRho[k]) / income;
  for (let s = 0; s < S; s++) d += (beta[k * S + s] * tan.dlnQ[k * S + s]) / eps[s];
  return d;
}

/** dU along a tangent, U in percent (see objectiveParts). */
function objectiveDerivative(sys: EquilibriumSystem, po: PlayerObjective, tan: Tangent, vk: number): number {
  const k = po.player;
  const { N, w, Ep, rho, u } = sys;
  const Yk = sys.base.Y[k];
  const gdp = w[k] * Yk;
  const dgdp = Yk * vk;
  const o = po.objective;
  let d = 0;
  if (o.welfare !== 0) d += o.welfare * 100 * Math.exp(welfarePart(sys, k, null, 0)) * welfarePart(sys, k, tan, vk);
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

/** A change of tariffs: dense ([i][j][s]) or sparse (cells and their changes). */
export type Direction = Float64Array | { cells: Int32Array; values: Float64Array };

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
export function objectiveGradients(sys: EquilibriumSystem, objectives: readonly PlayerObjective[], directions: readonly Direction[]): ObjectiveGradient[] {
  const { N } = sys;
  const Y = sys.base.Y;
  const drop = N - 1; // same equations as the solver: its market clears by Walras' law
  const J = new Float64Array(N * N); // scaled dF/dw, filled column by column
  const Uw = objectives.map(() => new Float64Array(N));
  const e = new Float64Array(N);
  const col = new Float64Array(N);
  for (let m = 0; m < N; m++) {
    e[m] = 1;
    sys.jvp(e, col);
    const tan = sys.tangent();
    objectives.forEach((po, o) => (Uw[o][m] = objectiveDerivative(sys, po, tan, m === po.player ? 1 : 0)));
    e[m] = 0;
    for (let i = 0; i < N; i++) J[i * N + m] = i === drop ? Y[m] / sys.sumY : col[i] / Y[i];
  }
  const piv = new Int32Array(N);
  luFactor(J, N, piv);
  const mus = Uw.map((rhs) => {
    const mu = new Float64Array(N);
    luSolveTranspose(J, N, piv, rhs, mu);
    return mu;
  });
  const out = objectives.map((po) => ({ value: objectiveParts(sys, po).value, gradient: new Float64Array(directions.length) }));
  directions.forEach((dt, d) => {
    if (dt instanceof Float64Array) sys.tariffTangent(dt);
    else sys.tariffTangentSparse(dt.cells, dt.values);
    const tan = sys.tangent();
    objectives.forEach((po, o) => {
      let g = objectiveDerivative(sys, po, tan, 0);
      for (let i = 0; i < N; i++) if (i !== drop) g -= (mus[o][i] * tan.dExcess[i]) / Y[i];
      out[o].gradient[d] = g;
    });
  });
  return out;
}

export interface WelfareGradient {
  /** ln W_k at the current point (W = welfare change factor, MODEL.md §1). */
  lnWelfare: number;
  /** d ln W_k / d theta for each direction given. */
  gradient: Float64Array;
}

/** d ln W_k / d theta: the welfare-only case, in logs. */
export function welfareGradient(sys: EquilibriumSystem, k: number, directions: readonly Float64Array[]): WelfareGradient {
  const po: PlayerObjective = { player: k, objective: WELFARE_ONLY, partners: new Int32Array(0), balance0: new Float64Array(0) };
  const [{ value, gradient }] = objectiveGradients(sys, [po], directions);
  const W = 1 + value / 100;
  return { lnWelfare: Math.log(W), gradient: gradient.map((g) => g / (100 * W)) };
}

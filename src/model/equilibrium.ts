/**
 * Solve the general-equilibrium tariff model in changes (MODEL.md §1).
 *
 * Method: a few damped excess-demand steps (Alvarez & Lucas 2007) bring the
 * factor prices close; then Newton on N-1 market-clearing equations plus the
 * numeraire (world output fixed), with the analytic Jacobian of
 * EquilibriumSystem and a backtracking line search. Walras' law gives the
 * dropped market. Stops when max_i |excess_i| / Y_i < tol (default 1e-10).
 */
import { baselineIncome, computeBaseline, type Baseline } from './baseline.js';
import { EquilibriumSystem, type DeficitRule } from './system.js';
import { dot, luFactor, luSolve, SingularMatrixError } from '../numeric/linalg.js';
import { gmres, type PreconditionedOperator } from '../numeric/krylov.js';
import { newton, type NewtonProblem } from '../numeric/newton.js';
import { currentResidual, droppedMarket, residual, residualJacobian, residualJvp, type MarketSystem } from './residual.js';
import { IoSystem } from './io-system.js';
import type { ShockedSystem } from './shocked.js';
import { DAMPED_CLAMP, DAMPED_STEPS, DAMPED_UNTIL, DIRECT_MAX_N, IO_CONSISTENCY_TOL, KRYLOV_FIRST_TOL, KRYLOV_FLOOR_TOL, KRYLOV_LANDING, KRYLOV_RETRY_TOL, NEWTON_HALVINGS, NEWTON_MAX_ITERATIONS, SOLVE_TOL } from '../numeric/tolerances.js';
import { createWorld, type World } from '../data/world.js';
import { ConvergenceError } from '../errors.js';
import { warn } from '../warn.js';

/** Named tolerances (numeric/tolerances.ts). */
export const TOL = {
  /** Largest excess demand relative to output at a solution. */
  solve: SOLVE_TOL,
} as const;

import type { Deficits } from './deficits.js';
export { DEFICITS, type Deficits } from './deficits.js';

/** A counterfactual: new tariffs and iceberg trade-cost changes, both [i][j][s]. */
export interface Shock {
  /** New ad valorem tariffs t' (fractions); the baseline where unchanged. */
  tariffs: Float64Array;
  /** Iceberg cost factors dhat > 0 (1 = no change; Infinity = prohibitive). */
  costFactors: Float64Array;
}

export interface SolveOptions {
  deficits?: Deficits;
  /** Convergence tolerance on max |excess| / Y; default TOL.solve. */
  tol?: number;
  /** Newton iteration cap; default 60. */
  maxIterations?: number;
  /** Starting factor prices (e.g. a previous solution). */
  start?: Float64Array;
  /**
   * Newton's linear solve: `direct` forms the analytic Jacobian and factors it (O(N^3 S));
   * `krylov` runs GMRES on analytic Jacobian-vector products (O(N^2 S) each);
   * `auto` (default) is direct up to DIRECT_MAX_N economies.
   */
  linear?: 'auto' | 'direct' | 'krylov';
}

/** A solved counterfactual (or the best point reached when `converged` is false). */
export interface Equilibrium {
  /** The baseline the changes are relative to (the purged one under `balanced`). */
  baseline: Baseline;
  deficits: Deficits;
  converged: boolean;
  iterations: number;
  /** max_i |excess_i| / Y_i at the returned point. */
  residual: number;
  /** Factor-price changes what[i]. */
  what: Float64Array;
  /** Sector price-index changes Phat[j][s]. */
  PhatS: Float64Array;
  /** Aggregate price-index changes Phat[j] = prod_s Phat[j][s]^beta[j][s]. */
  Phat: Float64Array;
  /** New flows before tariffs Z'[i][j][s], in baseline currency units (numeraire: world output fixed). */
  Zp: Float64Array;
  /** New expenditure, tariff revenue and deficits per economy. */
  Ep: Float64Array;
  /** New output (factor income plus profits, = what Y under Armington) per economy. */
  Yp: Float64Array;
  Rp: Float64Array;
  Dp: Float64Array;
  /** The shock that was solved (tariffs and cost factors actually applied). */
  shock: Shock;
  /** Input-output worlds only (MODEL.md §4): what happened inside each economy. */
  io?: IoOutcome;
}

/** The sector detail of an input-output equilibrium, [n][s] unless said. */
export interface IoOutcome {
  /** Change in the cost of the input bundle chat. */
  chat: Float64Array;
  /** Spending X' (tariff-inclusive, intermediate and final) and gross output GO' at factory prices. */
  Xp: Float64Array;
  GOp: Float64Array;
  /** Income I' = w VA + R' + D', per economy. */
  Ip: Float64Array;
}

/** The no-change shock for a world: baseline tariffs, unit cost factors. */
export function noShock(world: World): Shock {
  return { tariffs: Float64Array.from(world.t), costFactors: new Float64Array(world.Z.length).fill(1) };
}

const purged = new WeakMap<World, World>();

/**
 * The world with deficits purged (MODEL.md §1 "balanced", Ossa 2014): the
 * counterfactual with D' = 0 and nothing else changed, expressed as new flows
 * Z' at the same tariffs. Cached per World object.
 */
export function purgeDeficits(world: World): World {
  const hit = purged.get(world);
  if (hit) return hit;
  const eq = solveRule(computeBaseline(world), noShock(world), 'zero', {});
  if (!eq.converged) throw new ConvergenceError('purging deficits', eq.residual, eq.iterations);
  const out = worldFromEquilibrium(eq, `${world.meta.name} (deficits purged)`);
  purged.set(world, out);
  return out;
}

const consistent = new WeakMap<World, World>();

/**
 * An input-output world whose final-demand shares match its flows (spending
 * = intermediate use + alpha I in every cell, to IO_CONSISTENCY_TOL); one
 * whose shares do not (clipped negative final demand, shares from another
 * year) is replaced by its own no-shock equilibrium, as Caliendo & Parro's
 * code does, so that "no change" means no change. Cached per World object.
 */
export function consistentWorld(world: World): World {
  const hit = consistent.get(world);
  if (hit) return hit;
  let out = world;
  if (ioInconsistency(world) > IO_CONSISTENCY_TOL) {
    const eq = solveRule(computeBaseline(world), noShock(world), 'fixed', {});
    if (!eq.converged) throw new ConvergenceError('making the input-output baseline consistent', eq.residual, eq.iterations);
    out = worldFromEquilibrium(eq, world.meta.name, 'final-demand shares did not match the flows: the baseline is the no-shock equilibrium of the data (as Caliendo & Parro 2015 do)');
  }
  consistent.set(world, out);
  return out;
}

/** Largest |X - Gamma GO - alpha I| / X over the cells with spending: how far the IO data are from a baseline equilibrium. */
function ioInconsistency(world: World): number {
  const { N, S, io } = world;
  if (!io) return 0;
  const base = computeBaseline(world);
  let worst = 0;
  for (let n = 0; n < N; n++) {
    const income = baselineIncome(base, n);
    for (let s = 0; s < S; s++) {
      const X = base.beta[n * S + s] * base.E[n];
      if (!(X > 0)) continue;
      let use = io.alpha[n * S + s] * income;
      for (let k = 0; k < S; k++) use += io.gamma[(n * S + s) * S + k] * base.Ys[n * S + k];
      worst = Math.max(worst, Math.abs(X - use) / X);
    }
  }
  return worst;
}

/**
 * The world whose baseline is this equilibrium: its flows Z' at its tariffs
 * (same economies, elasticities and input-output shares). Hat algebra
 * composes, so a shock solved from here is the change relative to eq.
 */
export function worldFromEquilibrium(eq: Equilibrium, name: string, note?: string): World {
  const world = eq.baseline.world;
  return createWorld({
    codes: world.codes,
    names: world.names,
    sectors: world.sectors,
    Z: eq.Zp,
    t: eq.shock.tariffs,
    eps: world.eps,
    model: world.model,
    io: world.io,
    meta: { ...world.meta, name, ...(note ? { notes: [...(world.meta.notes ?? []), note] } : {}) },
  });
}

/**
 * Solve a counterfactual. Returns the equilibrium with `converged` stating
 * whether tol was met; use `solveOrThrow` when only a converged answer will do.
 */
export function solve(world: World, shock: Shock, options: SolveOptions = {}): Equilibrium {
  const deficits = options.deficits ?? 'fixed';
  if (world.io && deficits === 'fixed') world = consistentWorld(world);
  if (deficits === 'balanced') {
    const pw = purgeDeficits(world);
    return { ...solveRule(computeBaseline(pw), shock, 'fixed', options), deficits };
  }
  return { ...solveRule(computeBaseline(world), shock, deficits, options), deficits };
}

/** Solve, throwing ConvergenceError (carrying residual and iterations) when tol is not met. */
export function solveOrThrow(world: World, shock: Shock, options: SolveOptions = {}): Equilibrium {
  const eq = solve(world, shock, options);
  if (!eq.converged) throw new ConvergenceError('equilibrium', eq.residual, eq.iterations);
  return eq;
}

/** Solve on a prepared baseline with an internal deficit rule (no purge). */
export function solveRule(base: Baseline, shock: Shock, rule: DeficitRule, options: SolveOptions): Equilibrium {
  const deficits = rule === 'proportional' ? 'proportional' : 'fixed';
  if (base.world.io) {
    const io = new IoSystem(base, shock.tariffs, shock.costFactors, rule);
    return assembleIo(io, solveSystem(io, options), deficits, shock);
  }
  const sys = new EquilibriumSystem(base, shock.tariffs, shock.costFactors, rule);
  const report = solveSystem(sys, options);
  return assemble(sys, report, deficits, shock);
}

export interface SolveReport {
  converged: boolean;
  iterations: number;
  residual: number;
}

export { DIRECT_MAX_N };

/**
 * Drive an EquilibriumSystem to its solution; on return the system holds the
 * last evaluated point (the solution when converged). Reused by the strategy
 * layer, which keeps one system and changes its tariffs in place.
 */
export function solveSystem(sys: MarketSystem, options: SolveOptions = {}): SolveReport {
  const tol = options.tol ?? TOL.solve;
  const { N } = sys;
  const w = options.start ? Float64Array.from(options.start) : new Float64Array(N).fill(1);
  const damped = dampedSteps(sys, w);
  // Asked for more than a counterfactual needs (strategy), it stops at the model's noise floor once below TOL.solve.
  const newtonReport = newton(equilibriumProblem(sys, options.linear, tol), w, { tol, maxIterations: options.maxIterations ?? NEWTON_MAX_ITERATIONS, maxHalvings: NEWTON_HALVINGS, ...(tol < TOL.solve ? { floor: TOL.solve } : {}) });
  sys.tangentAccuracy?.(0);
  const reached = residual(sys, w, new Float64Array(N));
  return { converged: reached < tol, iterations: damped + newtonReport.iterations, residual: reached };
}

/**
 * Damped excess-demand steps (Alvarez & Lucas 2007) while far from the root:
 * cheap, and they keep Newton out of bad regions. Updates w; returns the steps taken.
 */
function dampedSteps(sys: MarketSystem, w: Float64Array): number {
  const { N } = sys;
  const Y = sys.L;
  let worst = sys.evaluate(w);
  let epsMax = 0;
  for (const e of sys.base.world.eps) epsMax = Math.max(epsMax, e);
  const damp = 1 / (1 + epsMax);
  let steps = 0;
  for (; sys.dampedStart && steps < DAMPED_STEPS && worst > DAMPED_UNTIL && Number.isFinite(worst); steps++) {
    for (let i = 0; i < N; i++) {
      const f = 1 + (damp * sys.excess[i]) / (w[i] * Y[i]);
      w[i] *= Math.min(DAMPED_CLAMP, Math.max(1 / DAMPED_CLAMP, f));
    }
    const c = sys.sumL / dot(w, Y);
    for (let i = 0; i < N; i++) w[i] *= c;
    worst = sys.evaluate(w);
  }
  return steps;
}

/**
 * The equilibrium as a Newton problem: F = (excess_i / Y_i for i != N-1; the
 * numeraire), the last market clearing by Walras' law. The Newton direction
 * comes from the factored analytic Jacobian (N <= DIRECT_MAX_N) or from
 * inexact GMRES on analytic Jacobian-vector products.
 */
function equilibriumProblem(sys: MarketSystem, linear: SolveOptions['linear'], target: number): NewtonProblem {
  const { N } = sys;
  const Y = sys.L;
  const drop = droppedMarket(sys);
  const direct = linear === 'direct' || (linear !== 'krylov' && N <= sys.directMaxN);
  const J = direct ? new Float64Array(N * N) : new Float64Array(0);
  const piv = new Int32Array(direct ? N : 0);
  const diag = new Float64Array(N);
  const rhs = new Float64Array(N);
  let linTol = KRYLOV_FIRST_TOL;
  /** The diagonal preconditioner is made at the current point when first needed. */
  let diagAt = false;
  const op: PreconditionedOperator = {
    n: N,
    apply: (v, out, accuracy) => {
      sys.tangentAccuracy?.(accuracy);
      residualJvp(sys, v, out);
      sys.jacobianEstimate?.observeProduct(v, out);
    },
    precond: (v, out) => {
      // The Jacobian's estimate from nearby points (the last adjoint's, updated since) when there is one, else its diagonal.
      if (sys.jacobianEstimate?.solve(v, out)) return;
      if (!diagAt) {
        sys.diagonal(diag);
        for (let i = 0; i < N; i++) diag[i] /= Y[i];
        diag[drop] = Y[drop] / sys.sumL;
        diagAt = true;
      }
      for (let i = 0; i < N; i++) out[i] = v[i] / diag[i];
    },
  };
  return {
    n: N,
    evaluate: (x, F) => residual(sys, x, F),
    // The damped steps end with an evaluation at the starting point.
    current: (x, F) => currentResidual(sys, x, F),
    direction(_x, F, measure, dx) {
      for (let i = 0; i < N; i++) rhs[i] = -F[i];
      if (!direct) {
        diagAt = false;
        // Inexact Newton: a loose linear solve far away, a tight one near the root, but never tighter than landing
        // below the target needs (a residual `measure` has only to shrink by target / measure).
        const eta = Math.min(linTol, Math.max(KRYLOV_FLOOR_TOL, measure, (KRYLOV_LANDING * target) / measure));
        gmres(op, rhs, dx, { tol: eta });
        return true;
      }
      residualJacobian(sys, J);
      try {
        luFactor(J, N, piv);
      } catch (e) {
        if (!(e instanceof SingularMatrixError)) throw e;
        warn('equilibrium Jacobian is singular; Newton stopped');
        return false;
      }
      luSolve(J, N, piv, rhs, dx);
      return true;
    },
    admissible(x) {
      for (let i = 0; i < N; i++) if (!(x[i] > 0)) return false;
      return true;
    },
    // An inexact Krylov direction may not descend: tighten the linear solve once before giving up.
    tighten() {
      if (direct || linTol <= KRYLOV_RETRY_TOL) return false;
      linTol = KRYLOV_RETRY_TOL;
      return true;
    },
  };
}

/** What every Equilibrium says of how it was solved, whichever system solved it. */
function solvedBy(sys: ShockedSystem, report: SolveReport, deficits: Deficits, shock: Shock): Pick<Equilibrium, 'baseline' | 'deficits' | 'converged' | 'iterations' | 'residual' | 'what' | 'shock'> {
  return { baseline: sys.base, deficits, converged: report.converged, iterations: report.iterations, residual: report.residual, what: Float64Array.from(sys.w), shock };
}

/** Copy the system's state at its last point into an Equilibrium. */
function assemble(sys: EquilibriumSystem, report: SolveReport, deficits: Deficits, shock: Shock): Equilibrium {
  const { N, S } = sys;
  const { beta, world } = sys.base;
  const eps = world.eps;
  const PhatS = new Float64Array(N * S);
  const Phat = new Float64Array(N);
  for (let j = 0; j < N; j++) {
    let lnP = 0;
    for (let s = 0; s < S; s++) {
      const js = j * S + s;
      const q = sys.Q[js];
      PhatS[js] = q > 0 ? Math.pow(q, -1 / eps[s]) : 1;
      if (beta[js] > 0) lnP += (beta[js] * Math.log(q)) / -eps[s];
    }
    Phat[j] = Math.exp(lnP);
  }
  const Zp = new Float64Array(N * N * S);
  const Rp = new Float64Array(N);
  const Dp = new Float64Array(N);
  const tp = sys.tPrime;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      const b = (i * N + j) * S;
      for (let s = 0; s < S; s++) {
        const x = sys.share(i, j, s) * beta[j * S + s] * sys.Ep[j];
        const z = x / (1 + tp[b + s]);
        Zp[b + s] = z;
        Rp[j] += x - z;
      }
    }
  }
  for (let j = 0; j < N; j++) Dp[j] = sys.A[j] - sys.w[j] * sys.L[j] - sys.profit[j];
  return {
    ...solvedBy(sys, report, deficits, shock),
    PhatS,
    Phat,
    Zp,
    Ep: Float64Array.from(sys.Ep),
    Yp: Float64Array.from(sys.w, (w, j) => w * sys.L[j] + sys.profit[j]),
    Rp,
    Dp,
  };
}

/** Copy an input-output system's state at its last point into an Equilibrium. */
function assembleIo(sys: IoSystem, report: SolveReport, deficits: Deficits, shock: Shock): Equilibrium {
  const { N, S, lnP, lnc, X, GO, R, D, L, w } = sys;
  const alpha = sys.base.world.io!.alpha;
  const PhatS = Float64Array.from(lnP, Math.exp);
  const Phat = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    let l = 0;
    for (let s = 0; s < S; s++) l += alpha[n * S + s] * lnP[n * S + s];
    Phat[n] = Math.exp(l);
  }
  const Zp = new Float64Array(N * N * S);
  for (let i = 0; i < N; i++) {
    for (let n = 0; n < N; n++) {
      const b = (i * N + n) * S;
      for (let s = 0; s < S; s++) Zp[b + s] = (sys.share(i, n, s) * X[n * S + s]) / (1 + shock.tariffs[b + s]);
    }
  }
  const Ep = new Float64Array(N);
  for (let n = 0; n < N; n++) for (let s = 0; s < S; s++) Ep[n] += X[n * S + s];
  const Yp = Float64Array.from(w, (wn, n) => wn * L[n]);
  return {
    ...solvedBy(sys, report, deficits, shock),
    PhatS,
    Phat,
    Zp,
    Ep,
    Yp,
    Rp: Float64Array.from(R),
    Dp: Float64Array.from(D),
    io: {
      chat: Float64Array.from(lnc, Math.exp),
      Xp: Float64Array.from(X),
      GOp: Float64Array.from(GO),
      Ip: Float64Array.from(Yp, (y, n) => y + R[n] + D[n]),
    },
  };
}

/**
 * The common machinery of every strategic computation: policy variables that
 * move tariff cells (or are linked issues), one or more states of the world
 * with probabilities (e.g. "China retaliates" with p = 0.4), and the parties'
 * objectives. Evaluating the game at x solves each state's equilibrium (warm
 * started) and returns every party's expected payoff and its gradient by the
 * adjoint (gradient.ts): one equilibrium and one LU per state, whatever the
 * number of variables.
 */
import type { World } from '../data/world.js';
import { ConvergenceError, InputError } from '../errors.js';
import { computeBaseline } from '../model/baseline.js';
import { purgeDeficits, solveSystem, TOL, type Deficits } from '../model/equilibrium.js';
import { EquilibriumSystem, type DeficitRule } from '../model/system.js';
import { IoSystem } from '../model/io-system.js';
import type { Baseline } from '../model/baseline.js';
import { ioObjectiveGradients, ioObjectiveParts } from './io-gradient.js';
import { warn } from '../warn.js';
import { CURVATURE_FLOOR, STRATEGY_SOLVE_TOL } from '../numeric/tolerances.js';
import { objectiveGradients, objectiveParts, type Direction, type ObjectiveGradient, type ObjectiveParts, type PlayerObjective } from './gradient.js';

/** The equilibrium system strategy runs on: the core model's, or the input-output model's (MODEL.md §4). */
export type StrategySystem = EquilibriumSystem | IoSystem;

/** A system for these tariffs and cost factors, of the kind the world needs. */
export function strategySystem(base: Baseline, tariffs: Float64Array, costFactors: Float64Array, rule: DeficitRule): StrategySystem {
  return base.world.io ? new IoSystem(base, tariffs, costFactors, rule) : new EquilibriumSystem(base, tariffs, costFactors, rule);
}

/** An objective's parts at the system's current point, on either model. */
export function partsOf(sys: StrategySystem, po: PlayerObjective): ObjectiveParts {
  return sys instanceof IoSystem ? ioObjectiveParts(sys, po) : objectiveParts(sys, po);
}

/** Objectives' values and gradients along tariff directions, on either model. */
export function gradientsOf(sys: StrategySystem, objectives: readonly PlayerObjective[], directions: readonly Direction[], mode: 'auto' | 'forward' | 'reverse' = 'auto'): ObjectiveGradient[] {
  return sys instanceof IoSystem ? ioObjectiveGradients(sys, objectives, directions, mode) : objectiveGradients(sys, objectives, directions, mode);
}

/** Equilibrium tolerance inside strategic computations (max |excess| / Y). */
export { STRATEGY_SOLVE_TOL };

export interface Variable {
  name: string;
  lower: number;
  upper: number;
  /** Starting value. */
  start: number;
}

export interface GameState {
  probability: number;
  /** Tariffs when every variable is 0: t = base + sum_m x_m coef[m]. */
  base: Float64Array;
  costFactors: Float64Array;
  /** Per variable, the tariff cells it moves and by how much per unit, and any transfers it makes; empty for a linked issue valued only as stated. */
  coef: readonly SparseDirection[];
}

export interface Game {
  world: World;
  rule: DeficitRule;
  variables: readonly Variable[];
  states: readonly GameState[];
  parties: readonly PlayerObjective[];
  /** Value per unit of each variable to each party (linked issues), in U's units; [party][variable]. */
  issueValue?: readonly Float64Array[];
}

/** The world and deficit rule strategy runs on (MODEL.md §2: `balanced` by default). */
export function strategicWorld(world: World, deficits: Deficits, what: string): { world: World; rule: DeficitRule } {
  if (deficits === 'fixed') warn(`${what} with fixed deficits: a deficit country's optimal tariff may be unbounded (MODEL.md §2)`);
  return { world: deficits === 'balanced' ? purgeDeficits(world) : world, rule: deficits === 'proportional' ? 'proportional' : 'fixed' };
}

export interface GameValue {
  /** Expected payoff of each party. */
  U: Float64Array;
  /** Gradient of each party's expected payoff over the variables. */
  G: Float64Array[];
}

export class GameEvaluator {
  readonly game: Game;
  private readonly systems: StrategySystem[];
  private readonly starts: Float64Array[];

  constructor(game: Game) {
    this.game = game;
    const base = computeBaseline(game.world);
    for (const s of game.states) {
      if (s.coef.length !== game.variables.length) throw new Error('every state needs one coefficient array per variable');
    }
    this.systems = game.states.map((s) => strategySystem(base, Float64Array.from(s.base), Float64Array.from(s.costFactors), game.rule));
    this.starts = game.states.map(() => new Float64Array(game.world.N).fill(1));
  }

  /** Tariffs of state s at x. */
  tariffs(x: ArrayLike<number>, s = 0): Float64Array {
    const st = this.game.states[s];
    const t = Float64Array.from(st.base);
    st.coef.forEach((c, m) => {
      if (x[m] === 0) return;
      for (let n = 0; n < c.cells.length; n++) t[c.cells[n]] += x[m] * c.values[n];
    });
    return t;
  }

  private solveState(x: ArrayLike<number>, s: number): StrategySystem {
    const sys = this.systems[s];
    sys.tPrime.set(this.tariffs(x, s));
    sys.transfer.fill(0);
    this.game.states[s].coef.forEach((c, m) => {
      if (c.transfers && x[m] !== 0) for (let n = 0; n < c.transfers.length; n++) sys.transfer[n] += x[m] * c.transfers[n];
    });
    for (let k = 0; k < sys.tPrime.length; k++) {
      if (!(sys.tPrime[k] > -1)) throw new InputError(`a tariff at or below -100% (${sys.tPrime[k]}): check the variables' bounds`);
    }
    sys.setShock();
    // Tighter than a counterfactual: optimisers compare payoffs that differ by 1e-12 near an optimum.
    const rep = solveSystem(sys, { start: this.starts[s], tol: STRATEGY_SOLVE_TOL });
    // Below 1e-13 is the aim; the counterfactual tolerance is the floor we accept.
    if (!(rep.residual < TOL.solve)) throw new ConvergenceError('equilibrium inside a strategic computation', rep.residual, rep.iterations);
    this.starts[s].set(sys.w);
    return sys;
  }

  /** Expected payoffs and their gradients over the variables. */
  evaluate(x: ArrayLike<number>): GameValue {
    return this.expected(x, true);
  }

  /** Expected payoffs only (no gradients: one equilibrium per state, no adjoint). */
  payoffs(x: ArrayLike<number>): Float64Array {
    return this.expected(x, false).U;
  }

  private expected(x: ArrayLike<number>, withGradient: boolean): GameValue {
    const { game } = this;
    const P = game.parties.length;
    const n = game.variables.length;
    const U = new Float64Array(P);
    const G = game.parties.map(() => new Float64Array(n));
    game.states.forEach((st, s) => {
      if (st.probability === 0) return;
      const sys = this.solveState(x, s);
      if (withGradient) {
        const grads = gradientsOf(sys, game.parties, st.coef);
        grads.forEach((g, p) => {
          U[p] += st.probability * g.value;
          for (let m = 0; m < n; m++) G[p][m] += st.probability * g.gradient[m];
        });
      } else {
        game.parties.forEach((po, p) => (U[p] += st.probability * partsOf(sys, po).value));
      }
    });
    game.issueValue?.forEach((vals, p) => {
      for (let m = 0; m < n; m++) {
        U[p] += vals[m] * x[m];
        G[p][m] += vals[m];
      }
    });
    return { U, G };
  }

  /** The parts (welfare, revenue, balances) of each party's objective in state s at x. */
  parts(x: ArrayLike<number>, s = 0): ObjectiveParts[] {
    const sys = this.solveState(x, s);
    return this.game.parties.map((po) => partsOf(sys, po));
  }

  /** The solved system of state s at x (for reports). */
  system(x: ArrayLike<number>, s = 0): StrategySystem {
    return this.solveState(x, s);
  }
}

export interface SparseDirection {
  cells: Int32Array;
  values: Float64Array;
  /** Transfers received per economy per unit (a linked issue's pledge: +value to one, -value to the other). */
  transfers?: Float64Array;
}

/** A direction that moves the given cells by `value` (default 1) per unit. */
export function direction(cells: readonly number[], value = 1): SparseDirection {
  return { cells: Int32Array.from(cells), values: new Float64Array(cells.length).fill(value) };
}

/** A linked issue moves no tariff. */
export const NO_CELLS: SparseDirection = { cells: new Int32Array(0), values: new Float64Array(0) };

/**
 * A diagonal guess of the inverse Hessian of -U/100 in tariff variables, for
 * BFGS's first step: a tariff on imports M with elasticity eps costs about
 * eps M t^2 / 2 of the importer's income Y (Harberger), so the curvature is
 * ~ eps M / Y. Each variable moves the tariffs of its `cells` (one importer's).
 * Floored at CURVATURE_FLOOR of the largest, so tariffs on negligible flows
 * do not get huge steps.
 */
export function harbergerScale(world: World, variables: readonly (readonly number[])[]): Float64Array {
  const { N, S, Z, eps } = world;
  const Y = computeBaseline(world).Y;
  const c = variables.map((cells) => {
    const k0 = cells[0];
    const importer = ((k0 - (k0 % S)) / S) % N;
    return cells.reduce((a, k) => a + eps[k % S] * Z[k], 0) / Y[importer];
  });
  const floor = CURVATURE_FLOOR * Math.max(...c);
  return Float64Array.from(c, (v) => 1 / Math.max(v, floor));
}

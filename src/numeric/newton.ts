/**
 * Damped Newton with a backtracking (Armijo) line search on ||F||_2, the
 * one root finder of Parley's models (core and extended). The problem owns
 * its equations and its linear solver (a factored Jacobian or GMRES on
 * Jacobian-vector products); this owns the iteration, the step control and
 * the report. Convergence is judged on the problem's own measure (the largest
 * scaled excess demand), which a full Newton step need not reduce, so the
 * line search uses the 2-norm, along which a Newton direction always descends.
 */
import { norm2 } from './linalg.js';
import { ARMIJO, NEWTON_STALL_RATIO } from './tolerances.js';

export interface NewtonProblem {
  /** Number of unknowns (and equations). */
  n: number;
  /** Evaluate F at x into F; return the convergence measure there (NaN when the point is broken). */
  evaluate(x: Float64Array, F: Float64Array): number;
  /** As evaluate, when the problem's state is already at x (it last evaluated there): saves the first evaluation. */
  current?(x: Float64Array, F: Float64Array): number;
  /** The Newton direction at x, the last point evaluated (F its residual): solve J dx = -F. False = none (singular): stop. */
  direction(x: Float64Array, F: Float64Array, measure: number, dx: Float64Array): boolean;
  /** May this trial point be evaluated (e.g. prices stay positive)? Default: any point. */
  admissible?(x: Float64Array): boolean;
  /** After a failed line search: true if the direction can be computed more accurately (inexact Newton), to try once more. */
  tighten?(): boolean;
}

export interface NewtonOptions {
  /** Converged when the measure is below this. */
  tol: number;
  maxIterations: number;
  /** Step halvings before the line search gives up. */
  maxHalvings: number;
  /** An accepted measure above tol: below it, a step that gains less than NEWTON_STALL_RATIO ends the iteration (noise floor). */
  floor?: number;
}

export interface NewtonReport {
  converged: boolean;
  /** Newton steps taken. */
  iterations: number;
  /** The measure at the returned x. */
  residual: number;
}

/** Iterate from x (updated in place) until the measure is below tol; the problem's state is left at x. */
export function newton(problem: NewtonProblem, x: Float64Array, options: NewtonOptions): NewtonReport {
  const { n } = problem;
  const F = new Float64Array(n);
  const Ft = new Float64Array(n);
  const dx = new Float64Array(n);
  const trial = new Float64Array(n);
  let measure = problem.current ? problem.current(x, F) : problem.evaluate(x, F);
  let norm = norm2(F);
  let iterations = 0;
  while (!(measure < options.tol) && iterations < options.maxIterations && Number.isFinite(measure)) {
    iterations++;
    if (!problem.direction(x, F, measure, dx)) break;
    const before = measure;
    let step = 1;
    let accepted = false;
    for (let h = 0; h < options.maxHalvings; h++, step *= 0.5) {
      for (let i = 0; i < n; i++) trial[i] = x[i] + step * dx[i];
      if (problem.admissible && !problem.admissible(trial)) continue;
      const m = problem.evaluate(trial, Ft);
      const nt = norm2(Ft);
      if (nt < (1 - ARMIJO * step) * norm) {
        x.set(trial);
        F.set(Ft);
        measure = m;
        norm = nt;
        accepted = true;
        break;
      }
    }
    if (!accepted) {
      measure = problem.evaluate(x, F); // leave the problem's state at x
      if (options.floor !== undefined && measure < options.floor) break; // at the noise floor already: nothing to tighten for
      if (problem.tighten?.()) continue;
      break;
    }
    if (options.floor !== undefined && measure < options.floor && measure > NEWTON_STALL_RATIO * before) break;
  }
  return { converged: measure < options.tol, iterations, residual: measure };
}

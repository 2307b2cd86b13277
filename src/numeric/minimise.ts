/**
 * Bound-constrained minimisation, the inner loop of every strategic
 * computation: projected Newton for a few variables, projected BFGS for
 * hundreds, projected L-BFGS for thousands, each with an Armijo search along
 * the projected path (after Bertsekas 1982). `minimise` is the front door and
 * picks the method by size. `f` may return Infinity for an infeasible point
 * (e.g. a bargaining point below a disagreement payoff); the search then
 * backtracks.
 */
import { dampedSolve } from './linalg.js';
import {
  ACTIVE_SET_MARGIN,
  ARMIJO,
  CURVATURE_MIN,
  DAMPING_LADDER,
  DAMPING_SCALE_FLOOR,
  HESSIAN_STEP,
  LBFGS_MEMORY,
  FLAT_WINDOW,
  OBJECTIVE_NOISE,
  PROJECTED_NEWTON_HALVINGS,
  QUASI_NEWTON_HALVINGS,
  STEP_TOL_SLACK,
} from './tolerances.js';

/**
 * f and its gradient at x; `noise`, if known, is how far f may be off there (absolute), when that is more than
 * OBJECTIVE_NOISE of |f| (e.g. the log of a small surplus magnifies the payoffs' rounding).
 */
export type ObjectiveWithGradient = (x: Float64Array) => { f: number; g: Float64Array; noise?: number };

/** The methods; `auto` picks by the number of variables. */
export type MinimiseMethod = 'auto' | 'newton' | 'bfgs' | 'lbfgs';

/** Above this many variables `auto` uses L-BFGS: a dense inverse Hessian would cost more per step than the gradient. */
export const DENSE_BFGS_MAX = 1000;

export interface Minimised {
  x: Float64Array;
  f: number;
  g: Float64Array;
  converged: boolean;
  iterations: number;
  /** Largest |projected gradient| at the end. */
  projectedGradient: number;
  /**
   * The objective stopped changing measurably (by flatTol of its size over FLAT_WINDOW steps)
   * before the gradient reached tol: the run counts as converged, but the variables whose
   * projected gradient is still above tol are not pinned down by the objective (flatVariables).
   */
  flat?: boolean;
  flatVariables?: number[];
}

export interface MinimiseOptions {
  lower: Float64Array;
  upper: Float64Array;
  /** Stop when the projected gradient's largest entry is below this. */
  tol: number;
  maxIterations: number;
  /** Stop early (counted as converged) when this holds after an accepted step. */
  stop?: (x: Float64Array, f: number) => boolean;
  /** Projected Newton only: a step moves no variable more than this share of its box width (default: unlimited). */
  maxStep?: number;
  /** Newton only: also converged when the full Newton step moves no variable more than this. */
  stepTol?: number;
  /**
   * (L-)BFGS: stop as converged but `flat` when FLAT_WINDOW accepted steps together lower f by at
   * most flatTol * max(1, |f|): for objectives known only to about that (payoffs from equilibria);
   * default: never (an exact objective is minimised to tol).
   */
  flatTol?: number;
  /**
   * BFGS only: a diagonal guess of the inverse Hessian (e.g. 1 / the import
   * value a tariff acts on). Variables of very different curvature (tariffs on
   * large and on tiny flows) otherwise take BFGS hundreds of steps to learn.
   */
  scale?: Float64Array;
  /** Which method; default `auto`: projected Newton up to `newtonMax` variables, BFGS up to DENSE_BFGS_MAX, then L-BFGS. */
  method?: MinimiseMethod;
  /** `auto` uses projected Newton up to this many variables (each Newton step costs n extra gradients); default 0. */
  newtonMax?: number;
  /**
   * Projected Newton only: a model of f's Hessian at x (n x n, row-major; x is a point f was evaluated at) in place of
   * forward differences. It is asked `fresh` when a step along it failed or claimed convergence; undefined means
   * forward differences for that step.
   */
  hessian?: (x: Float64Array, fresh: boolean) => Float64Array | undefined;
  /** L-BFGS only: curvature pairs kept; default LBFGS_MEMORY. */
  memory?: number;
}

/** Minimise f over the box [lower, upper] from x0 (clamped into it), by the method `o.method` or the one that fits its size. */
export function minimise(fg: ObjectiveWithGradient, x0: Float64Array, o: MinimiseOptions): Minimised {
  const n = x0.length;
  const method = o.method && o.method !== 'auto' ? o.method : n <= (o.newtonMax ?? 0) ? 'newton' : n <= DENSE_BFGS_MAX ? 'bfgs' : 'lbfgs';
  // The start, clamped into the box, for every method; f not finite there is reported, not minimised.
  const x: Float64Array = x0.map((v, k) => Math.min(o.upper[k], Math.max(o.lower[k], v)));
  const { f, g, noise } = fg(x);
  if (!Number.isFinite(f)) return { x, f, g, converged: false, iterations: 0, projectedGradient: Infinity };
  const at: Start = { x, f, g, noise };
  if (method === 'newton') return minimiseBoxNewton(fg, at, o);
  if (method === 'bfgs') return minimiseBox(fg, at, o);
  return minimiseBoxLbfgs(fg, at, o);
}

/**
 * Watches a descent for an objective that no longer changes measurably: a payoff is known to about
 * OBJECTIVE_NOISE of its size, so once FLAT_WINDOW accepted steps together lower f by less than
 * flatTol (e.g. FLAT_REL_CHANGE) of it, no further step can be told from noise.
 */
class FlatWatch {
  private readonly history: number[] = [];

  constructor(private readonly tol: number | undefined) {}

  /** Record f after an accepted step; true when the objective has been flat for the window. */
  step(f: number): boolean {
    if (this.tol === undefined) return false;
    this.history.push(f);
    if (this.history.length <= FLAT_WINDOW) return false;
    const before = this.history.shift()!;
    return before - f <= this.tol * Math.max(1, Math.abs(f));
  }
}

/** The result of a descent that stopped because the objective went flat (see Minimised.flat). */
function flatResult(x: Float64Array, f: number, g: Float64Array, it: number, o: MinimiseOptions): Minimised {
  const flatVariables: number[] = [];
  for (let k = 0; k < x.length; k++) {
    const bound = (x[k] <= o.lower[k] && g[k] > 0) || (x[k] >= o.upper[k] && g[k] < 0);
    if (!bound && Math.abs(g[k]) >= o.tol) flatVariables.push(k);
  }
  return { x, f, g, converged: true, iterations: it, projectedGradient: projectedNorm(x, g, o.lower, o.upper), flat: true, flatVariables };
}

/** Where a method starts: x inside the box (updated in place), f and its gradient there. */
interface Start {
  x: Float64Array;
  f: number;
  g: Float64Array;
  noise?: number;
}

/** Projected BFGS with a dense inverse Hessian (hundreds of variables). */
function minimiseBox(fg: ObjectiveWithGradient, at: Start, o: MinimiseOptions): Minimised {
  const x = at.x;
  let { f, g, noise } = at;
  const n = x.length;
  const { lower, upper } = o;
  const H0 = o.scale ? diagonal(o.scale) : identity(n);
  const H = Float64Array.from(H0);
  const free = (k: number) => !((x[k] <= lower[k] && g[k] > 0) || (x[k] >= upper[k] && g[k] < 0));
  const projGradNorm = () => projectedNorm(x, g, lower, upper);
  let it = 0;
  let scaled = false;
  let converged = projGradNorm() < o.tol;
  const d = new Float64Array(n);
  const isFree = new Uint8Array(n);
  const flat = new FlatWatch(o.flatTol);
  let fresh = true; // H is the initial guess (no curvature pairs yet)
  while (!converged && it < o.maxIterations) {
    it++;
    for (let k = 0; k < n; k++) isFree[k] = free(k) ? 1 : 0;
    for (let r = 0; r < n; r++) {
      d[r] = 0;
      if (!isFree[r]) continue;
      let v = 0;
      const row = r * n;
      for (let c = 0; c < n; c++) if (isFree[c]) v -= H[row + c] * g[c];
      d[r] = v;
    }
    let slope = 0;
    for (let k = 0; k < n; k++) slope += d[k] * g[k];
    if (!(slope < 0)) {
      // Not a descent direction: forget the curvature and take the (scaled) gradient.
      H.set(H0);
      scaled = false;
      fresh = true;
      for (let k = 0; k < n; k++) d[k] = free(k) ? -H0[k * n + k] * g[k] : 0;
    }
    const trial = projectedSearch(fg, { x, f, g, noise }, d, lower, upper, QUASI_NEWTON_HALVINGS);
    if (!trial) {
      // No acceptable step: retry once along the scaled gradient; if even that finds none, f cannot be
      // lowered measurably from here, which with a flatTol is a flat stop.
      if (!fresh) {
        H.set(H0);
        scaled = false;
        fresh = true;
        continue;
      }
      if (o.flatTol !== undefined) return flatResult(x, f, g, it, o);
      break;
    }
    fresh = false;
    const s = trial.x.map((v, k) => v - x[k]);
    const y = trial.g.map((v, k) => v - g[k]);
    if (!scaled) scaled = scaleInitial(H, H0, s, y, n); // Shanno-Phua: start from the right magnitude
    bfgsUpdate(H, s, y, n);
    x.set(trial.x);
    f = trial.f;
    g = trial.g;
    noise = trial.noise;
    converged = projGradNorm() < o.tol || (o.stop?.(x, f) ?? false);
    if (!converged && flat.step(f)) return flatResult(x, f, g, it, o);
  }
  return { x, f, g, converged, iterations: it, projectedGradient: projGradNorm() };
}

/**
 * Projected limited-memory BFGS (Nocedal 1980's two-loop recursion on the
 * free variables, with the diagonal `scale` as the initial inverse Hessian):
 * for problems with thousands of variables, where a dense inverse Hessian
 * costs more per step than the gradient. Same stopping rule and line search
 * as minimiseBox.
 */
function minimiseBoxLbfgs(fg: ObjectiveWithGradient, at: Start, o: MinimiseOptions): Minimised {
  const x = at.x;
  let { f, g, noise } = at;
  const n = x.length;
  const { lower, upper } = o;
  const m = o.memory ?? LBFGS_MEMORY;
  const D = o.scale ?? new Float64Array(n).fill(1);
  const S: Float64Array[] = [];
  const Yv: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);
  const isFree = new Uint8Array(n);
  const d = new Float64Array(n);
  let it = 0;
  let converged = projectedNorm(x, g, lower, upper) < o.tol;
  const flat = new FlatWatch(o.flatTol);
  while (!converged && it < o.maxIterations) {
    it++;
    for (let k = 0; k < n; k++) isFree[k] = (x[k] <= lower[k] && g[k] > 0) || (x[k] >= upper[k] && g[k] < 0) ? 0 : 1;
    for (let k = 0; k < n; k++) d[k] = isFree[k] ? g[k] : 0;
    for (let i = S.length - 1; i >= 0; i--) {
      let a = 0;
      for (let k = 0; k < n; k++) if (isFree[k]) a += S[i][k] * d[k];
      alpha[i] = rho[i] * a;
      for (let k = 0; k < n; k++) if (isFree[k]) d[k] -= alpha[i] * Yv[i][k];
    }
    let gamma = 1;
    if (S.length) {
      const last = S.length - 1;
      let yDy = 0;
      for (let k = 0; k < n; k++) yDy += Yv[last][k] * Yv[last][k] * D[k];
      gamma = 1 / (rho[last] * yDy);
    }
    for (let k = 0; k < n; k++) d[k] *= gamma * D[k];
    for (let i = 0; i < S.length; i++) {
      let b = 0;
      for (let k = 0; k < n; k++) if (isFree[k]) b += Yv[i][k] * d[k];
      b *= rho[i];
      for (let k = 0; k < n; k++) if (isFree[k]) d[k] += S[i][k] * (alpha[i] - b);
    }
    let slope = 0;
    for (let k = 0; k < n; k++) {
      d[k] = isFree[k] ? -d[k] : 0;
      slope += d[k] * g[k];
    }
    if (!(slope < 0)) {
      // Not a descent direction: forget the pairs and take the scaled gradient.
      S.length = 0;
      Yv.length = 0;
      rho.length = 0;
      for (let k = 0; k < n; k++) d[k] = isFree[k] ? -D[k] * g[k] : 0;
    }
    const trial = projectedSearch(fg, { x, f, g, noise }, d, lower, upper, QUASI_NEWTON_HALVINGS);
    if (!trial) {
      // As in minimiseBox: once more along the scaled gradient, then a flat stop (with a flatTol).
      if (S.length) {
        S.length = 0;
        Yv.length = 0;
        rho.length = 0;
        continue;
      }
      if (o.flatTol !== undefined) return flatResult(x, f, g, it, o);
      break;
    }
    const s = trial.x.map((v, k) => v - x[k]);
    const y = trial.g.map((v, k) => v - g[k]);
    let sy = 0;
    for (let k = 0; k < n; k++) sy += s[k] * y[k];
    if (sy > CURVATURE_MIN) {
      if (S.length === m) {
        S.shift();
        Yv.shift();
        rho.shift();
      }
      S.push(s);
      Yv.push(y);
      rho.push(1 / sy);
    }
    x.set(trial.x);
    f = trial.f;
    g = trial.g;
    noise = trial.noise;
    converged = projectedNorm(x, g, lower, upper) < o.tol || (o.stop?.(x, f) ?? false);
    if (!converged && flat.step(f)) return flatResult(x, f, g, it, o);
  }
  return { x, f, g, converged, iterations: it, projectedGradient: projectedNorm(x, g, lower, upper) };
}

/**
 * Backtracking (Armijo) along the projected path x + step d, halving the step up to `halvings`
 * times; returns the accepted point or undefined. Payoffs come from equilibria solved to ~1e-13,
 * so f is only known to about that: near an optimum the Armijo decrease (~g^2) falls below it.
 * There a step whose f is equal within that noise is accepted if the slope along it has at least
 * halved or the projected gradient shrank (the gradient is exact).
 */
function projectedSearch(fg: ObjectiveWithGradient, at: Start, d: Float64Array, lower: Float64Array, upper: Float64Array, halvings: number, minMove = 0): Start | undefined {
  const { x, f, g } = at;
  const n = x.length;
  const xt = new Float64Array(n);
  let dMax = 0;
  for (let k = 0; k < n; k++) dMax = Math.max(dMax, Math.abs(d[k]));
  let step = 1;
  // Below minMove (projected Newton: its step tolerance) a move is one the objective cannot resolve.
  for (let h = 0; h < halvings && step * dMax >= minMove; h++, step *= 0.5) {
    for (let k = 0; k < n; k++) xt[k] = Math.min(upper[k], Math.max(lower[k], x[k] + step * d[k]));
    let dec = 0;
    for (let k = 0; k < n; k++) dec += g[k] * (xt[k] - x[k]);
    if (dec === 0) return undefined; // the projected step no longer moves
    if (dec > 0) continue;
    const trial = fg(xt);
    let slopeTrial = 0;
    for (let k = 0; k < n; k++) slopeTrial += trial.g[k] * (xt[k] - x[k]);
    const armijo = trial.f <= f + ARMIJO * dec;
    const noise = Math.max(OBJECTIVE_NOISE * Math.max(1, Math.abs(f)), at.noise ?? 0, trial.noise ?? 0);
    const withinNoise = trial.f <= f + noise && (Math.abs(slopeTrial) <= 0.5 * Math.abs(dec) || projectedNorm(xt, trial.g, lower, upper) < 0.9 * projectedNorm(x, g, lower, upper));
    if (armijo || withinNoise) return { x: Float64Array.from(xt), f: trial.f, g: trial.g, noise: trial.noise };
  }
  return undefined;
}

/** Largest entry of the projected gradient at x (the stationarity measure of a box problem). */
function projectedNorm(x: Float64Array, g: Float64Array, lower: Float64Array, upper: Float64Array): number {
  let v = 0;
  for (let k = 0; k < x.length; k++) {
    if ((x[k] <= lower[k] && g[k] > 0) || (x[k] >= upper[k] && g[k] < 0)) continue;
    v = Math.max(v, Math.abs(g[k]));
  }
  return v;
}

/** H = (s'y / y'D y) D before the first update, D the diagonal initial guess; returns whether it applied. */
function scaleInitial(H: Float64Array, H0: Float64Array, s: Float64Array, y: Float64Array, n: number): boolean {
  let sy = 0;
  let yDy = 0;
  for (let k = 0; k < n; k++) {
    sy += s[k] * y[k];
    yDy += y[k] * y[k] * H0[k * n + k];
  }
  if (!(sy > 0 && yDy > 0)) return false;
  H.fill(0);
  for (let k = 0; k < n; k++) H[k * n + k] = (sy / yDy) * H0[k * n + k];
  return true;
}

function identity(n: number): Float64Array {
  const I = new Float64Array(n * n);
  for (let k = 0; k < n; k++) I[k * n + k] = 1;
  return I;
}

function diagonal(v: Float64Array): Float64Array {
  const n = v.length;
  const D = new Float64Array(n * n);
  for (let k = 0; k < n; k++) D[k * n + k] = v[k];
  return D;
}

/** BFGS update of the inverse Hessian H, skipped when the curvature s'y is not positive. */
function bfgsUpdate(H: Float64Array, s: Float64Array, y: Float64Array, n: number): void {
  let sy = 0;
  for (let k = 0; k < n; k++) sy += s[k] * y[k];
  if (!(sy > CURVATURE_MIN)) return;
  const Hy = new Float64Array(n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) Hy[r] += H[r * n + c] * y[c];
  let yHy = 0;
  for (let k = 0; k < n; k++) yHy += y[k] * Hy[k];
  const rho = 1 / sy;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      H[r * n + c] += -rho * (Hy[r] * s[c] + s[r] * Hy[c]) + (rho * rho * yHy + rho) * s[r] * s[c];
    }
  }
}

/**
 * Projected Newton for small problems (bargaining: a few tariffs and issues),
 * where the problem can be badly conditioned (linear transfers, corners) and
 * quasi-Newton stalls. The Hessian of the free variables comes from the
 * caller's model (`o.hessian`, e.g. payoff Hessians kept across steps), or
 * from forward differences of the exact gradient (n extra gradients per step),
 * damped (Levenberg) until positive definite. A kept model whose step fails or
 * claims convergence is asked again, fresh, before either is believed.
 */
function minimiseBoxNewton(fg: ObjectiveWithGradient, at: Start, o: MinimiseOptions): Minimised {
  const x = at.x;
  let { f, g, noise } = at;
  const n = x.length;
  const { lower, upper } = o;
  const isFree = new Uint8Array(n);
  // Bertsekas' epsilon-active set: a variable a hair from a bound it is pushed against is held
  // there, or the projection truncates its Newton step and the rest is no longer a descent.
  const near = (k: number) => ACTIVE_SET_MARGIN * Math.max(1, upper[k] - lower[k]);
  const projGrad = () => {
    let v = 0;
    for (let k = 0; k < n; k++) {
      const atLower = x[k] <= lower[k] + near(k) && g[k] > 0;
      const atUpper = x[k] >= upper[k] - near(k) && g[k] < 0;
      isFree[k] = atLower || atUpper ? 0 : 1;
      if (isFree[k]) v = Math.max(v, Math.abs(g[k]));
    }
    return v;
  };
  let it = 0;
  let pg = projGrad();
  let converged = pg < o.tol;
  let fresh = false;
  while (!converged && it < o.maxIterations) {
    it++;
    const free = [...isFree.keys()].filter((k) => isFree[k]);
    const m = free.length;
    const H = new Float64Array(m * m);
    let hessianOk = true;
    const model = o.hessian?.(x, fresh);
    // A kept model (not fresh) gets a second chance, fresh, before its step decides anything.
    const kept = model !== undefined && !fresh;
    fresh = false;
    if (model) for (let a = 0; a < m; a++) for (let c = 0; c < m; c++) H[a * m + c] = model[free[a] * n + free[c]];
    else for (let c = 0; c < m; c++) {
      const k = free[c];
      const h = HESSIAN_STEP * Math.max(1, Math.abs(x[k]));
      const step = x[k] + h <= upper[k] ? h : -h;
      const xp = Float64Array.from(x);
      xp[k] += step;
      const r = fg(xp);
      if (!Number.isFinite(r.f)) {
        hessianOk = false;
        break;
      }
      for (let q = 0; q < m; q++) H[q * m + c] = (r.g[free[q]] - g[free[q]]) / step;
    }
    const d = new Float64Array(n);
    if (hessianOk) {
      for (let a = 0; a < m; a++) for (let b2 = a + 1; b2 < m; b2++) H[a * m + b2] = H[b2 * m + a] = (H[a * m + b2] + H[b2 * m + a]) / 2;
      const gF = Float64Array.from(free, (k) => -g[k]);
      const sol = dampedSolve(H, gF, m, DAMPING_LADDER, DAMPING_SCALE_FLOOR);
      free.forEach((k, q) => (d[k] = sol[q]));
    } else {
      for (const k of free) d[k] = -g[k];
    }
    let descent = 0;
    for (let k = 0; k < n; k++) descent += d[k] * g[k];
    if (!(descent < 0)) for (let k = 0; k < n; k++) d[k] = isFree[k] ? -g[k] : 0; // damping failed: steepest descent
    // Near the optimum the gradient is noise-limited (payoffs are known to ~1e-13), but the Newton
    // step still measures the distance to it: a step below stepTol means x is that close.
    if (hessianOk && o.stepTol !== undefined) {
      let big = 0;
      for (let k = 0; k < n; k++) big = Math.max(big, Math.abs(Math.min(upper[k], Math.max(lower[k], x[k] + d[k])) - x[k]));
      if (big < o.stepTol) {
        if (kept) {
          fresh = true;
          continue;
        }
        converged = true;
        break;
      }
    }
    if (o.maxStep !== undefined) {
      let over = 1;
      for (let k = 0; k < n; k++) if (d[k] !== 0 && upper[k] > lower[k]) over = Math.max(over, Math.abs(d[k]) / (o.maxStep * (upper[k] - lower[k])));
      for (let k = 0; k < n; k++) d[k] /= over;
    }
    const trial = projectedSearch(fg, { x, f, g, noise }, d, lower, upper, PROJECTED_NEWTON_HALVINGS, o.stepTol);
    const accepted = trial !== undefined;
    if (trial) {
      x.set(trial.x);
      f = trial.f;
      g = trial.g;
      noise = trial.noise;
    }
    if (!accepted && kept) {
      fresh = true;
      continue;
    }
    if (!accepted) {
      // No step improves f within its noise: if the Newton step (the distance to the optimum) is
      // already below 100 stepTol, nothing finer can be resolved. Badly conditioned corners (a
      // party's surplus near 0 on the frontier) end here with a large gradient and a tiny step.
      if (hessianOk && o.stepTol !== undefined && Math.max(0, ...Array.from(d, Math.abs)) < STEP_TOL_SLACK * o.stepTol) converged = true;
      break;
    }
    pg = projGrad();
    converged = pg < o.tol || (o.stop?.(x, f) ?? false);
  }
  return { x, f, g, converged, iterations: it, projectedGradient: pg };
}

/**
 * A government's best response (MODEL.md §2): the import tariffs of `player`
 * (uniform, by partner, by sector, or by partner x sector, within bounds)
 * that maximise its welfare given everyone else's tariffs. Gradients come
 * from the adjoint (gradient.ts); the optimiser is a projected BFGS with an
 * Armijo search along the projected path (after Bertsekas 1982), written here.
 */
import type { World } from '../data/world.js';
import { computeBaseline } from '../model/baseline.js';
import { noShock, purgeDeficits, solveSystem, type Deficits, type Shock } from '../model/equilibrium.js';
import { EquilibriumSystem } from '../model/system.js';
import { ConvergenceError, InputError } from '../errors.js';
import { warn } from '../warn.js';
import { welfareGradient } from './gradient.js';

export type Instrument = 'uniform' | 'partner' | 'sector' | 'partner-sector';

export interface BestResponseOptions {
  instrument?: Instrument;
  /** Bounds on every tariff the player sets (fractions); default [0, 10] as in Ossa (2014). */
  lower?: number;
  upper?: number;
  /** Deficit convention; default `balanced` (MODEL.md §2: fixed deficits make a deficit country's optimum unbounded). */
  deficits?: Deficits;
  /** Starting tariffs (the world's, or this shock's). */
  start?: Shock;
  /** Stop when the projected gradient of ln W is below this; default 1e-8. */
  tol?: number;
  maxIterations?: number;
}

export interface BestResponse {
  player: string;
  instrument: Instrument;
  converged: boolean;
  iterations: number;
  /** The player's chosen rates, one per instrument variable, with the cells each covers described. */
  variables: { exporter: string; sector: string; rate: number }[];
  /** The full tariff array after the response, [i][j][s]. */
  tariffs: Float64Array;
  /** Welfare change (%) of the player before and after, relative to the (purged, under balanced) baseline. */
  welfareBefore: number;
  welfareAfter: number;
  /** Variables that ended at a bound. */
  atBound: number[];
}

/** One instrument variable = a set of cells (exporter i, sector s) of the player's imports. */
function instrumentCells(world: World, player: number, instrument: Instrument): { exporter: string; sector: string; cells: number[] }[] {
  const { N, S, codes, sectors } = world;
  const cell = (i: number, s: number) => (i * N + player) * S + s;
  const partners = codes.map((_, i) => i).filter((i) => i !== player);
  const all = (f: (i: number, s: number) => boolean) => partners.flatMap((i) => sectors.map((_, s) => s).filter((s) => f(i, s)).map((s) => cell(i, s)));
  switch (instrument) {
    case 'uniform':
      return [{ exporter: '*', sector: 'ALL', cells: all(() => true) }];
    case 'partner':
      return partners.map((p) => ({ exporter: codes[p], sector: 'ALL', cells: all((i) => i === p) }));
    case 'sector':
      return sectors.map((name, q) => ({ exporter: '*', sector: name, cells: all((_, s) => s === q) }));
    case 'partner-sector':
      return partners.flatMap((p) => sectors.map((name, q) => ({ exporter: codes[p], sector: name, cells: [cell(p, q)] })));
  }
}

export function bestResponse(world0: World, playerCode: string, options: BestResponseOptions = {}): BestResponse {
  const instrument = options.instrument ?? 'uniform';
  const lower = options.lower ?? 0;
  const upper = options.upper ?? 10;
  const deficits = options.deficits ?? 'balanced';
  const tol = options.tol ?? 1e-8;
  const maxIter = options.maxIterations ?? 200;
  if (!(lower > -1) || !(upper > lower) || !Number.isFinite(upper)) throw new InputError(`bounds must satisfy -1 < lower < upper < infinity, found [${lower}, ${upper}]`);
  const player = world0.codes.indexOf(playerCode);
  if (player < 0) throw new InputError(`unknown player "${playerCode}"`);
  if (deficits === 'fixed') warn('best response with fixed deficits: a deficit country\'s optimal tariff may be unbounded (MODEL.md §2)');
  const world = deficits === 'balanced' ? purgeDeficits(world0) : world0;
  const rule = deficits === 'proportional' ? 'proportional' : 'fixed';
  const start = options.start ?? noShock(world);
  const tPrime = Float64Array.from(start.tariffs);
  const sys = new EquilibriumSystem(computeBaseline(world), tPrime, Float64Array.from(start.costFactors), rule);
  const vars = instrumentCells(world, player, instrument);
  const n = vars.length;
  const dirs = vars.map((v) => {
    const d = new Float64Array(tPrime.length);
    for (const c of v.cells) d[c] = 1;
    return d;
  });
  let w = new Float64Array(world.N).fill(1);

  // f(x) = -ln W_player; returns f and its gradient.
  const evaluate = (x: Float64Array): { f: number; g: Float64Array } => {
    vars.forEach((v, m) => {
      for (const c of v.cells) tPrime[c] = x[m];
    });
    sys.setShock();
    const rep = solveSystem(sys, { start: w });
    if (!rep.converged) throw new ConvergenceError('equilibrium inside best response', rep.residual, rep.iterations);
    w = Float64Array.from(sys.w);
    const { lnWelfare, gradient } = welfareGradient(sys, player, dirs);
    return { f: -lnWelfare, g: gradient.map((v) => -v) };
  };

  // Welfare at the start tariffs exactly as given (a variable's cells need not share one rate there).
  const startReport = solveSystem(sys);
  if (!startReport.converged) throw new ConvergenceError('equilibrium at the start tariffs', startReport.residual, startReport.iterations);
  w = Float64Array.from(sys.w);
  const welfareBefore = 100 * (Math.exp(welfareGradient(sys, player, []).lnWelfare) - 1);
  const x = Float64Array.from(vars.map((v) => Math.min(upper, Math.max(lower, start.tariffs[v.cells[0]]))));
  let { f, g } = evaluate(x);
  const H = identity(n);
  const free = (k: number) => !((x[k] <= lower && g[k] > 0) || (x[k] >= upper && g[k] < 0));
  const projGradNorm = () => {
    let v = 0;
    for (let k = 0; k < n; k++) if (free(k)) v = Math.max(v, Math.abs(g[k]));
    return v;
  };
  let it = 0;
  let converged = projGradNorm() < tol;
  while (!converged && it < maxIter) {
    it++;
    const d = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      if (!free(r)) continue;
      let v = 0;
      for (let c = 0; c < n; c++) if (free(c)) v -= H[r * n + c] * g[c];
      d[r] = v;
    }
    let slope = 0;
    for (let k = 0; k < n; k++) slope += d[k] * g[k];
    if (!(slope < 0)) {
      // Not a descent direction: reset the curvature memory and take the gradient.
      H.set(identity(n));
      for (let k = 0; k < n; k++) d[k] = free(k) ? -g[k] : 0;
    }
    let step = 1;
    let accepted = false;
    for (let h = 0; h < 50; h++, step *= 0.5) {
      const xt = x.map((xi, k) => Math.min(upper, Math.max(lower, xi + step * d[k])));
      let dec = 0;
      for (let k = 0; k < n; k++) dec += g[k] * (xt[k] - x[k]);
      const trial = evaluate(xt);
      if (trial.f <= f + 1e-4 * dec) {
        const s = xt.map((v, k) => v - x[k]);
        const y = trial.g.map((v, k) => v - g[k]);
        bfgsUpdate(H, s, y, n);
        x.set(xt);
        f = trial.f;
        g = trial.g;
        accepted = true;
        break;
      }
    }
    if (!accepted) break;
    converged = projGradNorm() < tol;
  }
  if (!converged) evaluate(x);
  const atBound = [...x.keys()].filter((k) => x[k] <= lower || x[k] >= upper);
  for (const k of atBound) if (x[k] >= upper) warn(`best response of ${playerCode}: tariff ${vars[k].exporter}/${vars[k].sector} ends at the upper bound ${upper}`);
  return {
    player: playerCode,
    instrument,
    converged,
    iterations: it,
    variables: vars.map((v, k) => ({ exporter: v.exporter, sector: v.sector, rate: x[k] })),
    tariffs: Float64Array.from(tPrime),
    welfareBefore,
    welfareAfter: 100 * (Math.exp(-f) - 1),
    atBound,
  };
}

function identity(n: number): Float64Array {
  const I = new Float64Array(n * n);
  for (let k = 0; k < n; k++) I[k * n + k] = 1;
  return I;
}

/** BFGS update of the inverse Hessian H, skipped when the curvature s'y is not positive. */
function bfgsUpdate(H: Float64Array, s: Float64Array, y: Float64Array, n: number): void {
  let sy = 0;
  for (let k = 0; k < n; k++) sy += s[k] * y[k];
  if (!(sy > 1e-16)) return;
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

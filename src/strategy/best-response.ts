/**
 * A government's best response (MODEL.md §2): the import tariffs of `player`
 * (uniform, by partner, by sector, or by partner x sector, within bounds)
 * that maximise its welfare given everyone else's tariffs. Gradients come
 * from the adjoint (gradient.ts; io-gradient.ts on input-output worlds); the
 * optimiser is numeric/minimise.ts.
 */
import { economyIndex, goodsSectors, type World } from '../data/world.js';
import { computeBaseline } from '../model/baseline.js';
import { noShock, solveOrThrow, solveSystem, type Deficits, type Shock } from '../model/equilibrium.js';
import type { DeficitRule } from '../model/system.js';
import { ConvergenceError, InputError } from '../errors.js';
import { warn } from '../warn.js';
import { direction, GameEvaluator, harbergerScale, partsOf, strategicWorld, strategySystem } from './game.js';
import { bindObjective, type Objective } from './gradient.js';
import { minimise } from '../numeric/minimise.js';
import { PayoffCurvature } from './curvature.js';
import { BEST_RESPONSE_NEWTON_MAX, BEST_RESPONSE_STEP_TOL, BEST_RESPONSE_TOL, DETERMINED_TARIFF_STEP, FLAT_REL_CHANGE } from '../numeric/tolerances.js';

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
  /** Stop when the projected gradient of U/100 (ln W for welfare only) is below this; default 1e-8. */
  tol?: number;
  maxIterations?: number;
  /** What the player maximises; default welfare only. */
  objective?: Objective;
  /** Only tariffs on these exporters are chosen (default: every partner); the rest stay as they are. */
  targets?: readonly string[];
  /** The strategic world and rule already prepared (purged once for a whole trade war). */
  prepared?: { world: World; rule: DeficitRule };
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
  /** The player's objective U before and after (percent units; = welfare % for welfare only). */
  utilityBefore: number;
  utilityAfter: number;
  /** Variables that ended at a bound. */
  atBound: number[];
  /**
   * Variables the payoff does not pin down to DETERMINED_TARIFF_STEP: the optimiser stopped as flat
   * while their gradient was above tol (numeric/minimise.ts), or the flow they act on is so small
   * at the solution (negligible, or choked off by the tariff) that moving them that far changes the
   * payoff by less than it can measure. Their rates are one point of a plateau, not an optimum.
   */
  undetermined: number[];
  /** Largest projected gradient entry at the end. */
  projectedGradient: number;
  /** The world the response was computed on (purged under `balanced`). */
  world: World;
}

/** One instrument variable = a set of cells (exporter i, sector s) of the player's imports. */
export function instrumentCells(world: World, player: number, instrument: Instrument): { exporter: string; sector: string; cells: number[] }[] {
  const { N, S, codes, sectors } = world;
  const cell = (i: number, s: number) => (i * N + player) * S + s;
  const partners = codes.map((_, i) => i).filter((i) => i !== player);
  // A government's tariff instruments reach goods, never the data set's services.
  const goods = goodsSectors(world);
  const all = (f: (i: number, s: number) => boolean) => partners.flatMap((i) => goods.filter((s) => f(i, s)).map((s) => cell(i, s)));
  switch (instrument) {
    case 'uniform':
      return [{ exporter: '*', sector: 'ALL', cells: all(() => true) }];
    case 'partner':
      return partners.map((p) => ({ exporter: codes[p], sector: 'ALL', cells: all((i) => i === p) }));
    case 'sector':
      return goods.map((q) => ({ exporter: '*', sector: sectors[q], cells: all((_, s) => s === q) }));
    case 'partner-sector':
      return partners.flatMap((p) => goods.map((q) => ({ exporter: codes[p], sector: sectors[q], cells: [cell(p, q)] })));
  }
}

export function bestResponse(world0: World, playerCode: string, options: BestResponseOptions = {}): BestResponse {
  const instrument = options.instrument ?? 'uniform';
  const lower = options.lower ?? 0;
  const upper = options.upper ?? 10;
  const tol = options.tol ?? BEST_RESPONSE_TOL;
  if (!(lower > -1) || !(upper > lower) || !Number.isFinite(upper)) throw new InputError(`bounds must satisfy -1 < lower < upper < infinity, found [${lower}, ${upper}]`);
  const player = economyIndex(world0, playerCode, 'player');
  const { world, rule } = options.prepared ?? strategicWorld(world0, options.deficits ?? 'balanced', 'best response');
  const start = options.start ?? noShock(world);
  const vars = instrumentCells(world, player, instrument).filter((v) => !options.targets || v.exporter === '*' || options.targets.includes(v.exporter));
  if (options.targets && (instrument === 'uniform' || instrument === 'sector')) throw new InputError('targets need tariffs by partner (instrument partner or partner-sector)');
  if (vars.length === 0) throw new InputError(`${playerCode} has no tariffs to choose (targets ${options.targets?.join(', ')})`);
  // Level variables: their cells are 0 in the base and set to x by the coefficient.
  const base = Float64Array.from(start.tariffs);
  for (const v of vars) for (const c of v.cells) base[c] = 0;
  const evaluator = new GameEvaluator({
    world,
    rule,
    variables: vars.map((v) => ({ name: `${v.exporter}/${v.sector}`, lower, upper, start: start.tariffs[v.cells[0]] })),
    states: [{ probability: 1, base, costFactors: Float64Array.from(start.costFactors), coef: vars.map((v) => direction(v.cells)) }],
    parties: [bindObjective(world, player, options.objective)],
  });
  // The objective at the start tariffs exactly as given (a variable's cells need not share one rate there).
  const sysStart = strategySystem(computeBaseline(world), Float64Array.from(start.tariffs), Float64Array.from(start.costFactors), rule);
  const rep = solveSystem(sysStart);
  if (!rep.converged) throw new ConvergenceError('equilibrium at the start tariffs', rep.residual, rep.iterations);
  const before = partsOf(sysStart, evaluator.game.parties[0]);
  // Minimise -U/100 so the tolerance reads as in ln W for the welfare-only objective.
  // A handful of tariffs: projected Newton (robust when revenue or balance weights make the
  // objective badly scaled), on the payoff's Hessian differenced once and kept along the steps
  // (curvature.ts); many: BFGS, whose steps cost one gradient each.
  const newton = vars.length <= BEST_RESPONSE_NEWTON_MAX;
  const curvature = newton ? new PayoffCurvature(evaluator) : undefined;
  const fg = (x: Float64Array) => {
    const { U, G } = (curvature ?? evaluator).evaluate(x);
    return { f: -U[0] / 100, g: G[0].map((v) => -v / 100) };
  };
  const hessian = curvature && ((x: Float64Array, fresh: boolean) => curvature.at(x, fresh).H[0].map((v) => -v / 100));
  const x0 = Float64Array.from(vars, (v) => start.tariffs[v.cells[0]]);
  const box = { lower: new Float64Array(vars.length).fill(lower), upper: new Float64Array(vars.length).fill(upper), tol, maxIterations: options.maxIterations ?? 200 };
  // BFGS starts from the Harberger curvature of each tariff; projected Newton measures it.
  // A payoff is known only to ~1e-12 of its size: past that, BFGS stops as flat and says which tariffs it left undetermined.
  const res = minimise(fg, x0, { ...box, method: newton ? 'newton' : 'auto', stepTol: BEST_RESPONSE_STEP_TOL, flatTol: FLAT_REL_CHANGE, scale: newton ? undefined : harbergerScale(world, vars.map((v) => v.cells)), hessian });
  const after = evaluator.parts(res.x)[0];
  const tariffs = evaluator.tariffs(res.x);
  const undetermined = [...new Set([...(res.flatVariables ?? []), ...weaklyCurved(world, rule, tariffs, start.costFactors, vars.map((v) => v.cells))])].sort((a, b) => a - b);
  const atBound = [...res.x.keys()].filter((k) => res.x[k] <= lower || res.x[k] >= upper);
  for (const k of atBound) if (res.x[k] >= upper) warn(`best response of ${playerCode}: tariff ${vars[k].exporter}/${vars[k].sector} ends at the upper bound ${upper}`);
  return {
    player: playerCode,
    instrument,
    converged: res.converged,
    iterations: res.iterations,
    projectedGradient: res.projectedGradient,
    variables: vars.map((v, k) => ({ exporter: v.exporter, sector: v.sector, rate: res.x[k] })),
    tariffs,
    welfareBefore: before.welfarePct,
    welfareAfter: after.welfarePct,
    utilityBefore: before.value,
    utilityAfter: after.value,
    atBound,
    undetermined,
    world,
  };
}

/**
 * The variables whose payoff curvature at the solution is too small to pin them down to
 * DETERMINED_TARIFF_STEP: moving such a tariff that far changes the importer's income by less than
 * FLAT_REL_CHANGE (Harberger: half eps M' t^2 / Y per unit, M' the flow at the solution, which a
 * prohibitive tariff has choked off). Their reported rates are one point of a plateau.
 */
function weaklyCurved(world: World, rule: DeficitRule, tariffs: Float64Array, costFactors: Float64Array, variables: readonly (readonly number[])[]): number[] {
  const { N, S, eps } = world;
  const eq = solveOrThrow(world, { tariffs, costFactors: Float64Array.from(costFactors) }, { deficits: rule === 'proportional' ? 'proportional' : 'fixed' });
  const income = eq.baseline.income;
  const limit = (2 * FLAT_REL_CHANGE) / (DETERMINED_TARIFF_STEP * DETERMINED_TARIFF_STEP);
  const out: number[] = [];
  variables.forEach((cells, k) => {
    let c = 0;
    let importer = 0;
    for (const cell of cells) {
      const s = cell % S;
      importer = ((cell - s) / S) % N;
      c += (eps[s] * eq.Zp[cell]) / ((1 + tariffs[cell]) * (1 + tariffs[cell]));
    }
    if (c / income[importer] < limit) out.push(k);
  });
  return out;
}

/**
 * Every tolerance and tuning constant of Parley's numerics, named once with
 * the reason for its value (after simple-statistics' `epsilon.js`). Economic
 * defaults (discount rates, sweep factors) live with the concept they belong
 * to, not here.
 */

/**
 * A verification knob, not a setting: PARLEY_TOLERANCE_SCALE (in (0, 1], default 1) multiplies every
 * stopping tolerance marked "(scaled)" below, so a run can check that its reported numbers do not move
 * when all of them are tightened (`test/strategy/tolerance.test.ts` does, 10x). Precision floors and
 * tuning constants are not scaled.
 */
export const TOLERANCE_SCALE = toleranceScale(typeof process === 'undefined' ? undefined : process.env.PARLEY_TOLERANCE_SCALE);

function toleranceScale(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 1;
  const v = Number(raw);
  if (!(v > 0 && v <= 1)) throw new Error(`PARLEY_TOLERANCE_SCALE must be a number in (0, 1], found "${raw}"`);
  return v;
}

// ---- Equilibrium solves (model/) ----

/** A counterfactual is solved when max_i |excess demand_i| / output_i is below this (docs/model.md §1). */
export const SOLVE_TOL = 1e-10 * TOLERANCE_SCALE; // (scaled)
/** Strategy solves tighter: optimisers compare payoffs that differ by 1e-12 near an optimum. */
export const STRATEGY_SOLVE_TOL = 1e-13 * TOLERANCE_SCALE; // (scaled)
/** Newton iterations allowed in a counterfactual before it is reported unconverged. */
export const NEWTON_MAX_ITERATIONS = 60;
/** Newton iterations allowed in the extended (Liberation Day) model. */
export const EXTENDED_NEWTON_MAX_ITERATIONS = 50;
/** Damped excess-demand steps (Alvarez & Lucas 2007) run at most this many times before Newton... */
export const DAMPED_STEPS = 10;
/** ...and only while the worst relative excess demand is above this (far from the root). */
export const DAMPED_UNTIL = 0.05;
/** A damped step changes a factor price by at most this factor either way. */
export const DAMPED_CLAMP = 2;
/** Two tariff schedules are the same where no rate differs by more than this (a share-weighted mean of equal rates differs by rounding). */
export const SAME_TARIFF_TOL = 1e-12;
/** Largest economy count for which Newton forms the Jacobian and factors it; above, Newton-GMRES. */
export const DIRECT_MAX_N = 40;
/** Inexact Newton: the first GMRES solves stop at this relative residual (far from the root a loose solve suffices)... */
export const KRYLOV_FIRST_TOL = 3e-2;
/** ...never tighter than this while the residual allows... */
export const KRYLOV_FLOOR_TOL = 1e-12;
/** ...nor tighter than needed to land a Newton step at this fraction of the target residual... */
export const KRYLOV_LANDING = 0.1;
/** ...and after a failed line search the next solve is this tight before Newton gives up. */
export const KRYLOV_RETRY_TOL = 1e-10;
/** Extended model: GMRES tolerance is the Newton residual times this, between the two bounds below. */
export const EXTENDED_KRYLOV_FACTOR = 1e-2;
export const EXTENDED_KRYLOV_MAX_TOL = 1e-3;
export const EXTENDED_KRYLOV_MIN_TOL = 1e-13;
/** GMRES restart length and cap on operator products for the extended model's 4N unknowns. */
export const EXTENDED_KRYLOV_RESTART = 80;
export const EXTENDED_KRYLOV_MAX_PRODUCTS = 2000;
/** Input-output model: sector prices are iterated until no log price moves more than this... */
export const IO_PRICE_TOL = 1e-14;
/** ...within this many steps (the map contracts by the largest intermediate share, ~0.7 in the data). */
export const IO_PRICE_MAX_STEPS = 5000;
/** A price Newton step is tried while the last step shrank the change by at least this factor (else the contraction step)... */
export const IO_PRICE_NEWTON_SHRINK = 1;
/** ...with its linear solve this loose (an inexact Newton step still converges fast near the solution). */
export const IO_PRICE_NEWTON_LINEAR_TOL = 1e-4;
/** Input-output model: relative residual of the inner linear solves (spending, and both tangents). */
export const IO_LINEAR_TOL = 1e-13;
/**
 * An evaluation's spending solve aims this much tighter: the equilibrium residual's noise floor is this solve's
 * accuracy, and at IO_LINEAR_TOL it sat at the strategy's target (STRATEGY_SOLVE_TOL), costing most states a second
 * Newton step (on the US-Japan talks by sector, 3.0 Newton steps per state at 1e-13, 2.2 at 1e-14).
 */
export const IO_SPENDING_TOL = 1e-14;
/** An input-output world is a baseline equilibrium when every sector's spending matches its uses to this (relative). */
export const IO_CONSISTENCY_TOL = 1e-9;
/** Newton's tangents (jvp) are solved to the current residual times this, never looser than IO_TANGENT_MAX_TOL. */
export const IO_TANGENT_FACTOR = 1e-2;
export const IO_TANGENT_MAX_TOL = 1e-5;
/** Cap on operator products of one inner linear solve. */
export const IO_LINEAR_MAX_PRODUCTS = 2000;
/** GMRES defaults for the core model. */
export const KRYLOV_RESTART = 40;
export const KRYLOV_MAX_PRODUCTS = 400;

// ---- Line searches ----

/**
 * Below its floor (an accepted solution), Newton stops once a step cuts the measure by less than this factor: the
 * inner solves' rounding (about 1e-13 in the input-output model) has been reached, and further steps only spend
 * line-search evaluations on noise.
 */
export const NEWTON_STALL_RATIO = 0.5;

/** Armijo constant: a step must cut the merit function by this fraction of the step (Nocedal & Wright's c1). */
export const ARMIJO = 1e-4;
/** Step halvings before a Newton line search gives up (core model; prices must also stay positive). */
export const NEWTON_HALVINGS = 40;
/** Step halvings before the extended model's line search gives up. */
export const EXTENDED_NEWTON_HALVINGS = 30;
/** Step halvings in the projected searches of BFGS / L-BFGS, and of projected Newton. */
export const QUASI_NEWTON_HALVINGS = 50;
export const PROJECTED_NEWTON_HALVINGS = 60;
/**
 * Payoffs come from equilibria solved to ~1e-13, so an objective is known to about 1e-12 of its
 * size: a step whose value is equal within this is accepted if the gradient says it is progress.
 */
export const OBJECTIVE_NOISE = 1e-12;

// ---- Box-constrained minimisation (numeric/minimise.ts) ----

/** (L-)BFGS given a flatTol stop as flat when FLAT_WINDOW accepted steps together lower f by at most flatTol of |f| (at least 1). */
export const FLAT_WINDOW = 20;
/** Strategy's flatTol: 10x the noise a payoff from equilibria solved to ~1e-13 carries (OBJECTIVE_NOISE). */
export const FLAT_REL_CHANGE = 1e-11;
/**
 * Input-output adjoints: the multipliers solve (dF/dw)' mu = (dU/dw)' by GMRES on reverse passes, preconditioned by the
 * Jacobian last factored nearby, to this relative residual; past REVERSE_MU_MAX_PRODUCTS passes the Jacobian is formed
 * again at the point (N products), which also refreshes the preconditioner.
 */
export const REVERSE_MU_TOL = 1e-12;
export const REVERSE_MU_MAX_PRODUCTS = 6;

/** Curvature pairs with s'y at or below this are skipped by (L-)BFGS updates. */
export const CURVATURE_MIN = 1e-16;
/** L-BFGS memory (pairs kept). */
export const LBFGS_MEMORY = 20;
/** Projected Newton holds a variable this close to a bound it is pushed against (relative to the box width). */
export const ACTIVE_SET_MARGIN = 1e-9;
/** Forward-difference step for projected Newton's Hessian, relative to |x| (at least 1 in scale). */
export const HESSIAN_STEP = 1e-6;
/** A symmetric rank-one update is skipped when |(y - Bs)'s| is below this times |s| |y - Bs| (Nocedal & Wright 6.26). */
export const SR1_SKIP = 1e-8;
/**
 * Levenberg damping ladder (times the largest Hessian diagonal) tried until the Hessian is positive definite.
 * The rung 2 mirrors a negative curvature (H + 2|H| = |H| in one dimension): a payoff that is concave in the
 * minimised sense (a tariff far above its optimum, where trade is choked off) then gets a step of the size the
 * curvature implies instead of a hundredth of it.
 */
export const DAMPING_LADDER: readonly number[] = [0, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1, 2, 100];
/** Smallest scale used when the Hessian diagonal vanishes. */
export const DAMPING_SCALE_FLOOR = 1e-12;
/** A projected Newton step this many times stepTol or less, with no improving step left, counts as converged. */
export const STEP_TOL_SLACK = 100;

// ---- Strategy ----

/** Best responses: stop when the projected gradient of U/100 is below this. */
export const BEST_RESPONSE_TOL = 1e-8 * TOLERANCE_SCALE; // (scaled)
/** Best responses with at most this many tariffs use projected Newton (n extra gradients per step); above, BFGS. */
export const BEST_RESPONSE_NEWTON_MAX = 8;
/** Projected Newton's step tolerance in best responses (tariffs as fractions). */
export const BEST_RESPONSE_STEP_TOL = 1e-9 * TOLERANCE_SCALE; // (scaled)
/** The Harberger curvature guess of a tariff is floored at this fraction of the largest one. */
export const CURVATURE_FLOOR = 1e-4;
/** A reported tariff counts as determined by the payoff if moving it this far (0.1 points) changes the payoff measurably. */
export const DETERMINED_TARIFF_STEP = 1e-3;
/** Trade wars: a round moving no tariff more than this ends the war. */
export const WAR_TOL = 1e-6 * TOLERANCE_SCALE; // (scaled)
/** Each best response inside a war is solved this much tighter than the war's own tolerance. */
export const WAR_INNER_FACTOR = 1e-2;
/** Nash bargaining: the Nash product is O(1) in logs and known to ~1e-14, so a gradient below this is as far as a line search can see. */
export const BARGAIN_TOL = 1e-7 * TOLERANCE_SCALE; // (scaled)
/**
 * Small bargains (a few tariffs and linked issues: transfers, corners) can be badly conditioned: projected Newton up to
 * this many variables. Beyond it BFGS, since Newton pays one gradient per variable for each Hessian: on the US-Japan
 * talks by sector (40 tariffs, 3 linked issues) BFGS reaches the same deal (to 1e-9) in 7 s, Newton in 212 s.
 */
export const BARGAIN_NEWTON_MAX = 10;
/**
 * Calibration (strategy/calibrate.ts): a weight whose first-order-condition column carries less than this share
 * of the normal matrix's trace is not identified (its part of the payoff does not move with the tariffs, e.g. a
 * weight on a total balance that balanced trade fixes): refused rather than estimated from rounding.
 */
export const CALIBRATION_IDENTIFIED = 1e-12;
/** Calibration by distance: Levenberg-Marquardt stops when a step lowers the squared tariff gap by less than this share... */
export const CALIBRATION_REL_TOL = 1e-6;
/** ...or after this many iterations (each costs weights + 1 best responses). */
export const CALIBRATION_MAX_ITERATIONS = 12;
/** Forward-difference step in a weight (relative, at least this absolute): implied tariffs are known to ~1e-8. */
export const CALIBRATION_STEP = 1e-4;
/** Projected Newton's step tolerance in bargaining. */
export const BARGAIN_STEP_TOL = 1e-8 * TOLERANCE_SCALE; // (scaled)
/**
 * A lever's welfare value (deal with it minus without, as a fraction of income) below this is reported as 0:
 * deal tariffs are known to BARGAIN_STEP_TOL, which moves welfare by ~1e-9 of income, so smaller differences are
 * the two searches' stopping points, not the lever (e.g. a linked issue valued only in payoff points).
 */
export const LEVER_WELFARE_RESOLUTION = 1e-9;
/** Phase 1 of bargaining stops once every surplus is above this (fraction of income)... */
export const SURPLUS_CLEAR = 1e-6;
/** ...and a starting point counts as inside the bargaining set only if every surplus is above this. */
export const SURPLUS_MIN = 1e-12;
/** Phase 1's soft-minimum widths: from the first down to the last, divided by 10 each time. */
export const PHASE1_TAU_FIRST = 1e-4;
export const PHASE1_TAU_LAST = 1e-11;
/** Phase 1's gradient tolerance relative to the soft-minimum width. */
export const PHASE1_TOL_FACTOR = 1e-6;
/** Phase 1's iterations per width. */
export const PHASE1_MAX_ITERATIONS = 60;
/**
 * From a warm start (a neighbouring solution: a draw's central deal, a frontier point's neighbour) phase 1 moves no
 * variable more than this share of its range per step: the start is near the answer, and a full step along the smooth
 * maximin's flat directions (linked issues) lands on the far side of the box, which phase 2 then walks back (on the
 * US-Japan draws of april-2025: 24 equilibria per bargain with full steps, 18.5 with this cap).
 */
export const PHASE1_WARM_MAX_STEP = 0.05;
/**
 * Halvings of the segment from the first deal towards the corner start (every linked issue at its upper bound) in search
 * of a point every party prefers to disagreement, before falling back to phase 1 from the corner: at 5 the nearest
 * point tried is 1/32 of the way.
 */
export const SECOND_START_HALVINGS = 5;
/** Two bargaining starts closer than this (relative to each variable's range) are the same start. */
export const START_DEDUP_RADIUS = 1e-4;
/** A bargaining solution replaces the best so far only if its value is lower by more than this. */
export const BETTER_BY = 1e-12;
/** A purchase commitment's price wedge is found to this (in ln of the buyer's price) by bisection. */
export const PURCHASE_WEDGE_TOL = 1e-13;
/** A tariff variable's upper bound is at least this above its lower bound. */
export const MIN_RANGE = 1e-6;
/** A coalition member would leave its bloc only if alone it gains more than this (U units): ties stay. */
export const LEAVE_MARGIN = 1e-9;
/** Cooperative tariffs: the soft minimum's width starts here (or at the final width if larger)... */
export const COOPERATE_TAU_FIRST = 0.1;
/** ...and ends here by default, divided by 10 each round (objective units: percent). */
export const COOPERATE_TAU_LAST = 1e-3;
/** Cooperative tariffs' gradient tolerance (in log units of the smallest gain). */
export const COOPERATE_TOL = 1e-9 * TOLERANCE_SCALE; // (scaled)
/** Cooperative tariffs stop when the smallest gain improved by less than COOPERATE_STALL_TOL over this many steps... */
export const COOPERATE_STALL_WINDOW = 25;
/** ...(in units of ln G: 1e-9 = 1e-7 percentage points), since tariffs on negligible flows can drift long after. */
export const COOPERATE_STALL_TOL = 1e-9 * TOLERANCE_SCALE; // (scaled)
/** Discrete distributions' probabilities must sum to 1 within this. */
export const PROBABILITY_SUM_TOL = 1e-9;

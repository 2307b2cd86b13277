/* The deficit conventions, in a module of their own so the CLI can list them without loading the solver. */
/**
 * Deficit convention of a counterfactual:
 * - `fixed` (default): deficits stay at their baseline value in units of world output.
 * - `balanced`: deficits are first purged (a counterfactual with D = 0 becomes the new baseline, as in Ossa 2014);
 *   results are then relative to that purged baseline.
 * - `proportional`: spending keeps its ratio to output (Yotov et al. 2016, gegravity), scaled so the world balances.
 */
export type Deficits = 'fixed' | 'balanced' | 'proportional';

export const DEFICITS: readonly Deficits[] = ['fixed', 'balanced', 'proportional'];

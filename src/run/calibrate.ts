/**
 * `parley calibrate`: a government's objective weights from the tariffs it had
 * announced by a date (strategy/calibrate.ts), on a data set with dated
 * measures. Everyone else's tariffs are those announced by the same day.
 */
import { openScheduledDataset } from '../schedule/open.js';
import { announcedBy, tariffsAt, type Schedule } from '../schedule/schedule.js';
import type { World } from '../data/world.js';
import { InputError } from '../errors.js';
import { noShock, type Deficits } from '../model/equilibrium.js';
import { calibrate, deficitPartners, objectiveOf, Z90, type Calibration } from '../strategy/calibrate.js';
import type { Uncertain } from '../strategy/uncertainty.js';
import { warn } from '../warn.js';
import type { Instrument } from '../strategy/best-response.js';

export interface CalibrationSpec {
  data: string;
  player: string;
  at: string;
  /** Absent: defaultWeights. */
  weights?: string[];
  instrument?: Instrument;
  targets?: string[];
  deficits?: Deficits;
  method?: 'distance' | 'conditions';
  bootstrap?: number;
  seed?: number;
}

export type CalibrationResult = Calibration & { data: string; data_hash: string; at: string; deficits: Deficits; instrument: Instrument };

export function runCalibration(spec: CalibrationSpec): CalibrationResult {
  const { loaded, world, schedule, hash } = openScheduledDataset(spec.data);
  if (!loaded.manifest.measures) throw new InputError(`data set ${spec.data} has no dated measures to calibrate on; try --data episode-2025`);
  return calibrationOn(world, announcedTariffs(world, schedule, spec.at), hash, { ...spec, weights: spec.weights ?? defaultWeights(world, spec.player) });
}

/**
 * The weights `parley calibrate` estimates when none are named: revenue and the balances with the player's deficit
 * partners, or revenue alone (said) where the player runs a deficit with every partner: one weight on all those
 * balances is a weight on its total balance, which the deficit rule fixes. For the same reason a weight on the deficit
 * partners' balances moves only with the balances of the others, which is said when they are few (the US on
 * episode-2025: every partner but Singapore).
 */
export function defaultWeights(world: World, player: string): string[] {
  const deficit = deficitPartners(world, player);
  if (deficit.length === world.N - 1) {
    warn(`calibrate: ${player} runs a deficit with every partner in ${world.meta.name}, so a weight on those balances is not identified; estimating revenue alone (name balance:CODE weights for bilateral balances)`);
    return ['revenue'];
  }
  const surplus = world.codes.filter((c) => c !== player && !deficit.includes(c));
  if (surplus.length <= (world.N - 1) / 4) {
    warn(`calibrate: ${player}'s surplus partners in ${world.meta.name} are only ${surplus.join(', ')}; its total balance is fixed, so the weight on its deficit partners' balances is read from its balance with ${surplus.length > 1 ? 'those' : 'that partner'} (name balance:CODE weights for bilateral balances)`);
  }
  return ['revenue', 'balances'];
}

/** The tariffs a schedule had announced by `at`, in force on that day: what a calibration reads as chosen. */
export function announcedTariffs(world: World, schedule: Schedule, at: string): Float64Array {
  return tariffsAt(world, announcedBy(schedule, at), at).t;
}

/** Calibrate on observed tariffs (announcedTariffs of a data set's or a scenario timeline's schedule). */
export function calibrationOn(world: World, observedTariffs: Float64Array, hash: string, spec: Omit<CalibrationSpec, 'data'> & { weights: string[] }): CalibrationResult {
  const observed = { ...noShock(world), tariffs: observedTariffs };
  const deficits = spec.deficits ?? 'balanced';
  const instrument = spec.instrument ?? 'partner';
  const c = calibrate(world, spec.player, observed, { weights: spec.weights, instrument, targets: spec.targets, deficits, method: spec.method, bootstrap: spec.bootstrap, seed: spec.seed });
  return { ...c, data: world.meta.name, data_hash: hash, at: spec.at, deficits, instrument };
}

/**
 * How Monte Carlo draws treat a calibration's weights (calibratedObjective): each over its band; `balances`, one weight
 * spread over the deficit partners, once for all of them; or, where `balances` is named beside a `balance:CODE` (a
 * partner's weight would be a sum of two draws), every weight at its estimate.
 */
export function calibrationDraws(names: readonly string[]): 'each' | 'balances-together' | 'central' {
  if (!names.includes('balances')) return 'each';
  return names.some((n) => n.startsWith('balance:')) ? 'central' : 'balances-together';
}

/**
 * A calibration as an objective a spec or scenario actor can weigh: each estimated weight a normal distribution over
 * its 90% band (central: its value), so Monte Carlo draws carry the calibration's uncertainty. Weights are drawn
 * independently, since the bands are marginal, except as calibrationDraws says (the balances' together, sharing a
 * `together` name). A weight with no band (exactly identified) stays a number.
 */
export function calibratedObjective(world: World, player: string, c: Calibration): { welfare: number; revenue: Uncertain; balances: Record<string, Uncertain>; incomes?: Record<string, Uncertain> } {
  const names = Object.keys(c.weights).filter((n) => n !== 'welfare');
  const central = objectiveOf(world, player, names, names.map((n) => c.weights[n].value));
  const draws = calibrationDraws(names);
  const weight = (name: string, value: number, together?: string): Uncertain => {
    if (draws === 'central') return value;
    const { p5, p95 } = c.weights[name];
    return p5 !== null && p95 !== null && Number.isFinite(p5) && Number.isFinite(p95) && p95 > p5 ? { dist: 'normal', mean: value, sd: (p95 - p5) / (2 * Z90), ...(together ? { together } : {}) } : value;
  };
  const balances = Object.fromEntries(central.balances.map((b) => [b.partner, draws === 'balances-together' ? weight('balances', b.weight, `${player} balances`) : weight(`balance:${b.partner}`, b.weight)]));
  const incomes = central.incomes ? { incomes: Object.fromEntries(central.incomes.map((x) => [x.sector, weight(`income:${x.sector}`, x.weight)])) } : {};
  return { welfare: central.welfare, revenue: names.includes('revenue') ? weight('revenue', central.revenue) : central.revenue, balances, ...incomes };
}

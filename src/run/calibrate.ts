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
import { calibrate, type Calibration } from '../strategy/calibrate.js';
import type { Instrument } from '../strategy/best-response.js';

export interface CalibrationSpec {
  data: string;
  player: string;
  at: string;
  weights: string[];
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
  return calibrationOn(world, schedule, hash, spec);
}

/** Calibrate on a given schedule (a scenario's timeline): the tariffs it had announced by `at` are the observed ones. */
export function calibrationOn(world: World, schedule: Schedule, hash: string, spec: Omit<CalibrationSpec, 'data'>): CalibrationResult {
  const observed = { ...noShock(world), tariffs: tariffsAt(world, announcedBy(schedule, spec.at), spec.at).t };
  const deficits = spec.deficits ?? 'balanced';
  const instrument = spec.instrument ?? 'partner';
  const c = calibrate(world, spec.player, observed, { weights: spec.weights, instrument, targets: spec.targets, deficits, method: spec.method, bootstrap: spec.bootstrap, seed: spec.seed });
  return { ...c, data: world.meta.name, data_hash: hash, at: spec.at, deficits, instrument };
}

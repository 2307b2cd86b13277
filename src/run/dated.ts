/**
 * The world on a date: one definition for the CLI, the API, the page, the
 * scenarios and strategy. The data's flows are an equilibrium under the
 * data's baseline tariffs, not under a later date's, so the world on date D
 * is the baseline solved forward under D's tariffs (with the deficit rule of
 * the question). A counterfactual from D is then measured from that
 * equilibrium, and baseline -> D -> B gives the same changes as D and B
 * both measured from the baseline (hat algebra composes; a test checks it).
 */
import type { World } from '../data/world.js';
import { solveOrThrow, worldFromEquilibrium, type Deficits } from '../model/equilibrium.js';
import { tariffsAt, type Schedule } from '../schedule/schedule.js';
import { SAME_TARIFF_TOL } from '../numeric/tolerances.js';


export function worldOnDate(world: World, schedule: Schedule, date: string, o: { deficits: Deficits; asKnown?: boolean }): World {
  const t = tariffsAt(world, schedule, date, { asKnown: o.asKnown }).t;
  // No tariff moved since the baseline (beyond the rounding of a share-weighted mean): the data's world
  // is that day's equilibrium already.
  if (t.every((v, k) => Math.abs(v - world.t[k]) <= SAME_TARIFF_TOL)) return world;
  const eq = solveOrThrow(world, { tariffs: t, costFactors: new Float64Array(t.length).fill(1) }, { deficits: o.deficits });
  return worldFromEquilibrium(eq, `${world.meta.name} on ${date}`);
}

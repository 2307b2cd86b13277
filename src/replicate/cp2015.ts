/**
 * Caliendo & Parro (2015) on their own data (MODEL.md §4 check 10): the
 * 1993 world with deficits purged first (`balanced`, as the paper's
 * counterfactual does), then NAFTA's 1993 -> 2005 tariff changes among CAN,
 * MEX and USA only, everything else at 1993. Published welfare (ToT + VoT,
 * abstract and Table 2): Mexico +1.31%, Canada -0.06%, USA +0.08%.
 */
import { noShock, solveOrThrow, type Deficits } from '../model/equilibrium.js';
import { ioEconomyResults, type IoEconomyResult } from '../model/io-results.js';
import { NAFTA, type Cp2015Data } from './cp2015-data.js';

/** Published welfare changes (ToT + VoT), %. */
export const CP_PUBLISHED: Readonly<Record<(typeof NAFTA)[number], number>> = { MEX: 1.31, CAN: -0.06, USA: 0.08 };

export interface Cp2015Result {
  deficits: Deficits;
  economies: IoEconomyResult[];
  iterations: number;
  residual: number;
  ms: number;
  /** What the loader had to change in the files, one line each. */
  notes: string[];
}

export function replicateCp2015(data: Cp2015Data, deficits: Deficits = 'balanced'): Cp2015Result {
  const { world, tariffs2005 } = data;
  const { N, S } = world;
  const started = performance.now();
  const shock = noShock(world);
  const members = NAFTA.map((c) => world.codes.indexOf(c));
  for (const i of members) {
    for (const j of members) {
      if (i === j) continue;
      for (let s = 0; s < S; s++) shock.tariffs[(i * N + j) * S + s] = tariffs2005[(i * N + j) * S + s];
    }
  }
  const eq = solveOrThrow(world, shock, { deficits });
  const notes = [
    ...data.negativeShares,
    `${data.clipped} final-demand cells were negative (spending below intermediate use) and set to 0, as the paper's code does; the baseline is the data's no-shock equilibrium`,
  ];
  return { deficits, economies: ioEconomyResults(eq), iterations: eq.iterations, residual: eq.residual, ms: performance.now() - started, notes };
}

// Child process of tolerance.test.ts: best responses and a trade war at the tolerances PARLEY_TOLERANCE_SCALE sets
// (read once, at module load), printed as JSON: every reported rate and which the payoff leaves undetermined.
import { noShock, purgeDeficits } from '../../src/model/equilibrium.js';
import { bestResponse } from '../../src/strategy/best-response.js';
import { tradeWar } from '../../src/strategy/war.js';
import type { Objective } from '../../src/strategy/gradient.js';
import { setWarningSink } from '../../src/warn.js';
import type { World } from '../../src/data/world.js';
import { randomWorld } from '../helpers.js';

setWarningSink(() => {});
const which = process.argv[2];
let world: World;
let objectives: Record<string, Objective> | undefined;
if (which === 'ossa') {
  const { loadOssa2014, OSSA_REGIONS } = await import('../../src/replicate/ossa2014-data.js');
  const data = loadOssa2014(process.env.PARLEY_OSSA2014!);
  world = purgeDeficits(data.world);
  const S = world.S;
  objectives = Object.fromEntries(OSSA_REGIONS.map((c, j) => [c, { welfare: 1, revenue: 0, balances: [], industryWeights: Array.from(data.lambda.subarray(j * S, j * S + S)) }]));
} else {
  // Some flows tiny, so that some optimal tariffs sit on plateaus.
  const w = randomWorld(4, 5, 77, { tariffs: true });
  const Z = w.Z.map((z, k) => (k % 7 === 3 ? z * 1e-6 : z));
  world = purgeDeficits({ ...w, Z });
}
const out: { optimal: Record<string, { rates: number[]; undetermined: number[] }>; war: { rates: number[]; undetermined: number[] } } = { optimal: {}, war: { rates: [], undetermined: [] } };
// As the Ossa replication does: each region's optimal tariffs, then the war from all of them together.
const combined = Float64Array.from(world.t);
const { N, S } = world;
world.codes.forEach((code, j) => {
  const br = bestResponse(world, code, { instrument: 'partner-sector', upper: 10, objective: objectives?.[code], deficits: 'fixed', maxIterations: 3000, prepared: { world, rule: 'fixed' } });
  out.optimal[code] = { rates: br.variables.map((v) => v.rate), undetermined: br.undetermined };
  for (let i = 0; i < N; i++) if (i !== j) for (let s = 0; s < S; s++) combined[(i * N + j) * S + s] = br.tariffs[(i * N + j) * S + s];
});
const war = tradeWar(world, { instrument: 'partner-sector', upper: 10, objectives, deficits: 'fixed', maxRounds: 40, start: { tariffs: combined, costFactors: noShock(world).costFactors } });
// "importer: exporter/sector" -> the cell [exporter][importer][sector].
const cell = (u: string) => {
  const [importer, rest] = u.split(': ');
  const [exporter, sector] = rest.split('/');
  return (world.codes.indexOf(exporter) * world.N + world.codes.indexOf(importer)) * world.S + world.sectors.indexOf(sector);
};
out.war = { rates: Array.from(war.tariffs), undetermined: war.undetermined.map(cell) };
process.stdout.write(JSON.stringify(out));

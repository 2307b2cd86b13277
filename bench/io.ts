/**
 * Input-output model benchmarks (issue 14), part of `npm run bench`: the
 * Caliendo-Parro world (when PARLEY_CP2015 names its files), icio-2022's load
 * and one counterfactual, its 13 x 14 aggregate, and how the cost of one
 * counterfactual grows with N and S on synthetic IO worlds. Prints medians.
 */
import { join } from 'node:path';
import { buildDataset, DATA_DIR } from '../src/data/manifest.js';
import { aggregateWithFile } from '../src/data/aggregation-file.js';
import { noShock, purgeDeficits, solveOrThrow } from '../src/model/equilibrium.js';
import { median, synthetic, syntheticShock } from './worlds.js';

/** Median ms of `runs` calls after one warm-up; the last value returned too. */
function timed<T>(runs: number, f: () => T): { ms: number; value: T } {
  let value = f();
  const ms: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    value = f();
    ms.push(performance.now() - t0);
  }
  return { ms: median(ms), value };
}

const line = (name: string, ms: number, iterations: number | string = '', target = '') => console.log(`${name.padEnd(52)} ${ms.toFixed(0).padStart(8)} ${String(iterations).padStart(6)} ${target.padStart(8)}`);

console.log(`\n${'Input-output model (Caliendo & Parro 2015)'.padEnd(52)} ${'ms'.padStart(8)} ${'iter'.padStart(6)} ${'target'.padStart(8)}`);

if (process.env.PARLEY_CP2015) {
  const { loadCp2015 } = await import('../src/replicate/cp2015-data.js');
  const { replicateCp2015 } = await import('../src/replicate/cp2015.js');
  const data = loadCp2015(process.env.PARLEY_CP2015);
  const cold = replicateCp2015(data);
  line('  CP 2015, 31 x 40: purge + NAFTA (first run)', cold.ms, cold.iterations);
  const purged = purgeDeficits(data.world);
  const shock = noShock(purged);
  const { N, S } = purged;
  const nafta = ['CAN', 'MEX', 'USA'].map((c) => purged.codes.indexOf(c));
  for (const i of nafta) for (const j of nafta) if (i !== j) for (let s = 0; s < S; s++) shock.tariffs[(i * N + j) * S + s] = data.tariffs2005[(i * N + j) * S + s];
  const one = timed(5, () => solveOrThrow(purged, shock));
  line('  CP 2015: one counterfactual (NAFTA tariffs)', one.ms, one.value.iterations, '500');
} else {
  console.log('  CP 2015: skipped (set PARLEY_CP2015 to the folder of the paper\'s files)');
}

const manifest = join(DATA_DIR, 'icio-2022', 'manifest.yaml');
const load = timed(3, () => buildDataset(manifest));
line('  icio-2022: load (parse + build, no cache)', load.ms, '', '500');
const icio = load.value.world;
const cars = noShock(icio);
cars.tariffs[(icio.codes.indexOf('JPN') * icio.N + icio.codes.indexOf('USA')) * icio.S + icio.sectors.indexOf('C29')] = 0.25;
const carsRun = timed(3, () => solveOrThrow(icio, cars));
line('  icio-2022, 81 x 28: US 25% on Japanese cars', carsRun.ms, carsRun.value.iterations, '1000');
const broad = timed(3, () => solveOrThrow(icio, syntheticShock(icio)));
line(`  icio-2022: ${icio.codes[0]} +25 points on every import`, broad.ms, broad.value.iterations, '1000');

const small = aggregateWithFile(icio, join(DATA_DIR, 'icio-2022', 'episode-13x14.yaml'));
const smallRun = timed(9, () => solveOrThrow(small, syntheticShock(small)));
line('  13 x 14 aggregate: USA +25 points on every import', smallRun.ms, smallRun.value.iterations, '20');

const { bestResponse } = await import('../src/strategy/best-response.js');
for (const instrument of ['uniform', 'partner-sector'] as const) {
  const t0 = performance.now();
  const br = bestResponse(small, 'USA', { instrument });
  line(`  13 x 14: US best response, ${br.variables.length} ${instrument} tariff${br.variables.length > 1 ? 's' : ''}`, performance.now() - t0, br.iterations, instrument === 'uniform' ? '' : '5000');
}
{
  // The full world: each gradient's multipliers by reverse passes instead of 81 tangents (32 s when it formed dF/dw).
  const t0 = performance.now();
  const br = bestResponse(icio, 'USA', { instrument: 'uniform' });
  line('  icio-2022, 81 x 28: US best response, uniform tariff', performance.now() - t0, br.iterations);
}

console.log('  growth with N and S (synthetic IO worlds, economy 0 +25 points on every import):');
for (const [N, S] of [[20, 28], [40, 28], [80, 28], [40, 10], [40, 20], [40, 40]]) {
  const w = synthetic(N, S, 7, { io: true });
  const run = timed(3, () => solveOrThrow(w, syntheticShock(w)));
  line(`    N = ${N}, S = ${S}`, run.ms, run.value.iterations);
}

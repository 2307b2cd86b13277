/**
 * Input-output model benchmarks (issue 14), part of `npm run bench`: the
 * Caliendo-Parro world (when PARLEY_CP2015 names its files), icio-2022's load
 * and one counterfactual, its 13 x 14 aggregate, and how the cost of one
 * counterfactual grows with N and S on synthetic IO worlds. Prints medians.
 */
import { join } from 'node:path';
import { buildDataset, DATA_DIR } from '../src/data/manifest.js';
import { aggregateWithFile } from '../src/data/aggregation-file.js';
import { createWorld, type World } from '../src/data/world.js';
import { finalDemandShares } from '../src/data/io.js';
import { noShock, purgeDeficits, solveOrThrow, worldAt, solveRule, type Shock } from '../src/model/equilibrium.js';
import { computeBaseline } from '../src/model/baseline.js';
import { mulberry32 } from '../src/random.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

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

/** A consistent synthetic IO world: random home-biased flows and tariffs, value-added shares 0.3-0.8. */
function syntheticIo(N: number, S: number, seed: number): World {
  const r = mulberry32(seed);
  const Z = new Float64Array(N * N * S);
  const t = new Float64Array(N * N * S);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++)
      for (let s = 0; s < S; s++) {
        const k = (i * N + j) * S + s;
        Z[k] = i === j ? 40 + 40 * r() : 0.5 + 3 * r();
        if (i !== j) t[k] = 0.15 * r();
      }
  const gva = Float64Array.from({ length: N * S }, () => 0.3 + 0.5 * r());
  const gamma = new Float64Array(N * S * S);
  for (let n = 0; n < N; n++)
    for (let s = 0; s < S; s++) {
      const w = Array.from({ length: S }, () => r());
      const tot = w.reduce((a, b) => a + b, 0);
      for (let k = 0; k < S; k++) gamma[(n * S + k) * S + s] = ((1 - gva[n * S + s]) * w[k]) / tot;
    }
  const codes = Array.from({ length: N }, (_, k) => `E${k}`);
  const sectors = Array.from({ length: S }, (_, k) => `S${k}`);
  const raw = createWorld({ codes, sectors, Z, t, eps: Array.from({ length: S }, () => 2 + 6 * r()), io: { gva, gamma, alpha: finalDemandShares(N, S, Z, t, gamma).alpha } });
  return worldAt(solveRule(computeBaseline(raw), noShock(raw), 'fixed', {}), 'synthetic io');
}

/** Economy 0 raises every tariff it sets by 25 points. */
function raiseTariffsOf0(world: World): Shock {
  const shock = noShock(world);
  const { N, S } = world;
  for (let i = 1; i < N; i++) for (let s = 0; s < S; s++) shock.tariffs[(i * N + 0) * S + s] += 0.25;
  return shock;
}

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
const broad = timed(3, () => solveOrThrow(icio, raiseTariffsOf0(icio)));
line(`  icio-2022: ${icio.codes[0]} +25 points on every import`, broad.ms, broad.value.iterations, '1000');

const small = aggregateWithFile(icio, join(DATA_DIR, 'icio-2022', 'episode-13x14.yaml'));
const smallRun = timed(9, () => solveOrThrow(small, raiseTariffsOf0(small)));
line('  13 x 14 aggregate: USA +25 points on every import', smallRun.ms, smallRun.value.iterations, '20');

const { bestResponse } = await import('../src/strategy/best-response.js');
for (const instrument of ['uniform', 'partner-sector'] as const) {
  const t0 = performance.now();
  const br = bestResponse(small, 'USA', { instrument });
  line(`  13 x 14: US best response, ${br.variables.length} ${instrument} tariff${br.variables.length > 1 ? 's' : ''}`, performance.now() - t0, br.iterations, instrument === 'uniform' ? '' : '5000');
}

console.log('  growth with N and S (synthetic IO worlds, economy 0 +25 points on every import):');
for (const [N, S] of [[20, 28], [40, 28], [80, 28], [40, 10], [40, 20], [40, 40]]) {
  const w = syntheticIo(N, S, 7);
  const run = timed(3, () => solveOrThrow(w, raiseTariffsOf0(w)));
  line(`    N = ${N}, S = ${S}`, run.ms, run.value.iterations);
}

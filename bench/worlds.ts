/** What the benchmarks share: medians and reproducible synthetic worlds (with or without input-output links). */
import { createWorld, type World } from '../src/data/world.js';
import { finalDemandShares } from '../src/data/io.js';
import { computeBaseline } from '../src/model/baseline.js';
import { noShock, solveRule, worldFromEquilibrium, type Shock } from '../src/model/equilibrium.js';
import { mulberry32 } from '../src/random.js';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** A reproducible synthetic world: home bias, random flows, 0-30% tariffs (0-15% with IO), elasticities 2-8. */
export function synthetic(N: number, S: number, seed: number, options: { io?: boolean } = {}): World {
  const r = mulberry32(seed);
  const Z = new Float64Array(N * N * S);
  const t = new Float64Array(N * N * S);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++)
      for (let s = 0; s < S; s++) {
        const k = (i * N + j) * S + s;
        Z[k] = i === j ? (options.io ? 40 : 20) + 40 * r() : 0.5 + (options.io ? 3 : 5) * r();
        if (i !== j) t[k] = (options.io ? 0.15 : 0.3) * r();
      }
  const world = createWorld({
    codes: Array.from({ length: N }, (_, k) => `E${k}`),
    sectors: Array.from({ length: S }, (_, k) => `S${k}`),
    Z,
    t,
    eps: Array.from({ length: S }, () => 2 + 6 * r()),
  });
  return options.io ? withRandomIo(world, r) : world;
}

/** Value-added shares 0.3-0.8, the rest spread at random over inputs; re-based on its no-shock equilibrium. */
function withRandomIo(world: World, r: () => number): World {
  const { N, S } = world;
  const gva = Float64Array.from({ length: N * S }, () => 0.3 + 0.5 * r());
  const gamma = new Float64Array(N * S * S);
  for (let n = 0; n < N; n++)
    for (let s = 0; s < S; s++) {
      const w = Array.from({ length: S }, () => r());
      const tot = w.reduce((a, b) => a + b, 0);
      for (let k = 0; k < S; k++) gamma[(n * S + k) * S + s] = ((1 - gva[n * S + s]) * w[k]) / tot;
    }
  const raw = createWorld({ ...world, io: { gva, gamma, alpha: finalDemandShares(N, S, world.Z, world.t, gamma).alpha } });
  return worldFromEquilibrium(solveRule(computeBaseline(raw), noShock(raw), 'fixed', {}), 'synthetic io');
}

/** Economy 0 raises every tariff it sets by 25 points. */
export function syntheticShock(world: World): Shock {
  const shock = noShock(world);
  const { N, S } = world;
  for (let i = 1; i < N; i++) for (let s = 0; s < S; s++) shock.tariffs[(i * N + 0) * S + s] += 0.25;
  return shock;
}

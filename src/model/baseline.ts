/**
 * Baseline quantities derived from a World, in the letters of MODEL.md §1:
 * X = Z (1 + t), Y[i] = sum_{j,s} Z[i][j][s], R[j] = sum_{i,s} t Z,
 * E[j] = sum_{i,s} X, D[j] = E - Y - R, beta[j][s], lam[i][j][s]; and the
 * split of output into labour income and profits the market model implies.
 */
import type { World } from '../data/world.js';

export interface Baseline {
  readonly world: World;
  readonly N: number;
  readonly S: number;
  /** Output (sales at factory prices), per economy. */
  readonly Y: Float64Array;
  /** Tariff revenue, per economy. */
  readonly R: Float64Array;
  /** Tariff-inclusive expenditure, per economy. */
  readonly E: Float64Array;
  /** Deficit D = E - Y - R (= imports - exports), per economy. */
  readonly D: Float64Array;
  /** Expenditure share of sector s in j, [j][s]. */
  readonly beta: Float64Array;
  /** Import share of i in j's spending on s, [i][j][s]; 0 where j spends nothing on s. */
  readonly lam: Float64Array;
  /** Profit share of sales per sector: 1/sigma_s = 1/(eps_s + 1) under `krugman`, 0 under `armington`. */
  readonly profitShare: Float64Array;
  /** Sales (output) of economy i in sector s, [i][s]. */
  readonly Ys: Float64Array;
  /** Labour (factor) income: sum_s (1 - profitShare_s) Ys; = Y under `armington`. The wage is its price. */
  readonly L: Float64Array;
  /** Profits sum_s profitShare_s Ys (0 under `armington`); Y = L + Pi. */
  readonly Pi: Float64Array;
  /**
   * Factor income L + Pi: what welfare and money are measured on. Equal to
   * output Y without input-output links; value added under them (gross output
   * also pays for intermediate inputs).
   */
  readonly income: Float64Array;
}

const cache = new WeakMap<World, Baseline>();

/** Baseline quantities of a World (cached per World object: worlds are never mutated after creation). */
export function computeBaseline(world: World): Baseline {
  let hit = cache.get(world);
  if (!hit) {
    hit = deriveBaseline(world);
    cache.set(world, hit);
  }
  return hit;
}

function deriveBaseline(world: World): Baseline {
  const { N, S, Z, t } = world;
  const Y = new Float64Array(N);
  const R = new Float64Array(N);
  const E = new Float64Array(N);
  const D = new Float64Array(N);
  const Xjs = new Float64Array(N * S);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      const base = (i * N + j) * S;
      for (let s = 0; s < S; s++) {
        const z = Z[base + s];
        const x = z * (1 + t[base + s]);
        Y[i] += z;
        R[j] += x - z;
        E[j] += x;
        Xjs[j * S + s] += x;
      }
    }
  }
  const beta = new Float64Array(N * S);
  for (let j = 0; j < N; j++) {
    D[j] = E[j] - Y[j] - R[j];
    for (let s = 0; s < S; s++) beta[j * S + s] = Xjs[j * S + s] / E[j];
  }
  const lam = new Float64Array(N * N * S);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      const base = (i * N + j) * S;
      for (let s = 0; s < S; s++) {
        const tot = Xjs[j * S + s];
        lam[base + s] = tot > 0 ? (Z[base + s] * (1 + t[base + s])) / tot : 0;
      }
    }
  }
  const profitShare = new Float64Array(S);
  if (world.model === 'krugman') for (let s = 0; s < S; s++) profitShare[s] = 1 / (world.eps[s] + 1);
  const Ys = new Float64Array(N * S);
  const L = new Float64Array(N);
  const Pi = new Float64Array(N);
  const gva = world.io?.gva;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) for (let s = 0; s < S; s++) Ys[i * S + s] += Z[(i * N + j) * S + s];
    for (let s = 0; s < S; s++) {
      Pi[i] += profitShare[s] * Ys[i * S + s];
      // Under input-output links labour is paid only the value-added share of sales (MODEL.md §4: VA).
      if (gva) L[i] += gva[i * S + s] * Ys[i * S + s];
    }
    if (!gva) L[i] = Y[i] - Pi[i];
  }
  const income = Float64Array.from(L, (l, i) => l + Pi[i]);
  return { world, N, S, Y, R, E, D, beta, lam, profitShare, Ys, L, Pi, income };
}

/** Baseline income I = L + R + D of economy n (value added, tariff revenue and the deficit): what final demand spends (MODEL.md §4). */
export function baselineIncome(base: Pick<Baseline, 'L' | 'R' | 'D'>, n: number): number {
  return base.L[n] + base.R[n] + base.D[n];
}

/** Shared test helpers: tolerances, assertClose, equilibrium identities, small worlds. */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Equilibrium } from '../src/model/equilibrium.js';
import { createWorld, type World } from '../src/data/world.js';
import { mulberry32 } from '../src/random.js';
import { InputError } from '../src/errors.js';
import { finalDemandShares } from '../src/data/io.js';
import { computeBaseline } from '../src/model/baseline.js';
import { noShock, solveRule, worldFromEquilibrium } from '../src/model/equilibrium.js';
import type { DeficitRule } from '../src/model/system.js';
import { instrumentCells, type Instrument } from '../src/strategy/best-response.js';
import { direction, GameEvaluator } from '../src/strategy/game.js';
import type { PlayerObjective } from '../src/strategy/gradient.js';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const DATA = fileURLToPath(new URL('../data/', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** |actual - expected| <= tol (absolute), with a message naming what was compared. */
export function assertClose(actual: number, expected: number, tol: number, label: string): void {
  assert.ok(Number.isFinite(actual), `${label}: not finite (${actual})`);
  assert.ok(Math.abs(actual - expected) <= tol, `${label}: expected ${expected}, got ${actual} (|diff| ${Math.abs(actual - expected).toExponential(2)} > ${tol})`);
}

/**
 * The identities every solution must satisfy (MODEL.md §1 check 5):
 * markets clear (what Y = sum of sales), budgets hold (E' = what Y + D' + R' and
 * E' = sum of tariff-inclusive purchases), world revenue = sum t' Z'.
 */
/** Central difference of a vector function along coordinate k: (f(x + h e_k) - f(x - h e_k)) / 2h. */
export function centralDifference(x: Float64Array, k: number, h: number, f: (x: Float64Array) => Float64Array): Float64Array {
  const up = Float64Array.from(x);
  const dn = Float64Array.from(x);
  up[k] += h;
  dn[k] -= h;
  const fu = Float64Array.from(f(up));
  const fd = f(dn);
  return fu.map((v, i) => (v - fd[i]) / (2 * h));
}

export function assertIdentities(eq: Equilibrium, tol = 1e-9): void {
  assert.ok(eq.converged, `solve did not converge (residual ${eq.residual})`);
  const { N, S, Y } = eq.baseline;
  const t = eq.shock.tariffs;
  let worldR = 0;
  let worldTZ = 0;
  let scale = 0;
  for (let i = 0; i < N; i++) scale += Y[i];
  for (let i = 0; i < N; i++) {
    let sales = 0;
    for (let j = 0; j < N; j++) for (let s = 0; s < S; s++) sales += eq.Zp[(i * N + j) * S + s];
    assertClose(sales / Y[i], eq.what[i], tol, `market clearing of economy ${i}`);
  }
  for (let j = 0; j < N; j++) {
    let spend = 0;
    for (let i = 0; i < N; i++) {
      for (let s = 0; s < S; s++) {
        const k = (i * N + j) * S + s;
        spend += eq.Zp[k] * (1 + t[k]);
        worldTZ += t[k] * eq.Zp[k];
      }
    }
    assertClose(spend / eq.Ep[j], 1, tol, `spending adds up for economy ${j}`);
    assertClose((eq.what[j] * Y[j] + eq.Dp[j] + eq.Rp[j]) / eq.Ep[j], 1, tol, `budget of economy ${j}`);
    worldR += eq.Rp[j];
  }
  assertClose(worldR / scale, worldTZ / scale, tol, 'world tariff revenue = sum t\' Z\'');
  let out = 0;
  for (let i = 0; i < N; i++) out += eq.what[i] * Y[i];
  assertClose(out / scale, 1, tol, 'numeraire: world output fixed');
}

/** Seeded PRNG for reproducible random worlds (the library's own). */
export const rng = mulberry32;

/** A random world with home bias, optional tariffs, and sector elasticities in [2, 8]. */
export function randomWorld(N: number, S: number, seed: number, opts: { tariffs?: boolean } = {}): World {
  const r = rng(seed);
  const Z = new Float64Array(N * N * S);
  const t = new Float64Array(N * N * S);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      for (let s = 0; s < S; s++) {
        const k = (i * N + j) * S + s;
        Z[k] = (i === j ? 20 + 40 * r() : 0.5 + 5 * r()) * (1 + i);
        if (opts.tariffs && i !== j) t[k] = 0.3 * r();
      }
    }
  }
  const eps = Array.from({ length: S }, () => 2 + 6 * r());
  return createWorld({
    codes: Array.from({ length: N }, (_, k) => `E${k}`),
    sectors: Array.from({ length: S }, (_, k) => `S${k}`),
    Z,
    t,
    eps,
  });
}

/** fn throws an InputError (DataError included) whose one-line message matches pattern. */
export function rejectsInput(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InputError, `expected an InputError, got ${e}`);
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes('\n'), 'one line');
    return true;
  });
}

/**
 * A random input-output world (MODEL.md §4): randomWorld's flows with
 * value-added shares in [0.3, 0.8], the rest of each sector's costs split at
 * random over all sectors, and final-demand shares derived from the flows.
 * Rebuilt at its own no-shock equilibrium, so the baseline is consistent
 * (no shock gives every hat 1) and deficits are kept.
 */
export function randomIoWorld(N: number, S: number, seed: number, opts: { tariffs?: boolean } = {}): World {
  const flows = randomWorld(N, S, seed, opts);
  const r = rng(seed + 1000);
  const gva = new Float64Array(N * S);
  const gamma = new Float64Array(N * S * S);
  for (let n = 0; n < N; n++) {
    for (let s = 0; s < S; s++) {
      const v = 0.3 + 0.5 * r();
      gva[n * S + s] = v;
      const weights = Array.from({ length: S }, () => r());
      const total = weights.reduce((a, b) => a + b, 0);
      for (let k = 0; k < S; k++) gamma[(n * S + k) * S + s] = ((1 - v) * weights[k]) / total;
    }
  }
  const { alpha } = finalDemandShares(N, S, flows.Z, flows.t, gamma);
  const raw = createWorld({ ...flows, io: { gva, gamma, alpha } });
  return worldFromEquilibrium(solveRule(computeBaseline(raw), noShock(raw), 'fixed', {}), 'random io world');
}

/** A game of economy 0's first `count` tariffs of an instrument (zero in the base, in [0, 5]), between the given objectives. */
export function tariffGame(world: World, rule: DeficitRule, count: number, parties: PlayerObjective[], instrument: Instrument = 'partner-sector') {
  const vars = instrumentCells(world, 0, instrument).slice(0, count);
  const base = Float64Array.from(world.t);
  for (const v of vars) for (const c of v.cells) base[c] = 0;
  const evaluator = new GameEvaluator({
    world,
    rule,
    variables: vars.map((v) => ({ name: v.exporter, lower: 0, upper: 5, start: 0.2 })),
    states: [{ probability: 1, base, costFactors: noShock(world).costFactors, coef: vars.map((v) => direction(v.cells)) }],
    parties,
  });
  return { vars, evaluator };
}

/** A loopback port free right now (for a server a test or bench starts: Redis, parley serve). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

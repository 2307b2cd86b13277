/** MODEL.md §1 checks 1-6 and the solver's behaviour. Check 7 (gegravity) is in gegravity.test.ts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorld } from '../../src/data/world.js';
import { computeBaseline } from '../../src/model/baseline.js';
import { noShock, purgeDeficits, solve, solveOrThrow, type Deficits } from '../../src/model/equilibrium.js';
import { economyResults } from '../../src/model/results.js';
import { ConvergenceError } from '../../src/errors.js';
import { assertClose, assertIdentities, randomWorld } from '../helpers.js';

const ALL: Deficits[] = ['fixed', 'balanced', 'proportional'];

test('check 1: no shock leaves every hat at 1 (each deficit rule)', () => {
  const world = randomWorld(6, 3, 11, { tariffs: true });
  for (const deficits of ALL) {
    const eq = solveOrThrow(world, noShock(world), { deficits });
    assertIdentities(eq);
    for (let i = 0; i < world.N; i++) assertClose(eq.what[i], 1, 1e-13, `what[${i}] (${deficits})`);
    for (const r of economyResults(eq)) assertClose(r.welfare_pct, 0, 1e-11, `welfare of ${r.code} (${deficits})`);
  }
});

test('check 2: one sector, no tariffs: welfare = (lam\'_jj / lam_jj)^(-1/eps) (ACR)', () => {
  const world = randomWorld(7, 1, 5);
  const shock = noShock(world);
  // Cost changes on a few pairs, up and down.
  shock.costFactors[0 * 7 + 3] = 0.7;
  shock.costFactors[4 * 7 + 1] = 1.6;
  shock.costFactors[2 * 7 + 5] = 0.85;
  for (const deficits of ALL) {
    const eq = solveOrThrow(world, shock, { deficits });
    assertIdentities(eq);
    const base = eq.baseline;
    const results = economyResults(eq);
    for (let j = 0; j < world.N; j++) {
      const k = (j * world.N + j);
      const lamNew = eq.Zp[k] / eq.Ep[j];
      const acr = Math.pow(lamNew / base.lam[k], -1 / world.eps[0]);
      assertClose(results[j].welfare_pct, 100 * (acr - 1), 1e-9, `ACR for ${world.codes[j]} (${deficits})`);
    }
  }
});

test('check 3: prohibitive costs on every foreign flow give autarky, real income = prod_s lam_jjs^(beta_js/eps_s)', () => {
  // With baseline tariffs the revenue lost in autarky also counts in welfare, so the ACR autarky
  // formula holds for real factor income (real_gdp_pct); without tariffs it is the welfare change.
  for (const tariffs of [false, true]) checkAutarky(tariffs);
});

function checkAutarky(tariffs: boolean): void {
  const world = randomWorld(5, 3, 8, { tariffs });
  const shock = noShock(world);
  const { N, S } = world;
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) if (i !== j) for (let s = 0; s < S; s++) shock.costFactors[(i * N + j) * S + s] = Infinity;
  // Autarky cannot carry a deficit, so deficits are purged first (balanced).
  const eq = solveOrThrow(world, shock, { deficits: 'balanced' });
  assertIdentities(eq);
  const base = computeBaseline(purgeDeficits(world));
  const results = economyResults(eq);
  for (let j = 0; j < N; j++) {
    let lnW = 0;
    for (let s = 0; s < S; s++) lnW += (base.beta[j * S + s] / world.eps[s]) * Math.log(base.lam[(j * N + j) * S + s]);
    const field = tariffs ? 'real_gdp_pct' : 'welfare_pct';
    assertClose(results[j][field], 100 * (Math.exp(lnW) - 1), 1e-9, `autarky ${field} of ${world.codes[j]}`);
    assertClose(results[j].imports_after, 0, 0, `imports of ${world.codes[j]} in autarky`);
  }
}

test('check 4: scaling all flows by a constant changes no hat', () => {
  const world = randomWorld(6, 2, 21, { tariffs: true });
  const scaled = createWorld({ codes: world.codes, sectors: world.sectors, Z: world.Z.map((z) => z * 3.7e6), t: world.t, eps: world.eps });
  const shock = noShock(world);
  shock.tariffs.forEach((_, k) => {
    if (k % 5 === 0 && shock.tariffs[k] > 0) shock.tariffs[k] += 0.25;
  });
  for (const deficits of ALL) {
    const a = solveOrThrow(world, shock, { deficits });
    const b = solveOrThrow(scaled, shock, { deficits });
    for (let i = 0; i < world.N; i++) assertClose(b.what[i], a.what[i], 1e-11, `what[${i}] (${deficits})`);
    const ra = economyResults(a);
    const rb = economyResults(b);
    for (let j = 0; j < world.N; j++) assertClose(rb[j].welfare_pct, ra[j].welfare_pct, 1e-9, `welfare[${j}] (${deficits})`);
  }
});

test('check 5: markets clear, budgets hold and revenue adds up after a large multi-sector tariff shock', () => {
  const world = randomWorld(9, 4, 3, { tariffs: true });
  const shock = noShock(world);
  shock.tariffs.forEach((t, k) => {
    shock.tariffs[k] = t > 0 ? t * 4 + 0.2 : t;
  });
  for (const deficits of ALL) assertIdentities(solveOrThrow(world, shock, { deficits }));
});

test('check 6: two-country optimal tariff t* = 1/(eps lam\'_FF) = 0.262261 (MODEL.md §1)', () => {
  // eps = 4, Z = [[80, 20], [10, 190]], deficits purged first (balanced).
  const world = createWorld({ codes: ['H', 'F'], Z: [80, 20, 10, 190], eps: 4 });
  const welfareAt = (t: number) => {
    const shock = noShock(world);
    shock.tariffs[1 * 2 + 0] = t; // H's tariff on imports from F
    const eq = solveOrThrow(world, shock, { deficits: 'balanced' });
    return { w: economyResults(eq)[0].welfare_pct, eq };
  };
  // Golden-section search on H's welfare: the oracle is independent of any optimiser in Parley.
  let lo = 0;
  let hi = 1;
  const g = (Math.sqrt(5) - 1) / 2;
  for (let k = 0; k < 80; k++) {
    const c = hi - g * (hi - lo);
    const d = lo + g * (hi - lo);
    if (welfareAt(c).w > welfareAt(d).w) hi = d;
    else lo = c;
  }
  const tStar = (lo + hi) / 2;
  assertClose(tStar, 0.262261, 5e-6, 'optimal tariff (MODEL.md check 6)');
  const { eq } = welfareAt(tStar);
  assertIdentities(eq);
  const lamFF = eq.Zp[3] / eq.Ep[1];
  assertClose(tStar, 1 / (4 * lamFF), 5e-6, 't* = 1/(eps lam\'_FF)');
});

test('direct (LU) and Krylov (GMRES) Newton steps reach the same equilibrium', () => {
  const world = randomWorld(12, 3, 17, { tariffs: true });
  const shock = noShock(world);
  shock.tariffs.forEach((t, k) => (shock.tariffs[k] = t > 0 ? 0.5 - t : t));
  const a = solveOrThrow(world, shock, { linear: 'direct' });
  const b = solveOrThrow(world, shock, { linear: 'krylov' });
  assertIdentities(a);
  assertIdentities(b);
  for (let i = 0; i < world.N; i++) assertClose(b.what[i], a.what[i], 1e-10, `what[${i}]`);
});

test('an unconverged solve says so, and solveOrThrow throws ConvergenceError with residual and iterations', () => {
  const world = randomWorld(8, 2, 4, { tariffs: true });
  const shock = noShock(world);
  shock.tariffs.fill(2);
  for (let j = 0; j < 8; j++) for (let s = 0; s < 2; s++) shock.tariffs[(j * 8 + j) * 2 + s] = 0;
  const eq = solve(world, shock, { maxIterations: 0 });
  assert.equal(eq.converged, false);
  assert.ok(eq.residual > 1e-10);
  assert.throws(
    () => solveOrThrow(world, shock, { maxIterations: 0 }),
    (e: unknown) => e instanceof ConvergenceError && e.residual > 1e-10 && e.iterations >= 0 && /did not converge/.test(e.message),
  );
});

test('MODEL.md §2: with fixed deficits a uniform US tariff on the BACI world keeps raising US welfare (+0.56% at 10%, +1.89% at 100%)', async () => {
  const { loadDataset } = await import('../../src/data/manifest.js');
  const world = loadDataset('baci-2023-ilms');
  const us = world.codes.indexOf('USA');
  const at = (t: number) => {
    const shock = noShock(world);
    for (let i = 0; i < world.N; i++) if (i !== us) shock.tariffs[i * world.N + us] = t;
    const eq = solveOrThrow(world, shock, { deficits: 'fixed' });
    assertIdentities(eq, 1e-8);
    return economyResults(eq)[us].welfare_pct;
  };
  assertClose(at(0.1), 0.56, 0.005, 'US welfare at a 10% uniform tariff');
  assertClose(at(1), 1.89, 0.005, 'US welfare at a 100% uniform tariff');
});

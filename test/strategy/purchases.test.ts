/**
 * Purchase commitments (strategy/purchases.ts): a wedge sized in the stated
 * money, priced by the model in general equilibrium, bargained over with exact
 * gradients, and refused with clear errors when it cannot be set up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { solveOrThrow } from '../../src/model/equilibrium.js';
import { economyResults } from '../../src/model/results.js';
import { negotiate } from '../../src/strategy/bargain.js';
import { strategicWorld } from '../../src/strategy/game.js';
import { leverValues } from '../../src/strategy/levers.js';
import { setUpBargain, type LinkedIssue } from '../../src/strategy/negotiation-setup.js';
import { purchaseWedges } from '../../src/strategy/purchases.js';
import type { World } from '../../src/data/world.js';
import { assertClose, randomIoWorld, randomWorld, rejectsInput } from '../helpers.js';

const N = 3;
const S = 2;
/** E1 buys E0's S0 goods; cell index [i = E0][j = E1][s = S0]. */
const CELL = (0 * N + 1) * S + 0;
const WORLDS: [string, World][] = [
  ['no input-output', strategicWorld(randomWorld(N, S, 7, { tariffs: true }), 'balanced', 'test').world],
  ['input-output', strategicWorld(randomIoWorld(N, S, 7, { tariffs: true }), 'balanced', 'test').world],
];
const FREE_TRADE: Record<string, World> = {
  'no input-output': strategicWorld(randomWorld(N, S, 7), 'balanced', 'test').world,
  'input-output': strategicWorld(randomIoWorld(N, S, 7), 'balanced', 'test').world,
};

function buy(world: World, share: number, upper = 3): LinkedIssue {
  return { name: 'buy', lower: 0, upper, values: {}, purchases: [{ buyer: 'E1', seller: 'E0', sectors: ['S0'], value: share * world.Z[CELL] }] };
}

for (const [kind, world] of WORLDS) {
  test(`purchases (${kind}): one unit raises the seller's sales to the buyer by the stated value in partial equilibrium`, () => {
    // Written out independently: the buyer's spending on S0 fixed, other sources' prices fixed, the seller's price x tauhat.
    const value = 0.05 * world.Z[CELL];
    const { values } = purchaseWedges(world, world.t, buy(world, 0.05).purchases![0], 'test');
    const tauhat = 1 + values[0] / (1 + world.t[CELL]);
    let spending = 0;
    for (let i = 0; i < N; i++) spending += world.Z[(i * N + 1) * S] * (1 + world.t[(i * N + 1) * S]);
    const own = world.Z[CELL] * (1 + world.t[CELL]);
    const eps = world.eps[0];
    const ownAfter = own * tauhat ** -eps;
    const sales = (spending * ownAfter) / (ownAfter + spending - own) / ((1 + world.t[CELL]) * tauhat);
    assertClose(sales - world.Z[CELL], value, 1e-9 * value, 'extra sales at the seller\'s prices');
  });

  test(`purchases (${kind}): in general equilibrium a unit buys most of the stated value, the same share at any small size`, () => {
    // The buyer pays the subsidy from its income and the seller's costs rise: general equilibrium gives back part.
    const ratio = [0.01, 0.05].map((share) => {
      const { cells, values } = purchaseWedges(world, world.t, buy(world, share).purchases![0], 'test');
      assert.deepEqual(cells, [CELL]);
      assert.ok(values[0] < 0, 'a wedge below the tariff: the buyer pays for the purchases');
      const tariffs = Float64Array.from(world.t);
      tariffs[CELL] += values[0];
      const eq = solveOrThrow(world, { tariffs, costFactors: new Float64Array(world.Z.length).fill(1) }, { deficits: 'fixed' });
      return (eq.Zp[CELL] - world.Z[CELL]) / (share * world.Z[CELL]);
    });
    assert.ok(ratio[0] > 0.5 && ratio[0] <= 1, `general over partial equilibrium: ${ratio[0]}`);
    assertClose(ratio[1], ratio[0], 0.02 * ratio[0], 'sized in the stated units: the share does not depend on the size');
  });

  test(`purchases (${kind}): from free trade a commitment costs the buyer and helps the seller`, () => {
    // From a tariff above the buyer's optimum the wedge would move it towards the optimum: free trade has no such gain.
    const free = FREE_TRADE[kind];
    const { cells, values } = purchaseWedges(free, free.t, buy(free, 0.2).purchases![0], 'test');
    const tariffs = Float64Array.from(free.t);
    tariffs[cells[0]] += values[0];
    const r = economyResults(solveOrThrow(free, { tariffs, costFactors: new Float64Array(free.Z.length).fill(1) }, { deficits: 'fixed' }));
    assert.ok(r[1].welfare_pct < 0, `buyer's welfare ${r[1].welfare_pct}%`);
    assert.ok(r[0].welfare_pct > 0, `seller's welfare ${r[0].welfare_pct}%`);
  });

  test(`purchases (${kind}): the commitment adds to a tariff the talks set, and its payoff gradient matches central differences`, () => {
    const b = setUpBargain(world, { parties: ['E0', 'E1'], issues: [buy(world, 0.1)] });
    const nT = b.names.length;
    const x = Float64Array.from(b.x0);
    x[nT] = 1.3;
    const t = b.agreement.tariffs(x);
    const wedge = purchaseWedges(world, world.t, buy(world, 0.1).purchases![0], 'test').values[0];
    const row = b.names.findIndex((n) => n.importer === 'E1' && n.exporter === 'E0');
    assertClose(t[CELL], x[row] + 1.3 * wedge, 1e-15, 'negotiated rate plus 1.3 units of the wedge');
    const g = b.agreement.evaluate(x).G;
    const h = 1e-5;
    const at = (d: number) => {
      const y = Float64Array.from(x);
      y[nT] += d;
      return b.agreement.payoffs(y);
    };
    const [up, down] = [at(h), at(-h)];
    for (let p = 0; p < 2; p++) assertClose(g[p][nT], (up[p] - down[p]) / (2 * h), 1e-6, `party ${p}`);
  });
}

test('purchases: in the talks the buyer owns the offer, its tariff points are the seller\'s tariff on it with minus without, and the bargain is no worse', () => {
  const [, world] = WORLDS[1];
  const o = { parties: ['E0', 'E1'], issues: [buy(world, 0.1)] };
  const deal = negotiate(world, o);
  assert.ok(deal.agreement && deal.issues.buy > 0, `the deal includes purchases (${deal.issues.buy} units)`);
  const [lever] = leverValues(world, o, deal, [{ name: 'buy' }]);
  assert.equal(lever.owner, 'E1', 'the buyer owns a purchase lever');
  const onBuyer = (ts: readonly { importer: string; exporter: string; rate: number }[]) => ts.find((t) => t.importer === 'E0' && t.exporter === 'E1')!.rate;
  assertClose(lever.tariff_points, 100 * (onBuyer(deal.tariffs) - onBuyer(lever.without.tariffs)), 1e-12, 'tariff points');
  // Equal weights: the Nash product over a larger set (the issue at 0 is the deal without it) is at least as high.
  const nash = (g: Record<string, number>) => Math.log(g.E0) + Math.log(g.E1);
  assert.ok(nash(deal.gains) >= nash(lever.without.gains) - 1e-9, `Nash product ${nash(deal.gains)} vs ${nash(lever.without.gains)}`);
});

test('purchases: a commitment that cannot be set up is a clear error', () => {
  const [, world] = WORLDS[1];
  const bad = (pc: Partial<NonNullable<LinkedIssue['purchases']>[number]>, re: RegExp, issue: Partial<LinkedIssue> = {}) =>
    rejectsInput(() => setUpBargain(world, { parties: ['E0', 'E1'], issues: [{ ...buy(world, 0.1), ...issue, purchases: [{ ...buy(world, 0.1).purchases![0], ...pc }] }] }), re);
  bad({ sectors: ['S9'] }, /issue buy purchases\[0\]: "S9" is not a goods sector/);
  bad({ buyer: 'E0' }, /cannot commit to buy from itself/);
  bad({ buyer: 'Q' }, /purchases\[0\] buyer: unknown economy "Q"/);
  bad({ value: -1 }, /value must be a positive amount/);
  bad({}, /a commitment \(purchases, transfers\) runs from 0, where talks that fail leave it; found lower -1/, { lower: -1 });
  bad({ value: 50 * world.Z[CELL] }, /would need an import subsidy of \d+% on S0; lower the issue's upper bound/);
});

/**
 * Investment pledges as transfers (a linked issue's `transfers`): income to the
 * recipient and spending power lost to the payer, in both models, with exact
 * payoff gradients and the transfer problem's price effects.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorld, type World } from '../../src/data/world.js';
import { negotiate } from '../../src/strategy/bargain.js';
import { gradientsOf, strategicWorld } from '../../src/strategy/game.js';
import { bindObjective, type Objective } from '../../src/strategy/gradient.js';
import { leverValues } from '../../src/strategy/levers.js';
import { setUpBargain, type LinkedIssue, type NegotiationOptions } from '../../src/strategy/negotiation-setup.js';
import { assertClose, randomIoWorld, randomWorld, rejectsInput } from '../helpers.js';

const pledge = (value: number, upper = 2): LinkedIssue => ({ name: 'pledge', lower: 0, upper, values: {}, transfers: [{ from: 'E1', to: 'E0', value }] });

const krugman = (() => {
  const w = randomWorld(3, 2, 11, { tariffs: true });
  return createWorld({ codes: [...w.codes], sectors: [...w.sectors], Z: w.Z, t: w.t, eps: [...w.eps], model: 'krugman' });
})();
const WORLDS: [string, World][] = [
  ['Armington', randomWorld(3, 2, 11, { tariffs: true })],
  ['Krugman', krugman],
  ['input-output', randomIoWorld(3, 2, 11, { tariffs: true })],
];
const OBJECTIVES: Objective[] = [
  { welfare: 1, revenue: 0, balances: [] },
  { welfare: 0.5, revenue: 1, balances: [{ partner: 'E2', weight: 2 }] },
];

for (const [kind, world0] of WORLDS) {
  test(`transfers (${kind}): payoff gradients along a pledge match central differences, forward and reverse`, () => {
    const { world } = strategicWorld(world0, 'balanced', 'test');
    for (const objective of OBJECTIVES) {
      const o: NegotiationOptions = { parties: ['E0', 'E1'], objectives: { E0: objective, E1: objective }, issues: [pledge(0.05 * world.Z[1 * 3 * 2])] };
      const b = setUpBargain(world0, o);
      const nT = b.names.length;
      const x = Float64Array.from(b.x0);
      x[nT] = 0.7;
      const at = (d: number) => {
        const y = Float64Array.from(x);
        y[nT] += d;
        return b.agreement.payoffs(y);
      };
      const h = 1e-5;
      const [up, down] = [at(h), at(-h)];
      const G = b.agreement.evaluate(x).G;
      for (let p = 0; p < 2; p++) assertClose(G[p][nT], (up[p] - down[p]) / (2 * h), 1e-6 * Math.max(1, Math.abs(G[p][nT])), `party ${p}, default mode`);
      // The same gradient whichever way the tariff part is taken (the transfer part is a tangent in both).
      const sys = b.agreement.system(x);
      const state = b.agreement.game.states[0];
      const [fwd, rev] = (['forward', 'reverse'] as const).map((mode) => gradientsOf(sys, b.agreement.game.parties, state.coef, mode));
      for (let p = 0; p < 2; p++) for (let m = 0; m <= nT; m++) assertClose(rev[p].gradient[m], fwd[p].gradient[m], 1e-7 * Math.max(1, Math.abs(fwd[p].gradient[m])), `party ${p} variable ${m}`);
    }
  });

  test(`transfers (${kind}): a pledge helps its recipient and costs its payer`, () => {
    const { world } = strategicWorld(world0, 'balanced', 'test');
    const b = setUpBargain(world0, { parties: ['E0', 'E1'], issues: [pledge(0.02 * world.Z[1 * 3 * 2])] });
    const nT = b.names.length;
    const x = Float64Array.from(b.x0);
    const before = b.agreement.payoffs(x);
    x[nT] = 1;
    const after = b.agreement.payoffs(x);
    assert.ok(after[0] > before[0], `recipient ${before[0]} -> ${after[0]}`);
    assert.ok(after[1] < before[1], `payer ${before[1]} -> ${after[1]}`);
  });
}

test('transfers: with the same spending shares everywhere there is no transfer problem, so welfare moves by the transfer over income and no price moves', () => {
  // Frictionless, no tariffs, every buyer splits its spending over sellers alike: moving spending moves no demand.
  const y = [100, 60, 40];
  const total = y.reduce((a, b) => a + b, 0);
  const Z = y.flatMap((yi) => y.map((yj) => (yi * yj) / total));
  const world = createWorld({ codes: ['E0', 'E1', 'E2'], Z, eps: 5 });
  const T = 3;
  const b = setUpBargain(world, { parties: ['E0', 'E1'], upper: 0.1, issues: [pledge(T, 1)] });
  const nT = b.names.length;
  const x = new Float64Array(nT + 1);
  x[nT] = 1;
  const [u0, u1] = b.agreement.payoffs(x);
  assertClose(u0, (100 * T) / y[0], 1e-10, "recipient's welfare, percent");
  assertClose(u1, (-100 * T) / y[1], 1e-10, "payer's welfare, percent");
  const sys = b.agreement.system(x);
  for (let i = 0; i < 3; i++) assertClose(sys.w[i], 1, 1e-12, `wage ${i}`);
});

test('transfers: in the talks the pledge is its payer\'s offer, and the bargain over the larger set is no worse', () => {
  const world = randomIoWorld(3, 2, 11, { tariffs: true });
  const o: NegotiationOptions = { parties: ['E0', 'E1'], issues: [{ ...pledge(0.5), values: { E0: 0.001 } }] };
  const deal = negotiate(world, o);
  assert.ok(deal.agreement && deal.issues.pledge > 0, `a deal with a pledge (${deal.issues.pledge} units)`);
  const [lever] = leverValues(world, o, deal, [{ name: 'pledge' }]);
  assert.equal(lever.owner, 'E1', 'the payer owns a pledge lever');
  assert.ok(lever.tariff_points < 0, `the pledge buys its payer a lower tariff (${lever.tariff_points} points)`);
  const nash = (g: Record<string, number>) => Math.log(g.E0) + Math.log(g.E1);
  assert.ok(nash(deal.gains) >= nash(lever.without.gains) - 1e-9, `Nash product ${nash(deal.gains)} vs ${nash(lever.without.gains)}`);
});

test('transfers: a pledge that cannot be set up, or priced, is a clear error', () => {
  const world = randomWorld(3, 2, 11, { tariffs: true });
  const bad = (tr: Partial<{ from: string; to: string; value: number }>, re: RegExp) => rejectsInput(() => setUpBargain(world, { parties: ['E0', 'E1'], issues: [{ ...pledge(1), transfers: [{ from: 'E1', to: 'E0', value: 1, ...tr }] }] }), re);
  bad({ from: 'E0' }, /issue pledge transfers\[0\]: E0 cannot pay itself/);
  bad({ to: 'Q' }, /issue pledge transfers\[0\] to: unknown economy "Q"/);
  bad({ value: 0 }, /value must be a positive amount \(units a year\), found 0/);
  rejectsInput(() => setUpBargain(world, { parties: ['E0', 'E1'], issues: [{ ...pledge(1), start: 1 }] }), /issue pledge: a commitment \(purchases, transfers\) runs from 0, where talks that fail leave it; found lower 0, start 1/);
  const lambda = { welfare: 1, revenue: 0, balances: [], industryWeights: [1, 1.2] };
  const b = setUpBargain(world, { parties: ['E0', 'E1'], objectives: { E0: lambda }, issues: [pledge(1)] });
  rejectsInput(() => b.agreement.evaluate(b.x0), /objective of E0: political-economy industry weights do not price transfers/);
  assert.ok(bindObjective(world, 0, lambda), 'the weights alone are fine');
});

/** Coalitions: blocs bargaining with one counterpart, their gains from joining and stability. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorld } from '../../src/data/world.js';
import { InputError } from '../../src/errors.js';
import { purgeDeficits, solveOrThrow } from '../../src/model/equilibrium.js';
import { economyResults } from '../../src/model/results.js';
import { negotiate } from '../../src/strategy/bargain.js';
import { analyseCoalitions } from '../../src/strategy/coalitions.js';
import { assertClose } from '../helpers.js';

const W = createWorld({
  codes: ['U', 'J', 'V', 'M', 'R'],
  Z: [200, 20, 10, 8, 30, 25, 80, 5, 4, 10, 15, 6, 40, 3, 8, 10, 4, 3, 30, 6, 25, 10, 8, 6, 150],
  t: Array.from({ length: 25 }, (_, k) => (Math.floor(k / 5) === k % 5 ? 0 : 0.15)),
  eps: 4,
});

test('blocs of one reproduce separate bilateral deals, combined and priced together', () => {
  const r = analyseCoalitions(W, { counterpart: 'U', members: ['J', 'V'], structures: [[['J'], ['V']]] });
  const [alone] = r.structures;
  assert.deepEqual(alone.gainFromJoining, { J: 0, V: 0 });
  assert.ok(alone.stable);
  // By hand: each member's bilateral deal with U, then both sets of tariffs at once.
  const t = Float64Array.from(W.t);
  for (const m of ['J', 'V']) {
    const d = negotiate(W, { parties: ['U', m] });
    for (const tr of d.tariffs) t[W.codes.indexOf(tr.exporter) * 5 + W.codes.indexOf(tr.importer)] = tr.rate;
  }
  const eq = solveOrThrow(purgeDeficits(W), { tariffs: t, costFactors: new Float64Array(25).fill(1) }, { deficits: 'fixed' });
  const res = economyResults(eq);
  for (const c of ['U', 'J', 'V']) assertClose(alone.utility[c], res[W.codes.indexOf(c)].welfare_pct, 1e-9, `${c} welfare`);
});

test('gain from joining and stability agree with each structure solved on its own (no shared memo)', () => {
  const members = ['J', 'V', 'M'];
  const r = analyseCoalitions(W, { counterpart: 'U', members, structures: [[['J'], ['V'], ['M']], [['J', 'V', 'M']], [['J'], ['V', 'M']]] });
  const [, grand, pair] = r.structures;
  // Independent solves: each structure in a call of its own.
  const solo = (structure: string[][]) => analyseCoalitions(W, { counterpart: 'U', members, structures: [structure] }).structures[0];
  const alone = solo([['J'], ['V'], ['M']]);
  for (const m of members) assertClose(grand.gainFromJoining[m], solo([['J', 'V', 'M']]).utility[m] - alone.utility[m], 1e-9, `${m} joins the grand bloc`);
  assertClose(pair.gainFromJoining.V, solo([['J'], ['V', 'M']]).utility.V - alone.utility.V, 1e-9, 'V in the pair');
  assert.equal(pair.gainFromJoining.J, 0, 'J is alone in that structure: no bloc to join');
  // A member would leave the grand bloc when it does better alone facing the other two as a bloc.
  const leavers = members.filter((m) => solo([[m], members.filter((x) => x !== m)]).utility[m] > grand.utility[m] + 1e-9);
  assert.deepEqual([...grand.wouldLeave].sort(), leavers.sort());
  assert.equal(grand.stable, leavers.length === 0);
});

test('coalition specs that do not partition the members are rejected', () => {
  const bad = (structures: string[][][], re: RegExp) => assert.throws(() => analyseCoalitions(W, { counterpart: 'U', members: ['J', 'V'], structures }), (e: unknown) => e instanceof InputError && re.test(e.message));
  bad([[['J']]], /must put each member \(J, V\) in exactly one bloc/);
  bad([[['J', 'V'], ['V']]], /exactly one bloc/);
  assert.throws(() => analyseCoalitions(W, { counterpart: 'U', members: [] }), /at least one member/);
  assert.throws(() => analyseCoalitions(W, { counterpart: 'U', members: ['U'] }), /cannot also be a member/);
});

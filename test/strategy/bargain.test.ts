/** Trade talks: generalised Nash bargaining (MODEL.md §2) on small worlds where the answer is known. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorld } from '../../src/data/world.js';
import { InputError } from '../../src/errors.js';
import { bargainingWeights, negotiate, paretoFrontier, type NegotiationOptions } from '../../src/strategy/bargain.js';
import { leverValues } from '../../src/strategy/levers.js';
import { bindObjective } from '../../src/strategy/gradient.js';
import { GameEvaluator } from '../../src/strategy/game.js';
import { assertClose } from '../helpers.js';

// A and B are mirror images with 30% tariffs on each other; C is a third economy.
const SYM = createWorld({ codes: ['A', 'B', 'C'], Z: [70, 15, 15, 15, 70, 15, 10, 10, 80], t: [0, 0.3, 0.1, 0.3, 0, 0.1, 0.1, 0.1, 0], eps: 4 });
// An asymmetric one: A is bigger.
const ASYM = createWorld({ codes: ['A', 'B', 'C'], Z: [150, 20, 20, 25, 60, 10, 15, 10, 90], t: [0, 0.25, 0.1, 0.2, 0, 0.1, 0.1, 0.1, 0], eps: 4 });
const rate = (r: ReturnType<typeof negotiate>, imp: string, exp: string) => r.tariffs.find((t) => t.importer === imp && t.exporter === exp)!.rate;

test('symmetric parties split symmetrically', () => {
  const r = negotiate(SYM, { parties: ['A', 'B'] });
  assert.ok(r.agreement);
  assertClose(r.gains.A, r.gains.B, 1e-8, 'equal gains');
  assertClose(rate(r, 'A', 'B'), rate(r, 'B', 'A'), 1e-6, 'equal tariffs');
  assert.ok(r.gains.A > 0);
  // With a linked issue valued the same by both in opposite directions, symmetry still holds in payoffs.
  const s = negotiate(SYM, { parties: ['A', 'B'], theta: { A: 1, B: 1 } });
  assertClose(s.gains.A, r.gains.A, 1e-8, 'theta 1:1 = default');
});

test('as theta_A goes to 1 the deal goes to A\'s best point on the frontier', () => {
  const gainsB = [0.5, 0.8, 0.98].map((t) => negotiate(ASYM, { parties: ['A', 'B'], theta: { A: t, B: 1 - t } }));
  assert.ok(gainsB[0].gains.B > gainsB[1].gains.B && gainsB[1].gains.B > gainsB[2].gains.B, 'B gains less as theta_A grows');
  assert.ok(gainsB[2].gains.B < 0.1 * gainsB[0].gains.B, `B's gain near 0 at theta_A = 0.98 (${gainsB[2].gains.B})`);
  const { frontier } = paretoFrontier(ASYM, { parties: ['A', 'B'] }, 9);
  const bestA = Math.max(...frontier.map((p) => p[0]));
  assert.ok(gainsB[2].utility.A >= bestA - 1e-9, 'A gets at least its best frontier point among the sampled ones');
  // The frontier slopes down: more for A means less for B.
  for (let k = 1; k < frontier.length; k++) assert.ok(frontier[k][0] > frontier[k - 1][0] && frontier[k][1] < frontier[k - 1][1], `frontier point ${k}`);
});

test('the agreement is Pareto-efficient: no direction of the free variables improves both parties', () => {
  const o: NegotiationOptions = { parties: ['A', 'B'], theta: { A: 0.7, B: 0.3 }, issues: [{ name: 'aid', lower: -1, upper: 1, values: { A: -0.4, B: 0.5 } }] };
  const r = negotiate(ASYM, o);
  assert.ok(r.agreement && r.converged);
  // Rebuild both parties' gradients at the solution from the public pieces.
  const w = r.world;
  const idx = (i: string, j: string) => w.codes.indexOf(i) * w.N + w.codes.indexOf(j);
  const free = Array.from(r.x, (v, k) => (k < 2 ? v > 1e-9 && v < 0.25 - 1e-9 : v > -1 + 1e-9 && v < 1 - 1e-9));
  const base = Float64Array.from(w.t);
  base[idx('B', 'A')] = 0;
  base[idx('A', 'B')] = 0;
  const evaluator = new GameEvaluator({
    world: w,
    rule: 'fixed',
    variables: [0, 1, 2].map((k) => ({ name: String(k), lower: -1, upper: 1, start: 0 })),
    states: [{ probability: 1, base, costFactors: new Float64Array(9).fill(1), coef: [{ cells: Int32Array.of(idx('B', 'A')), values: Float64Array.of(1) }, { cells: Int32Array.of(idx('A', 'B')), values: Float64Array.of(1) }, { cells: new Int32Array(0), values: new Float64Array(0) }] }],
    parties: [bindObjective(w, 0), bindObjective(w, 1)],
    issueValue: [Float64Array.of(0, 0, -0.4), Float64Array.of(0, 0, 0.5)],
  });
  const { G } = evaluator.evaluate(r.x);
  const ga = G[0].filter((_, k) => free[k]);
  const gb = G[1].filter((_, k) => free[k]);
  assert.ok(ga.length >= 1, 'some variable is interior');
  const dot = ga.reduce((a, v, k) => a + v * gb[k], 0);
  const cos = dot / Math.hypot(...ga) / Math.hypot(...gb);
  assertClose(cos, -1, 1e-6, 'gradients of U_A and U_B are opposite on the free variables');
});

test('patience: theta from discount rates, and the more patient party gets more', () => {
  const th = bargainingWeights(['A', 'B'], undefined, { A: 0.05, B: 0.15 });
  assertClose(th[0], 0.15 / 0.2, 1e-15, 'theta_A = r_B / (r_A + r_B)');
  const gains = [0.3, 0.1, 0.03].map((rA) => negotiate(ASYM, { parties: ['A', 'B'], patience: { A: rA, B: 0.1 } }).gains.A);
  assert.ok(gains[0] < gains[1] && gains[1] < gains[2], `A gains more as it becomes more patient: ${gains.join(', ')}`);
});

test('a deadline moves the disagreement point from the status quo to what applies after it', () => {
  const after = Float64Array.from(ASYM.t);
  after[0 * 3 + 1] = 0.6; // [exporter A][importer B]: B's tariff on A jumps to 60% when the deadline passes
  const o = (days: number): NegotiationOptions => ({ parties: ['A', 'B'], patience: { A: 0.1, B: 0.1 }, disagreement: { kind: 'deadline', after, days } });
  const expired = negotiate(ASYM, { parties: ['A', 'B'], patience: { A: 0.1, B: 0.1 }, disagreement: { kind: 'tariffs', tariffs: after } });
  const now = negotiate(ASYM, o(0));
  assertClose(now.disagreementUtility.A, expired.disagreementUtility.A, 1e-10, 'deadline today = the after tariffs');
  const far = negotiate(ASYM, o(365 * 400));
  const sq = negotiate(ASYM, { parties: ['A', 'B'] });
  assertClose(far.disagreementUtility.A, sq.disagreementUtility.A, 1e-8, 'a far deadline = the status quo');
  const mid = negotiate(ASYM, o(90));
  assert.ok(mid.disagreementUtility.A < sq.disagreementUtility.A && mid.disagreementUtility.A > now.disagreementUtility.A, 'in between');
});

test('an outside option raises its owner\'s disagreement payoff and is worth something in the deal', () => {
  const o: NegotiationOptions = {
    parties: ['A', 'B'],
    outsideOptions: [{ name: 'c-card', party: 'B', probability: 0.6, tariffs: [{ importer: 'B', exporter: 'C', change: -0.1 }, { importer: 'C', exporter: 'B', change: -0.1 }] }],
  };
  const deal = negotiate(ASYM, o);
  const plain = negotiate(ASYM, { parties: ['A', 'B'] });
  assert.ok(deal.disagreementUtility.B > plain.disagreementUtility.B, 'B is better off if talks fail');
  const [lever] = leverValues(ASYM, o, deal, [{ name: 'c-card' }]);
  assert.equal(lever.owner, 'B');
  assert.ok(lever.tariff_points < 0, `the card lowers A's tariff on B (${lever.tariff_points} points)`);
  assert.ok(lever.ev > 0 && lever.utility > 0, 'and is worth money to B');
  assertClose(lever.without.utility.B, plain.utility.B, 1e-9, 'without the lever = the plain deal');
});

test('a decoupling link that a third economy may answer in kind is worth less the likelier the answer', () => {
  const issue = (p: number) => ({ name: 'decouple', lower: 0, upper: 0.5, values: { A: 1 }, tariffs: [{ importer: 'B', exporter: 'C', change: 1 }], retaliation: { by: 'C', probability: p } });
  const level = [0, 1].map((p) => negotiate(ASYM, { parties: ['A', 'B'], issues: [issue(p)] }).issues.decouple);
  assert.ok(level[0] > level[1] + 1e-6, `B decouples less when C surely retaliates (${level.join(' vs ')})`);
});

test('bad negotiation input is a clear error', () => {
  const bad = (o: NegotiationOptions, re: RegExp) => assert.throws(() => negotiate(ASYM, o), (e: unknown) => e instanceof InputError && re.test(e.message));
  bad({ parties: [] }, /at least two parties, found 0/);
  bad({ parties: ['A', 'Z'] }, /parties: unknown economy "Z"/);
  bad({ parties: ['A', 'B'], theta: { A: -1, B: 1 } }, /theta\.A: a bargaining weight must be a positive number, found -1/);
  bad({ parties: ['A', 'B'], patience: { A: 0, B: 1 } }, /patience\.A/);
  bad({ parties: ['A', 'B'], upper: 0, lower: 0 }, /bounds exclude every point/);
  bad({ parties: ['A', 'B'], outsideOptions: [{ name: 'x', party: 'A', probability: 1.5, tariffs: [] }] }, /outside option x: probability must be in \[0, 1\], found 1\.5/);
  bad({ parties: ['A', 'B'], issues: [{ name: 'd', lower: 1, upper: 0, values: {} }] }, /issue d: bounds exclude every point/);
});

/**
 * Strategy on input-output worlds (MODEL.md §2 on §4's model): the adjoint
 * gradients of io-gradient.ts against central differences, a best response
 * against a grid search, and a trade war no player wants to leave.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noShock, solveOrThrow } from '../../src/model/equilibrium.js';
import { economyResults } from '../../src/model/results.js';
import { bestResponse, instrumentCells } from '../../src/strategy/best-response.js';
import { direction, GameEvaluator, gradientsOf, strategicWorld } from '../../src/strategy/game.js';
import { bindObjective, WELFARE_ONLY as WELFARE, type Objective } from '../../src/strategy/gradient.js';
import { tradeWar } from '../../src/strategy/war.js';
import { assertClose, randomIoWorld, tariffGame } from '../helpers.js';

test('IO strategy: adjoint gradients of welfare, revenue, balance and sector-income objectives match central differences', () => {
  const { world, rule } = strategicWorld(randomIoWorld(4, 3, 12, { tariffs: true }), 'balanced', 'test');
  const objectives: Objective[] = [
    { welfare: 1, revenue: 0, balances: [] },
    { welfare: 0.5, revenue: 1, balances: [{ partner: 'E2', weight: 2 }] },
    // An interest group's income on top (sector-income weights): its gross output and the price index move.
    { welfare: 1, revenue: 0.3, balances: [], incomes: [{ sector: 'S1', weight: 3 }, { sector: 'S2', weight: -1 }] },
  ];
  for (const objective of objectives) {
    const { vars, evaluator } = tariffGame(world, rule, 4, [bindObjective(world, 0, objective), bindObjective(world, 2, objective.balances.length ? { ...objective, balances: [{ partner: 'E0', weight: 1 }] } : objective)]);
    const x = Float64Array.from(vars, (_, m) => 0.1 + 0.05 * m);
    const { G } = evaluator.evaluate(x);
    for (let m = 0; m < vars.length; m++) {
      const h = 1e-5;
      const up = Float64Array.from(x);
      const dn = Float64Array.from(x);
      up[m] += h;
      dn[m] -= h;
      const Uu = evaluator.payoffs(up);
      const Ud = evaluator.payoffs(dn);
      for (let p = 0; p < 2; p++) {
        const fd = (Uu[p] - Ud[p]) / (2 * h);
        assertClose(G[p][m], fd, 1e-6 * Math.max(1, Math.abs(fd)), `dU_${p}/dx_${m} (revenue ${objective.revenue})`);
      }
    }
  }
});

test('IO strategy: multipliers by GMRES on reverse passes (a Jacobian factored nearby) give the gradients of the formed Jacobian', () => {
  const { world, rule } = strategicWorld(randomIoWorld(5, 3, 17, { tariffs: true }), 'balanced', 'test');
  const objective: Objective = { welfare: 0.5, revenue: 1, balances: [{ partner: 'E2', weight: 2 }] };
  const { vars, evaluator } = tariffGame(world, rule, 5, [bindObjective(world, 0, objective), bindObjective(world, 3, WELFARE)]);
  const x = Float64Array.from(vars, (_, m) => 0.1 + 0.05 * m);
  const nearby = x.map((v) => v + 0.02);
  // At `nearby` no Jacobian is factored yet: the multipliers come from forming it (N tangents).
  evaluator.evaluate(nearby);
  const estimate = evaluator.system(nearby).jacobianEstimate;
  assert.ok(estimate, 'a Jacobian was formed');
  let formed = 0;
  const set = estimate.set.bind(estimate);
  estimate.set = (J) => {
    formed++;
    set(J);
  };
  const { G } = evaluator.evaluate(x);
  assert.equal(formed, 0, 'the reverse path ran: no Jacobian formed at x');
  // The formed Jacobian's multipliers at x: drop the estimate so the next evaluation forms it.
  evaluator.system(x).jacobianEstimate = undefined;
  const exact = evaluator.evaluate(x).G;
  for (let p = 0; p < 2; p++) for (let m = 0; m < vars.length; m++) assertClose(G[p][m], exact[p][m], 1e-9 * Math.max(1, Math.abs(exact[p][m])), `dU_${p}/dx_${m}`);
});

test('IO strategy: a best response by partner agrees with a grid search and improves welfare', () => {
  const world0 = randomIoWorld(3, 2, 42);
  const br = bestResponse(world0, 'E0', { instrument: 'partner', deficits: 'balanced', upper: 2 });
  assert.ok(br.converged, `converged (projected gradient ${br.projectedGradient})`);
  assert.ok(br.welfareAfter > br.welfareBefore);
  const welfare = (t1: number, t2: number) => {
    const shock = noShock(br.world);
    for (let s = 0; s < 2; s++) {
      shock.tariffs[(1 * 3 + 0) * 2 + s] = t1;
      shock.tariffs[(2 * 3 + 0) * 2 + s] = t2;
    }
    return economyResults(solveOrThrow(br.world, shock))[0].welfare_pct;
  };
  let best = { w: -Infinity, t1: 0, t2: 0 };
  const [c1, c2] = br.variables.map((v) => v.rate);
  // A 0.01 grid of +-0.1 around the optimiser's answer (the full grid is what the core model's test walks).
  for (let a = -10; a <= 10; a++) {
    for (let b = -10; b <= 10; b++) {
      const t1 = Math.max(0, Math.round(100 * c1) / 100 + a * 0.01);
      const t2 = Math.max(0, Math.round(100 * c2) / 100 + b * 0.01);
      const w = welfare(t1, t2);
      if (w > best.w) best = { w, t1, t2 };
    }
  }
  assertClose(c1, best.t1, 0.01, 'tariff on E1 vs grid');
  assertClose(c2, best.t2, 0.01, 'tariff on E2 vs grid');
  assert.ok(br.welfareAfter >= best.w - 1e-9, 'the optimiser is at least as good as the grid');
});

test('IO strategy: at a trade war\'s equilibrium no player gains by changing its tariff', () => {
  const world = randomIoWorld(3, 2, 5);
  const war = tradeWar(world, { players: ['E0', 'E1', 'E2'], instrument: 'uniform' });
  assert.ok(war.converged);
  const start = { tariffs: war.tariffs, costFactors: noShock(war.world).costFactors };
  for (const p of war.players) {
    const br = bestResponse(war.world, p, { instrument: 'uniform', prepared: { world: war.world, rule: 'fixed' }, start });
    const k = war.world.codes.indexOf(p);
    const current = war.tariffs[(((k + 1) % 3) * 3 + k) * 2];
    assertClose(br.variables[0].rate, current, 1e-5, `${p}'s tariff is already its best response`);
  }
});

test('IO strategy: the reverse pass through the transposed inner problems gives the forward gradients', () => {
  const { world, rule } = strategicWorld(randomIoWorld(5, 3, 21, { tariffs: true }), 'balanced', 'test');
  const vars = instrumentCells(world, 1, 'partner-sector');
  const base = Float64Array.from(world.t);
  const evaluator = new GameEvaluator({
    world,
    rule,
    variables: vars.map((v) => ({ name: v.exporter, lower: 0, upper: 5, start: 0 })),
    states: [{ probability: 1, base, costFactors: noShock(world).costFactors, coef: vars.map((v) => direction(v.cells)) }],
    parties: [bindObjective(world, 1, { welfare: 1, revenue: 0.3, balances: [{ partner: 'E3', weight: 1.5 }] }), bindObjective(world, 3, WELFARE), bindObjective(world, 2, { welfare: 1, revenue: 0, balances: [], incomes: [{ sector: 'S0', weight: 2 }] })],
  });
  const sys = evaluator.system(Float64Array.from(vars, (_, m) => 0.02 * m));
  const forward = gradientsOf(sys, evaluator.game.parties, evaluator.game.states[0].coef, 'forward');
  const reverse = gradientsOf(sys, evaluator.game.parties, evaluator.game.states[0].coef, 'reverse');
  for (let p = 0; p < 3; p++) {
    for (let m = 0; m < vars.length; m++) assertClose(reverse[p].gradient[m], forward[p].gradient[m], 1e-8 * Math.max(1, Math.abs(forward[p].gradient[m])), `party ${p}, variable ${m}`);
  }
});

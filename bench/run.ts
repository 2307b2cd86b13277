/**
 * `npm run bench`: median time per counterfactual after warm-up, with
 * iterations, for the worlds named in issue 2. Prints; never fails.
 */
import { join } from 'node:path';
import { DATA_DIR, loadDataset } from '../src/data/manifest.js';
import type { World } from '../src/data/world.js';
import { noShock, solve, type Shock } from '../src/model/equilibrium.js';
import { readShockCsv } from '../src/model/shock.js';
import { median, synthetic, syntheticShock } from './worlds.js';
import { availableParallelism } from 'node:os';
import { bestResponse, type Instrument } from '../src/strategy/best-response.js';
import { runSpec } from '../src/run/runners.js';
import { NegotiateSpecSchema } from '../src/run/spec.js';
import { runStrategy } from '../src/run/strategy.js';
import { resolveUncertain } from '../src/strategy/uncertainty.js';
import { tradeWar } from '../src/strategy/war.js';
import { setWarningSink } from '../src/warn.js';
import { loadIlmsInputs, replicateLiberationDay } from '../src/replicate/liberation-day.js';

interface Case {
  name: string;
  world: World;
  shock: Shock;
  target?: string;
}

function gegravityCase(): Case {
  const world = loadDataset('gegravity-sample');
  const shock = noShock(world);
  const d = Math.pow(Math.exp(0.4711383), -1 / 4);
  const can = world.codes.indexOf('CAN');
  const jpn = world.codes.indexOf('JPN');
  shock.costFactors[can * world.N + jpn] = d;
  shock.costFactors[jpn * world.N + can] = d;
  return { name: 'gegravity sample 30 x 1 (CAN-JPN PTA)', world, shock, target: '5 ms' };
}

function baciCase(): Case {
  const world = loadDataset('baci-2023-ilms');
  const shock = readShockCsv(join(DATA_DIR, 'baci-2023-ilms', 'shock-liberation-day.csv'), world);
  return { name: 'BACI 2023 194 x 1 (Liberation Day rates)', world, shock, target: '50 ms' };
}

const cases: Case[] = [
  gegravityCase(),
  baciCase(),
  ...([[10, 10, ''], [50, 20, ''], [140, 65, '300 ms']] as const).map(([N, S, target]) => {
    const world = synthetic(N, S, N * 1000 + S);
    return { name: `synthetic ${N} x ${S}`, world, shock: syntheticShock(world), target: target || undefined };
  }),
];

const budgetMs = Number(process.env.BENCH_MS ?? 3000);
console.log(`Parley bench: median wall time per counterfactual (fixed deficits), after warm-up; node ${process.version}\n`);
console.log(['case'.padEnd(44), 'median ms'.padStart(10), 'runs'.padStart(6), 'iterations'.padStart(11), 'target'.padStart(8)].join(' '));
for (const c of cases) {
  // Warm-up: JIT and the cached baseline.
  for (let k = 0; k < 3; k++) solve(c.world, c.shock);
  const times: number[] = [];
  let iterations = 0;
  const start = performance.now();
  while (times.length < 5 || (performance.now() - start < budgetMs && times.length < 200)) {
    const t0 = performance.now();
    const eq = solve(c.world, c.shock);
    times.push(performance.now() - t0);
    iterations = eq.iterations;
    if (!eq.converged) console.log(`  ${c.name}: NOT CONVERGED (residual ${eq.residual})`);
  }
  console.log([c.name.padEnd(44), median(times).toFixed(2).padStart(10), String(times.length).padStart(6), String(iterations).padStart(11), (c.target ?? '').padStart(8)].join(' '));
}

// Strategy: best responses on the gegravity sample (balanced deficits, bounds [0, 10]).
console.log(`\n${'best response, USA on the gegravity sample'.padEnd(44)} ${'median ms'.padStart(10)} ${'runs'.padStart(6)} ${'BFGS its'.padStart(11)}`);
const gg = loadDataset('gegravity-sample');
for (const instrument of ['uniform', 'partner'] as Instrument[]) {
  const times: number[] = [];
  let its = 0;
  for (let k = 0; k < 7; k++) {
    const t0 = performance.now();
    const br = bestResponse(gg, 'USA', { instrument });
    if (k > 1) times.push(performance.now() - t0);
    its = br.iterations;
    if (!br.converged) console.log(`  ${instrument}: NOT CONVERGED`);
  }
  console.log(`${`  ${instrument} (${instrument === 'uniform' ? 1 : gg.N - 1} tariffs)`.padEnd(44)} ${median(times).toFixed(1).padStart(10)} ${String(times.length).padStart(6)} ${String(its).padStart(11)}`);
}

// Trade wars: every economy plays (balanced deficits, bounds [0, 10]); one run each after one warm-up.
console.log(`\n${'trade war (Gauss-Seidel best responses)'.padEnd(44)} ${'ms'.padStart(10)} ${'rounds'.padStart(6)} ${'tariffs'.padStart(11)} ${'target'.padStart(8)}`);
const wars: [string, World, Instrument, string][] = [
  ['  gegravity 30 x 1, uniform', gg, 'uniform', ''],
  ['  synthetic 7 x 33, partner x sector', synthetic(7, 33, 5), 'partner-sector', '5000'],
];
for (const [name, world, instrument, target] of wars) {
  tradeWar(world, { instrument, maxRounds: 1 });
  const t0 = performance.now();
  const war = tradeWar(world, { instrument });
  const ms = performance.now() - t0;
  const n = instrument === 'uniform' ? world.N : world.N * (world.N - 1) * world.S;
  console.log(`${name.padEnd(44)} ${ms.toFixed(0).padStart(10)} ${String(war.rounds).padStart(6)} ${String(n).padStart(11)} ${target.padStart(8)}${war.converged ? '' : '  NOT CONVERGED'}`);
}

// Trade talks on episode-2025-1s: USA-JPN from 21 April, two linked issues (defence, decoupling with a
// chance of Chinese retaliation), an outside option, a deadline; then 1,000 Monte Carlo draws of it.
const talks = {
  parties: ['USA', 'JPN'],
  at: '2025-04-21',
  objectives: { USA: { welfare: 1, revenue: 0.5, balances: { JPN: 0.5 } } },
  patience: { USA: 0.3, JPN: 0.1 },
  disagreement: { deadline: '2025-07-09' },
  issues: [
    { name: 'defence', lower: 0, upper: 1, values: { USA: 0.05, JPN: -0.03 } },
    { name: 'decoupling', lower: 0, upper: 0.5, values: { USA: 0.02 }, tariffs: [{ importer: 'JPN', exporter: 'CHN', change: 1 }], retaliation: { by: 'CHN', probability: 0.5 } },
  ],
  outside_options: [{ name: 'china-card', party: 'JPN', probability: 0.3, tariffs: [{ importer: 'JPN', exporter: 'CHN', change: -0.05 }, { importer: 'CHN', exporter: 'JPN', change: -0.05 }] }],
  frontier: 0,
  sweep: false,
};
const source = { data: 'episode-2025-1s' };
const restore = setWarningSink(() => {});
const spec = NegotiateSpecSchema.parse(talks);
const negTimes: number[] = [];
for (let k = 0; k < 5; k++) {
  const t0 = performance.now();
  runSpec('negotiate', resolveUncertain(spec, 'central'), source);
  negTimes.push(performance.now() - t0);
}
console.log(`\n${'USA-JPN talks, 2 linked issues (episode-2025-1s)'.padEnd(44)} ${median(negTimes).toFixed(0).padStart(10)} ms median of 5`);
const uncertain = NegotiateSpecSchema.parse({
  ...talks,
  eps: { dist: 'lognormal', median: 4, sigma: 0.2 },
  outside_options: [{ ...talks.outside_options[0], probability: { dist: 'uniform', min: 0.1, max: 0.5 } }],
});
const t0 = performance.now();
// As `parley negotiate --draws` does (the central solve, then draws continuing from it).
const mc = await runStrategy('negotiate', uncertain, source, { monteCarlo: { draws: 1000, seed: 1 } });
restore();
console.log(`${'  central + 1,000 Monte Carlo draws of it'.padEnd(44)} ${(performance.now() - t0).toFixed(0).padStart(10)} ms on ${availableParallelism()} cores, ${mc.uncertainty?.failures.length} failed (target 30000)`);

// Calibrated objectives (issue 15): the US weights from its tariffs announced on 2 April.
{
  const { runCalibration } = await import('../src/run/calibrate.js');
  const restoreC = setWarningSink(() => {});
  for (const weights of [['revenue', 'balances'], ['revenue', 'balances', 'balance:CHN']]) {
    const t = performance.now();
    const c = runCalibration({ data: 'episode-2025-1s', player: 'USA', at: '2025-04-02', weights });
    console.log(`${`${weights.length === 2 ? '\n' : ''}  calibrate USA 2 April: ${weights.join(', ')}`.padEnd(44)} ${(performance.now() - t).toFixed(0).padStart(10)} ms, mean gap ${c.fit.mean_abs_gap_points.toFixed(1)} points (target 30000)`);
  }
  restoreC();
}

// The April 2025 world in sectors (issue 15): 13 regions x 20 sectors with input-output links.
{
  const restoreS = setWarningSink(() => {});
  const sectors = { data: 'episode-2025' };
  const bySector = { parties: ['USA', 'JPN'], at: '2025-04-21', instrument: 'partner-sector', frontier: 0, sweep: false, levers: [] };
  const timed = (name: string, spec: Record<string, unknown>, target: string) => {
    const t = performance.now();
    const r = runSpec('negotiate', resolveUncertain(NegotiateSpecSchema.parse(spec), 'central'), sectors);
    console.log(`${name.padEnd(44)} ${(performance.now() - t).toFixed(0).padStart(10)} ms, ${r.agreement.tariffs.filter((x) => x.sector !== 'ALL').length} sector tariffs, converged ${r.converged} (target ${target})`);
  };
  console.log('\nEpisode 2025 in sectors (13 x 20, input-output)');
  timed('  USA-JPN talks by sector, tariffs only', bySector, '2000');
  timed('  ... with defence, decoupling, China card', { ...bySector, issues: talks.issues, outside_options: talks.outside_options, patience: talks.patience }, '2000');
  // As april-2025 bargains: cars apart from the other goods (4 tariffs), with the scenario's issues and its deadline.
  timed('  ... cars apart (separate AUTOS), same issues', { ...bySector, instrument: 'partner', separate: ['AUTOS'], issues: talks.issues, outside_options: talks.outside_options, patience: talks.patience, disagreement: { deadline: '2025-07-09' } }, '2000');
  // The commitments priced by the model: Japan buying US farm goods, and an investment pledge as a transfer.
  const commitments = [
    { name: 'farm', lower: 0, upper: 10, values: {}, purchases: [{ buyer: 'JPN', seller: 'USA', sectors: ['AGR', 'FOOD'], value: 1000 }] },
    { name: 'investment', lower: 0, upper: 10, values: {}, transfers: [{ from: 'JPN', to: 'USA', value: 1000 }] },
  ];
  timed('  ... cars apart, + farm purchases, pledge', { ...bySector, instrument: 'partner', separate: ['AUTOS'], issues: [...talks.issues, ...commitments], outside_options: talks.outside_options, patience: talks.patience, disagreement: { deadline: '2025-07-09' } }, '2000');
  // The whole us-japan question of april-2025 (deal, 5 frontier points, 5 levers, 8 patience points), its parts
  // after the deal on one thread and on one per core (run/strategy.ts).
  const question = NegotiateSpecSchema.parse({ ...bySector, instrument: 'partner', separate: ['AUTOS'], issues: [...talks.issues, commitments[0]], outside_options: talks.outside_options, patience: talks.patience, disagreement: { deadline: '2025-07-09' }, frontier: 5, sweep: true, levers: ['china-card', 'defence', 'decoupling', 'farm', 'patience:JPN'] });
  for (const workers of [1, availableParallelism()]) {
    const t = performance.now();
    await runStrategy('negotiate', question, sectors, { workers });
    console.log(`${`  ... + frontier, 5 levers, patience: ${workers} thread${workers > 1 ? 's' : ''}`.padEnd(44)} ${(performance.now() - t).toFixed(0).padStart(10)} ms`);
  }
  const { runCalibration } = await import('../src/run/calibrate.js');
  const t = performance.now();
  const c = runCalibration({ data: 'episode-2025', player: 'USA', at: '2025-04-02', weights: ['revenue', 'balance:CHN', 'balance:VNM'] });
  console.log(`${'  calibrate USA 2 April (revenue, CHN, VNM)'.padEnd(44)} ${(performance.now() - t).toFixed(0).padStart(10)} ms, mean gap ${c.fit.mean_abs_gap_points.toFixed(1)} points (target 30000)`);
  const t2 = performance.now();
  const g = runCalibration({ data: 'episode-2025', player: 'USA', at: '2025-04-02', weights: ['revenue', 'income:STEEL', 'income:AUTOS', 'income:AGR'], instrument: 'partner-sector', method: 'conditions' });
  console.log(`${'  ... interest groups, by sector (conditions)'.padEnd(44)} ${(performance.now() - t2).toFixed(0).padStart(10)} ms, ${g.fit.conditions} conditions, mean gap ${g.fit.mean_abs_gap_points.toFixed(1)} points (target 30000)`);
  restoreS();
}

// Liberation Day replication (issue 8): each scenario cold (first run of the process) and warm.
{
  const inputs = loadIlmsInputs();
  const cold = replicateLiberationDay(inputs);
  const warm = replicateLiberationDay(inputs);
  console.log(`\n${'Liberation Day replication (194 economies)'.padEnd(44)} ${'cold ms'.padStart(10)} ${'warm ms'.padStart(8)} ${'Newton'.padStart(7)} ${'target'.padStart(8)}`);
  for (const id of Object.keys(cold.scenarios) as (keyof typeof cold.scenarios)[]) {
    const c = cold.scenarios[id];
    console.log(`${`  ${id}`.padEnd(44)} ${c.ms.toFixed(0).padStart(10)} ${warm.scenarios[id].ms.toFixed(0).padStart(8)} ${String(c.iterations).padStart(7)} ${'100'.padStart(8)}`);
  }
  console.log(`${'  all eight'.padEnd(44)} ${cold.ms.toFixed(0).padStart(10)} ${warm.ms.toFixed(0).padStart(8)} ${''.padStart(7)} ${'2000'.padStart(8)}`);
}

// Ossa (2014) replication (issue 7): only when the package folder is given (GTAP-derived, not shipped).
if (process.env.PARLEY_OSSA2014) {
  const { loadOssa2014 } = await import('../src/replicate/ossa2014-data.js');
  const { replicateOssa2014 } = await import('../src/replicate/ossa2014.js');
  const { bestResponse } = await import('../src/strategy/best-response.js');
  const { purgeDeficits } = await import('../src/model/equilibrium.js');
  const data = loadOssa2014(process.env.PARLEY_OSSA2014);
  const world = purgeDeficits(data.world);
  console.log(`\n${'Ossa (2014), 7 regions x 33 industries'.padEnd(44)} ${'ms'.padStart(10)} ${'steps'.padStart(6)} ${''.padStart(11)} ${'target'.padStart(8)}`);
  const restoreW = setWarningSink(() => {});
  for (const code of world.codes) {
    const t0 = performance.now();
    const br = bestResponse(world, code, { instrument: 'sector', prepared: { world, rule: 'fixed' }, maxIterations: 3000 });
    console.log(`${`  optimal MFN tariffs of ${code} (33)`.padEnd(44)} ${(performance.now() - t0).toFixed(0).padStart(10)} ${String(br.iterations).padStart(6)} ${''.padStart(11)} ${'1000'.padStart(8)}`);
  }
  restoreW();
  const r = replicateOssa2014(data, { pol: true });
  const line = (name: string, ms: number, target = '') => console.log(`${name.padEnd(44)} ${ms.toFixed(0).padStart(10)} ${''.padStart(6)} ${''.padStart(11)} ${target.padStart(8)}`);
  line('  optimal tariffs, 7 x 198 (with --pol)', r.optimal!.ms);
  line('  Nash trade war, 1,386 tariffs', r.nash!.ms, '10000');
  line('  cooperative from factual, 1,386 jointly', r.cooperative!.from_factual.ms);
  line('  cooperative from Nash', r.cooperative!.from_nash.ms);
  line('  all of replicate ossa2014 --pol', r.ms, '60000');
} else {
  console.log('\nOssa (2014): skipped (set PARLEY_OSSA2014 to the replication package folder)');
}

// Input-output model (issue 14).
await import('./io.js');

// HTTP load (issue 18).
await import('./load.js');

// Whole-process startup and data-set load times (issue 17).
await import('./startup.js');

// The task queue (issue 16).
await import('./queue.js');

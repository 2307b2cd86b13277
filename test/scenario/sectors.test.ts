/**
 * april-2025 (in sectors): the episode's events applied sector by sector to episode-2025. Its replay gives the
 * data set's schedule in every cell on every effective date; it keeps to 21 April 2025; and its cheap questions
 * (tariffs, effects, the calibrated US objective, the US-China war) report one line per pair. The talks by sector
 * are tested in test/run/negotiate-sectors.test.ts; the full run takes minutes (docs/scenario.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadScenario, loadScenarioText } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run.js';
import { timelines } from '../../src/scenario/timeline.js';
import { tariffsAt } from '../../src/schedule/schedule.js';
import { scenarioMarkdown } from '../../src/report/scenario.js';
import { collectWarnings } from '../../src/warn.js';

const ls = collectWarnings(() => loadScenario('april-2025')).value;
// april-2025-1s's fourteen dates, and 3 May, when Section 232 reaches auto parts.
const DATES = ['2025-01-31', '2025-02-04', '2025-03-04', '2025-03-07', '2025-03-12', '2025-04-03', '2025-04-05', '2025-04-09', '2025-04-10', '2025-04-12', '2025-04-15', '2025-04-21', '2025-05-03', '2025-07-08', '2025-07-09'];

test('replaying the sector scenario\'s events gives the data set\'s tariffs in every importer-exporter-sector cell on every date', () => {
  const [main] = timelines(ls, 'main');
  assert.equal(main.schedule.measures.length, ls.schedule.measures.length);
  assert.ok(ls.world.S > 1, 'a world in sectors');
  for (const d of DATES) {
    const a = tariffsAt(ls.world, main.schedule, d).t;
    const b = tariffsAt(ls.world, ls.schedule, d).t;
    assert.deepEqual(Array.from(a), Array.from(b), `tariffs on ${d}`);
  }
});

test('auto parts on 3 May move only US tariffs on motor vehicles and parts, from partners outside USMCA', () => {
  // Section 232 goods pay no reciprocal duty, so parts from China fall (125% + 20% becomes 25% + 20%); elsewhere they rise.
  const [main] = timelines(ls, 'main');
  const { N, S, codes, sectors } = ls.world;
  const before = tariffsAt(ls.world, main.schedule, '2025-04-21').t;
  const after = tariffsAt(ls.world, main.schedule, '2025-05-03').t;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      for (let s = 0; s < S; s++) {
        const k = (i * N + j) * S + s;
        const parts = codes[j] === 'USA' && i !== j && sectors[s] === 'AUTOS' && !['CAN', 'MEX'].includes(codes[i]);
        if (parts) assert.ok(codes[i] === 'CHN' ? after[k] < before[k] : after[k] > before[k], `USA on ${codes[i]} AUTOS: ${before[k]} -> ${after[k]}`);
        else assert.equal(after[k], before[k], `${codes[j]} on ${codes[i]} ${sectors[s]}`);
      }
    }
  }
});

test('the sector scenario keeps to 21 April 2025: every event and source is dated on or before it', () => {
  for (const e of ls.scenario.events) assert.ok(e.date <= '2025-04-21', `${e.id} dated ${e.date}`);
  for (const b of ls.scenario.branches) for (const e of b.add ?? []) assert.ok(e.date <= '2025-04-21', `branch ${b.name}: ${e.id} dated ${e.date}`);
  // Its data: ICIO 2022 flows and tariffs published before 2025; the measures cite the fact base's events.csv lines.
  assert.equal(ls.world.meta.year, 2022);
  // Its parameters as known that day: every one a measure names, and every one Monte Carlo draws, dated on or before it.
  assert.equal(ls.scenario.as_of, '2025-04-21');
  const used = new Set([...timelines(ls).flatMap((t) => t.schedule.measures.flatMap((m) => [m.rateParam, m.shareParam, m.coversParam])), ...(ls.scenario.draw_parameters ?? [])].filter((p): p is string => !!p));
  assert.ok(used.has('non_usmca_share_CAN') && used.has('vehicles_share_of_autos'), [...used].join(', '));
  for (const name of used) {
    const p = ls.schedule.parameters.get(name)!;
    assert.ok(!p.date || p.date <= '2025-04-21', `${name} dated ${p.date}`);
  }
});

test('its tariffs, effects by sector, calibration and war: one line per pair, the focus sectors, the weights and fit', async () => {
  const cheap = { ...ls, scenario: { ...ls.scenario, branches: [], questions: ls.scenario.questions.filter((q) => q.type !== 'negotiate') } };
  const r = await collectWarnings(() => runScenario(cheap, { branch: 'main', draws: 0 })).value;
  const md = scenarioMarkdown(r);
  const war = md.split('\n').find((l) => l.startsWith('Converged after'));
  assert.ok(war, 'the war converged');
  // One pair each way, trade-weighted over sectors: not a line per sector.
  assert.equal(war.match(/USA on CHN/g)?.length, 1, war);
  assert.equal(war.match(/CHN on USA/g)?.length, 1, war);
  const calibration = r.branches[0].questions.find((q) => q.type === 'calibrate')!.result as { weights: Record<string, { value: number }>; fit: { mean_abs_gap_points: number; converged: boolean }; tariffs: unknown[] };
  assert.deepEqual(Object.keys(calibration.weights).sort(), ['balances', 'revenue', 'welfare']);
  assert.ok(calibration.fit.converged);
  assert.equal(calibration.tariffs.length, ls.world.N - 2, 'one observed and implied tariff per US partner but China');
  assert.ok(!calibration.tariffs.some((t) => (t as { exporter: string }).exporter === 'CHN'), 'the rates on China are left out of the fit');
  assert.match(md, /trade elasticities: set FGO \(Monte Carlo draws pick among FGO, BSY, CP, GYY, IS, LL, Shap, U4\)/);
  assert.match(md, /Fit: the implied tariffs are \d+\.\d points from the observed on average/);
  // The effects by sector: cars, steel and electronics in the US, Japan and China, on both dates.
  assert.equal(md.match(/\| sector \| USA output % \| USA price % \| JPN output % \| JPN price % \| CHN output % \| CHN price % \|/g)?.length, 2);
  const apr21 = r.branches[0].questions.find((q) => q.id === 'effects-apr21')!.result as { sectors: { code: string; sector: string; real_output_pct: number }[] };
  assert.equal(apr21.sectors.length, 9);
  // Section 232 protects US car makers: their output rises while Japan's falls.
  const cars = (c: string) => apr21.sectors.find((x) => x.code === c && x.sector === 'AUTOS')!.real_output_pct;
  assert.ok(cars('USA') > 0 && cars('JPN') < 0, `AUTOS output: USA ${cars('USA')}, JPN ${cars('JPN')}`);
});

test('its trade elasticity is a choice among the data set\'s published sets: the central run uses the first, and an unknown set is refused at load', () => {
  const e = ls.scenario.elasticity_set;
  assert.ok(e && typeof e !== 'string' && e.values[0] === 'FGO' && e.values.length === 8, 'FGO first, eight sets');
  const text = readFileSync(ls.file, 'utf8').replace('values: [FGO, BSY,', 'values: [FGO, XYZ,');
  assert.throws(() => loadScenarioText(text, 'sets.yaml'), /sets\.yaml, line \d+: field "elasticity_set\.values\.1": unknown elasticity set "XYZ"/);
});

test('the US and China weigh the objectives their tariffs reveal: the war is the one with those weights stated, and the stated-objectives branch gives China welfare alone', async () => {
  const kept = ['us-weights', 'chn-weights', 'us-china-war'];
  const only = (s: typeof ls.scenario) => ({ ...s, questions: s.questions.filter((q) => kept.includes(q.id)) });
  // Given as text, so that branch threads load the same two questions and two branches.
  const others = (xs: { id?: string; name?: string }[], keep: string[]) => xs.map((x) => x.id ?? x.name!).filter((x) => !keep.includes(x)).join(', ');
  const text = `extends: april-2025\nscenario: two\ndrop:\n  questions: [${others(ls.scenario.questions, kept)}]\n  branches: [${others(ls.scenario.branches, ['stated-objectives'])}]\n`;
  const two = collectWarnings(() => loadScenarioText(text, 'two.yaml')).value;
  // On threads: each branch thread asks the main thread for the calibrations.
  const r = await collectWarnings(() => runScenario(two, { draws: 0, workers: 2 })).value;
  assert.equal(r.branches.length, 2);
  const answer = (branch: string, id: string) => r.branches.find((b) => b.name === branch)!.questions.find((q) => q.id === id)!.result as never;
  const weight = (answer('main', 'chn-weights') as { weights: Record<string, { value: number }> }).weights['balance:USA'].value;
  type War = { tariffs: { importer: string; exporter: string; sector: string; rate: number }[] };
  const chinaOnUs = (w: War) => w.tariffs.find((t) => t.importer === 'CHN' && t.sector === 'ALL')!.rate;
  // The same war, on this thread, with China's calibrated weight written out as its stated objective (the US's still calibrated).
  const written = { ...ls, scenario: { ...only(ls.scenario), branches: [], actors: { ...ls.scenario.actors, CHN: { ...ls.scenario.actors.CHN, objective_from: undefined, objective: { welfare: 1, revenue: 0, balances: { USA: weight } } } } } };
  const w = await collectWarnings(() => runScenario(written, { branch: 'main', draws: 0 })).value;
  const main = answer('main', 'us-china-war') as War;
  const byHand = w.branches[0].questions.find((q) => q.id === 'us-china-war')!.result as War;
  main.tariffs.forEach((t, k) => assert.equal(t.rate, byHand.tariffs[k].rate, `${t.importer} on ${t.exporter} ${t.sector}`));
  // Valuing its balance with the US, China keeps a high tariff on it; weighing welfare alone, a low one.
  const stated = answer('stated-objectives', 'us-china-war') as War;
  assert.ok(chinaOnUs(main) > 1 && chinaOnUs(stated) < 0.3, `CHN on USA: calibrated ${chinaOnUs(main)}, stated ${chinaOnUs(stated)}`);
  const md = scenarioMarkdown(r);
  assert.match(md, /CHN weighs this objective in the scenario's other questions \(actors\.CHN\.objective_from; Monte Carlo draws each weight over its band\)/);
  assert.match(md, /USA weighs this objective in the scenario's other questions \(actors\.USA\.objective_from; Monte Carlo draws each weight over its band, the balances' once for all the partners/);
  assert.match(md, /Objectives: USA's as calibrated \(us-weights\), CHN's as calibrated \(chn-weights\)\./);
  // objective_from names a calibrate question about that actor.
  const bad = (actors: string) => collectWarnings(() => loadScenarioText(`extends: april-2025\nscenario: bad\nactors:\n${actors}`, 'bad.yaml')).value;
  assert.throws(() => bad('  JPN: { objective_from: chn-weights, why: x }\n'), /actors\.JPN\.objective_from.*question "chn-weights" calibrates CHN's objective, not JPN's/);
  assert.throws(() => bad('  CHN: { objective_from: us-china-war, why: x }\n'), /actors\.CHN\.objective_from.*no calibrate question "us-china-war"/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { calibrateExtended } from '../../src/model/extended.js';
import {
  LIBERATION_DAY_PUBLISHED,
  LIBERATION_DAY_SCENARIOS,
  loadIlmsInputs,
  replicateLiberationDay,
  replicatedValue,
} from '../../src/replicate/liberation-day.js';
import { assertClose, ROOT } from '../helpers.js';

const inputs = loadIlmsInputs();
const result = replicateLiberationDay(inputs);

test('Liberation Day: the calibration built from the shipped flows is the paper calibration (E, Y, T per economy)', () => {
  const cal = calibrateExtended(inputs.world, inputs.nu, 1);
  for (let k = 0; k < cal.N; k++) {
    const code = inputs.world.codes[k];
    assertClose(cal.E[k], inputs.fileE[k], 1e-8 * inputs.fileE[k], `E ${code}`);
    assertClose(cal.Y[k], inputs.fileY[k], 1e-8 * inputs.fileY[k], `Y ${code}`);
    assertClose(cal.T[k], inputs.fileT[k], 1e-8 * inputs.fileE[k], `T ${code}`);
  }
});

test('Liberation Day: every published figure is reproduced to the printed digit', () => {
  for (const fig of LIBERATION_DAY_PUBLISHED) {
    const v = replicatedValue(result, fig);
    assert.equal(v.toFixed(fig.digits), fig.value.toFixed(fig.digits), `${fig.label}: paper ${fig.value}, Parley ${v}`);
  }
});

test('Liberation Day: every scenario converged; the optimal US tariff is in the paper range', () => {
  assert.deepEqual(Object.keys(result.scenarios).sort(), [...LIBERATION_DAY_SCENARIOS].sort());
  for (const s of Object.values(result.scenarios)) assert.ok(s.residual < 1e-10, `${s.id} residual ${s.residual}`);
  const opt = result.scenarios.optimal_us.us_tariff_pct!;
  assert.ok(opt > 19 && opt < 22.5, `optimal US tariff ${opt}%`);
  // Lump-sum rebate has no labour-tax cut, so US employment falls where tax relief raises it.
  assert.ok(result.scenarios.ustr_tax_relief.economies.USA.employment_pct > 0);
  assert.ok(result.scenarios.ustr_lump_sum.economies.USA.employment_pct < 0);
  // The paper's optimal tariff beats the USTR rates for the US, and retaliation undoes the gain.
  assert.ok(result.scenarios.optimal_us.economies.USA.welfare_pct > result.scenarios.ustr_tax_relief.economies.USA.welfare_pct);
  assert.ok(result.scenarios.reciprocal_retaliation.economies.USA.welfare_pct < 0);
});

test('parley replicate liberation-day --json follows the contract; a bad scenario id is one line, exit 2', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test/cli/parley.ts'), 'replicate', 'liberation-day', ...args], { cwd: ROOT, encoding: 'utf8' });
  const r = run('--json', '--only', 'ustr_tax_relief,io_ustr');
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(j.scenarios), ['ustr_tax_relief', 'io_ustr']);
  const usa = j.scenarios.ustr_tax_relief.economies.USA;
  for (const k of ['welfare_pct', 'real_income_pct', 'employment_pct', 'prices_pct', 'deficit_change_pct', 'revenue_pct_of_gdp']) assert.equal(typeof usa[k], 'number', k);
  assert.ok(j.scenarios.io_ustr.economies.EU27, 'EU27 key');
  assert.equal(typeof j.scenarios.io_ustr.non_us_welfare_pct, 'number');
  const bad = run('--only', 'ustr');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^parley: --only: unknown scenario "ustr" \(known: ustr_tax_relief, /);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
});

test("Liberation Day: the main scenario matches the authors' MATLAB output economy by economy (12-economy excerpt)", async () => {
  const { readCsv, cell, numberCell } = await import('../../src/data/csv.js');
  const { FIXTURES } = await import('../helpers.js');
  const file = join(FIXTURES, 'ilms2025-matlab-ustr.csv');
  const t = readCsv(file, ['iso3', 'welfare_pct', 'deficit_change_pct', 'employment_pct', 'prices_pct']);
  const num = { expected: 'a number' };
  assert.equal(t.rows.length, 12);
  for (const row of t.rows) {
    const code = cell(t, row, 'iso3');
    const e = result.scenarios.ustr_tax_relief.economies[code];
    for (const k of ['welfare_pct', 'employment_pct', 'prices_pct'] as const) assertClose(e[k], numberCell(t, row, k, num), 1e-7, `${code} ${k}`);
    const d = numberCell(t, row, 'deficit_change_pct', num);
    // Relative to a baseline deficit that can be near zero (Cambodia: +4557%), so compared relatively.
    assertClose(e.deficit_change_pct, d, 1e-6 * Math.max(1, Math.abs(d)), `${code} deficit change`);
  }
});

test("Liberation Day: the paper's higher-elasticity robustness run (eps = 8) gives US welfare +0.33% (its Table 9)", () => {
  const r = replicateLiberationDay(inputs, ['ustr_tax_relief'], { eps: 8 });
  assert.equal(r.paperParameters, false);
  assert.equal(r.scenarios.ustr_tax_relief.economies.USA.welfare_pct.toFixed(2), '0.33');
});

test('parley replicate liberation-day: parameters out of range get one clear line, exit 2', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test/cli/parley.ts'), 'replicate', 'liberation-day', ...args], { cwd: ROOT, encoding: 'utf8' });
  for (const [args, message] of [
    [['--eps', '0'], /eps = 0 is out of range; expected eps > 0/],
    [['--kappa', '-0.5'], /kappa = -0.5 is out of range; expected kappa >= 0/],
    [['--beta', '1.5'], /beta = 1.5 is out of range; expected beta in \(0, 1\]/],
    [['--eps', 'four'], /--eps: expected a number, found "four"/],
  ] as const) {
    const r = run(...args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
});

/**
 * Stopping rules make reported tariffs stable (issue 13): with every stopping tolerance 10x tighter
 * (PARLEY_TOLERANCE_SCALE=0.1), no optimal or Nash tariff the payoff determines moves by more than
 * 0.1 points; the ones that do move are reported as undetermined (a plateau of the payoff). On a
 * synthetic world always, and on Ossa's data when PARLEY_OSSA2014 names it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers.js';

type Run = { optimal: Record<string, { rates: number[]; undetermined: number[] }>; war: { rates: number[]; undetermined: number[] } };

function run(which: string, scale: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/strategy/tolerance-run.ts'), which], { cwd: ROOT, env: { ...process.env, PARLEY_TOLERANCE_SCALE: String(scale) } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`scale ${scale}: exit ${code}: ${err}`))));
  });
}

/** Every tariff determined in both runs agrees to 0.1 points; returns how many were compared and how many moved. */
function compare(a: Run, b: Run): { determined: number; moved: number } {
  let determined = 0;
  let moved = 0;
  for (const code of Object.keys(a.optimal)) {
    const x = a.optimal[code];
    const y = b.optimal[code];
    const loose = new Set([...x.undetermined, ...y.undetermined]);
    x.rates.forEach((r, k) => {
      if (Math.abs(r - y.rates[k]) > 1e-3) moved++;
      if (loose.has(k)) return;
      determined++;
      assert.ok(Math.abs(r - y.rates[k]) <= 1e-3, `optimal tariff ${k} of ${code}: ${r} vs ${y.rates[k]} with tolerances 10x tighter`);
    });
  }
  // The war's (Nash) tariffs: every cell not undetermined in either run.
  const loose = new Set([...a.war.undetermined, ...b.war.undetermined]);
  a.war.rates.forEach((r, c) => {
    const r2 = b.war.rates[c];
    if (Math.abs(r - r2) > 1e-3) moved++;
    if (loose.has(c)) return;
    determined++;
    assert.ok(Math.abs(r - r2) <= 1e-3, `Nash tariff of cell ${c}: ${r} vs ${r2} with tolerances 10x tighter`);
  });
  return { determined, moved };
}

test('tightening every tolerance 10x moves no determined optimal or Nash tariff more than 0.1 points (synthetic world)', async () => {
  const [a, b] = await Promise.all([run('synthetic', 1), run('synthetic', 0.1)]);
  const { determined } = compare(a, b);
  assert.ok(determined > 0);
});

test('the same on Ossa (2014): optimal and Nash tariffs of the seven regions', { skip: process.env.PARLEY_OSSA2014 ? false : 'PARLEY_OSSA2014 is not set: Ossa\'s data is not shipped, so this check is skipped' }, async () => {
  const [a, b] = await Promise.all([run('ossa', 1), run('ossa', 0.1)]);
  const { determined, moved } = compare(a, b);
  assert.ok(determined > 500, `${determined} determined tariffs compared`);
  assert.ok(moved > 0, 'some undetermined tariffs do move: the check has teeth');
});

/**
 * Ossa (2014). The package's data are GTAP-derived and not shipped: the
 * loader's checks run on synthetic folders always; the replication runs when
 * PARLEY_OSSA2014 names the package folder (.ci/run sets it) and says so when skipped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadOssa2014, OSSA_INDUSTRIES, OSSA_REGION_NAMES } from '../../src/replicate/ossa2014-data.js';
import { OSSA_PUBLISHED, replicateOssa2014 } from '../../src/replicate/ossa2014.js';
import { rejectsInput, rng, ROOT } from '../helpers.js';

const N = 7;
const S = 33;

/** A synthetic package folder in the real layout (flows, tariffs, sigma, lambda), with optional damage. */
function syntheticPackage(damage: { rows?: number; negativeAt?: [number, number]; sigma?: number; dropTariffs?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-ossa-'));
  mkdirSync(join(dir, 'original'));
  const r = rng(3);
  const stacked = (f: (row: number, col: number) => number, rows = S * N) => Array.from({ length: rows }, (_, row) => Array.from({ length: N }, (_, c) => f(row, c)).join(',')).join('\n') + '\n';
  writeFileSync(join(dir, 'trade_purged_ijs.csv'), stacked((row, c) => (damage.negativeAt && row === damage.negativeAt[0] && c === damage.negativeAt[1] ? -1 : row % N === c ? 500 + 100 * r() : 1 + 10 * r()), damage.rows));
  if (!damage.dropTariffs) writeFileSync(join(dir, 'original', 'tariff_ijs.csv'), stacked((row, c) => (row % N === c ? 0 : 0.2 * r())));
  writeFileSync(join(dir, 'original', 'sigma_s.csv'), Array.from({ length: S }, (_, s) => [s === 4 && damage.sigma !== undefined ? damage.sigma : 3 + 5 * r(), 4, 5, 6, 3.42].join(',')).join('\n') + '\n');
  writeFileSync(
    join(dir, 'lambda_pol.csv'),
    ['industry_idx,industry_code,' + OSSA_REGION_NAMES.join(','), ...OSSA_INDUSTRIES.map((code, s) => [s + 1, code, ...OSSA_REGION_NAMES.map(() => (0.5 + r()).toFixed(4))].join(','))].join('\n') + '\n',
  );
  return dir;
}

test('Ossa loader: reads the package layout (purged flows, original/ tariffs and sigma, lambda) into a Krugman world', () => {
  const d = loadOssa2014(syntheticPackage());
  assert.equal(d.world.N, 7);
  assert.equal(d.world.S, 33);
  assert.equal(d.world.model, 'krugman');
  assert.equal(d.purged, true);
  assert.equal(d.files.length, 4);
  assert.ok(d.lambda.every((v) => v > 0));
  assert.ok(d.world.eps.every((e) => e > 1));
});

test('Ossa loader: a mis-shaped or bad folder gets one clear error naming the file and what was expected', () => {
  rejectsInput(() => loadOssa2014(syntheticPackage({ rows: 230 })), /trade_purged_ijs\.csv: expected 231 rows x 7 columns \(33 industries x 7 exporters stacked, by 7 importers\), found 230 rows/);
  rejectsInput(() => loadOssa2014(syntheticPackage({ negativeAt: [5, 2] })), /trade_purged_ijs\.csv, line 6, column "3": expected a trade flow >= 0, found "-1"/);
  rejectsInput(() => loadOssa2014(syntheticPackage({ sigma: 1 })), /sigma_s\.csv, line 5, column "1": expected an elasticity of substitution sigma > 1, found "1"/);
  rejectsInput(() => loadOssa2014(syntheticPackage({ dropTariffs: true })), /no tariff_ijs\.csv \(applied tariffs\) in the folder or its original\/ subfolder/);
  rejectsInput(() => loadOssa2014('/nonexistent/ossa'), /no such folder/);
});

test('parley replicate ossa2014 without data says where to point it, exit 2', () => {
  const env = { ...process.env };
  delete env.PARLEY_OSSA2014;
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test/cli/parley.ts'), 'replicate', 'ossa2014'], { cwd: ROOT, encoding: 'utf8', env });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^parley: no data: give --data DIR, the folder of Ossa's replication package/);
});

const dir = process.env.PARLEY_OSSA2014;
test('Ossa (2014) on its own data: the abstract\'s four figures to the printed digit, equal gains, timings', { skip: dir ? false : 'skipped: PARLEY_OSSA2014 is not set (the GTAP-derived package cannot be shipped; .ci/run sets it when the package folder is beside the clone)' }, () => {
  const r = replicateOssa2014(loadOssa2014(dir!), { pol: true });
  for (const f of OSSA_PUBLISHED) {
    const v = f.get(r)!;
    assert.equal(v.toFixed(f.digits), f.value.toFixed(f.digits), `${f.label}: paper ${f.value}, Parley ${v}`);
  }
  // Trade talks: every government gains the same (to the soft minimum's width).
  for (const t of [r.cooperative!.from_factual, r.cooperative!.from_nash, r.cooperative!.from_free_trade]) {
    const gains = Object.values(t.regions).map((x) => x.gov_welfare_pct);
    assert.ok(Math.max(...gains) - Math.min(...gains) < 0.01, `equal gains: ${gains.join(', ')}`);
    assert.ok(Math.min(...gains) > 0);
  }
  // A trade war hurts every government relative to factual tariffs; optimal tariffs help the one that sets them.
  for (const x of Object.values(r.nash!.regions)) assert.ok(x.gov_welfare_pct < 0);
  for (const x of Object.values(r.optimal!.regions)) assert.ok(x.gov_welfare_pct > 0);
  // MFN optimum cannot beat the discriminatory one.
  for (const c of Object.keys(r.optimal!.regions)) assert.ok(r.optimal_mfn!.regions[c].gov_welfare_pct <= r.optimal!.regions[c].gov_welfare_pct + 1e-6, c);
  process.stdout.write(`# Ossa replication: optimal ${(r.optimal!.ms / 1000).toFixed(1)} s, MFN ${(r.optimal_mfn!.ms / 1000).toFixed(1)} s, Nash ${(r.nash!.ms / 1000).toFixed(1)} s, all ${(r.ms / 1000).toFixed(1)} s\n`);
});

test('parley replicate ossa2014 --only optimal --json follows the contract', { skip: dir ? false : 'skipped: PARLEY_OSSA2014 is not set' }, () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test/cli/parley.ts'), 'replicate', 'ossa2014', '--data', dir!, '--pol', '--only', 'optimal', '--json'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(j.optimal), ['BRA', 'CHN', 'EU', 'IND', 'JPN', 'ROW', 'USA']);
  for (const k of ['gov_welfare_pct', 'welfare_pct', 'median_tariff_pct']) assert.equal(typeof j.optimal.USA[k], 'number', k);
  assert.equal(j.nash, undefined);
  assert.equal(j.averages.optimal.median_tariff_pct.toFixed(0), '62');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertClose, ROOT } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'parley-cli-'));
const PTA = Math.pow(Math.exp(0.4711383), -1 / 4); // gegravity oracle README
const shockFile = join(dir, 'pta.csv');
writeFileSync(shockFile, `exporter,importer,tariff,cost_factor\nCAN,JPN,,${PTA}\nJPN,CAN,,${PTA}\n`);

function parley(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test/cli/parley.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('parley counterfactual --json on the gegravity sample reproduces the exact-GE oracle', () => {
  const r = parley('counterfactual', '--data', 'gegravity-sample', '--shock', shockFile, '--deficits', 'proportional', '--json');
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.converged, true);
  assert.equal(j.deficits, 'proportional');
  assert.equal(j.economies.length, 30);
  assert.equal(j.flows.length, 900);
  const can = j.economies.find((e: { code: string }) => e.code === 'CAN');
  assertClose(can.real_gdp_pct, 0.4282268527729505, 1e-6, 'CAN real GDP (oracle exp1_can_jpn_pta_exact_ge.csv)');
  for (const k of ['code', 'welfare_pct', 'real_gdp_pct', 'ev', 'tariff_revenue_before', 'tariff_revenue_after', 'exports_pct', 'imports_pct', 'terms_of_trade_pct', 'trade_balance_before', 'trade_balance_after']) {
    assert.ok(k in can, `economy field ${k}`);
  }
  assert.deepEqual(Object.keys(j.flows[0]), ['exporter', 'importer', 'sector', 'before', 'after', 'change_pct']);
});

test('parley counterfactual --out writes economies.csv and flows.csv; the table sorts by welfare', () => {
  const out = join(dir, 'out');
  const r = parley('counterfactual', '--flows', join(ROOT, 'data/gegravity-sample/oracle/baseline_modeled_trade.csv'), '--eps', '4', '--shock', shockFile, '--out', out);
  assert.equal(r.code, 0, r.err);
  assert.ok(existsSync(join(out, 'economies.csv')) && existsSync(join(out, 'flows.csv')));
  const lines = readFileSync(join(out, 'economies.csv'), 'utf8').trim().split('\n');
  assert.equal(lines.length, 31);
  assert.match(r.out, /economy\s+welfare %/);
  assert.match(r.out, /converged in \d+ iterations/);
  const rows = r.out.split('\n').filter((l) => /^[A-Z]{3}\s/.test(l));
  assert.equal(rows[0].slice(0, 3), 'CAN', 'largest gain first');
});

test('under balanced trade exports % equal imports % for every economy, and the table says why', () => {
  const r = parley('counterfactual', '--data', 'gegravity-sample', '--shock', shockFile, '--deficits', 'balanced');
  assert.equal(r.code, 0, r.err);
  const rows = r.out.split('\n').filter((l) => /^[A-Z]{3}\s/.test(l));
  assert.ok(rows.length > 10);
  // A column's value ends where its right-aligned header ends.
  const header = r.out.split('\n').find((l) => l.startsWith('economy'))!;
  const at = (line: string, name: string) => line.slice(0, header.indexOf(name) + name.length).trim().split(/\s+/).at(-1);
  for (const line of rows) assert.equal(at(line, 'exports %'), at(line, 'imports %'), line);
  assert.match(r.out, /exports equal its imports in value/);
  const fixed = parley('counterfactual', '--data', 'gegravity-sample', '--shock', shockFile);
  assert.doesNotMatch(fixed.out, /exports equal its imports/);
});

test('bad input exits 2 with one line naming file, line and column, and no stack trace', () => {
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, 'exporter,importer,tariff,cost_factor\nCAN,XXX,0.1,\n');
  const r = parley('counterfactual', '--data', 'gegravity-sample', '--shock', bad);
  assert.equal(r.code, 2);
  assert.equal(r.err.trim().split('\n').length, 1, r.err);
  assert.match(r.err, /bad\.csv, line 2, column "importer": unknown economy "XXX"/);
  assert.doesNotMatch(r.err, /\bat \S+ \(/);
  const r2 = parley('counterfactual', '--data', 'no-such-set', '--shock', bad);
  assert.equal(r2.code, 2);
  assert.match(r2.err, /unknown data set "no-such-set"/);
  const r3 = parley('counterfactual', '--data', 'gegravity-sample', '--shock', shockFile, '--deficits', 'sometimes');
  assert.equal(r3.code, 2);
});

test('a solve that does not converge exits 3 and prints its residual and iterations', () => {
  const r = parley('counterfactual', '--data', 'gegravity-sample', '--shock', shockFile, '--max-iterations', '0');
  assert.equal(r.code, 3, r.err);
  assert.match(r.err, /did not converge: residual \S+ after \d+ iterations/);
  assert.equal(r.out, '');
});

test('parley demo (npm start) prints the Liberation Day table', () => {
  const r = parley('demo');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /USA\s+\+0\.75/);
  assert.match(r.out, /converged in/);
});

test('parley tariffs --json gives every pair with the measures that make up its rate', () => {
  const r = parley('tariffs', '--data', 'episode-2025-1s', '--at', '2025-04-21', '--json');
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.date, '2025-04-21');
  const all = j.rates.filter((c: { sector: string }) => c.sector === 'ALL');
  assert.equal(all.length, 13 * 12);
  const chnElec = j.rates.find((c: { importer: string; exporter: string; sector: string }) => c.importer === 'USA' && c.exporter === 'CHN' && c.sector === 'electronics');
  assert.deepEqual(chnElec.measures, [{ name: 'baseline', rate: 0.208 }, { name: 'fentanyl-chn-20', rate: 0.2 }]);
  const chnUs = all.find((c: { importer: string; exporter: string }) => c.importer === 'CHN' && c.exporter === 'USA');
  assertClose(chnUs.rate, 0.212 + 1.25, 1e-12, 'CHN on USA');
  for (const c of all) assertClose(c.measures.reduce((a: number, m: { rate: number }) => a + m.rate, 0), c.rate, 1e-12, `${c.importer} on ${c.exporter}`);
  assert.ok(j.parameters.some((p: { name: string }) => p.name === 'non_usmca_share_CAN'));
});

test('parley tariffs: a bad date and a data set without measures exit 2 with one line', () => {
  const bad = parley('tariffs', '--at', '2025-04-31');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^parley: expected a date YYYY-MM-DD, found "2025-04-31"\n$/m);
  const none = parley('tariffs', '--data', 'gegravity-sample', '--at', '2025-04-21');
  assert.equal(none.code, 2);
  assert.match(none.err, /data set gegravity-sample has no dated measures/);
});

test('parley data show prints totals, provenance shares and what the loader derived', () => {
  const r = parley('data', 'show', 'episode-2025-1s');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /provenance \(share of flow value\): reported \d+\.\d%, mirror 0\.1%, derived \d+\.\d%, estimated \d+\.\d%/);
  assert.match(r.out, /filled 2 empty cell\(s\) from kor-vnm-kita-2023\.csv/);
  assert.match(r.out, /31 dated measures/);
  // The tariffs' own provenance: the one-sector world leaves most importers' rates unsourced (estimated); the world in sectors sources them.
  const one = /tariffs \(share of international goods flow value, by the provenance of its baseline rate\): reported ([\d.]+)%.*estimated ([\d.]+)%/.exec(r.out)!;
  const sectors = parley('data', 'show', 'episode-2025', '--json');
  const p = JSON.parse(sectors.out).tariff_provenance;
  assert.ok(p.reported > 0.8 && Number(one[1]) < 50, `reported: ${p.reported} in sectors against ${one[1]}% in one sector`);
  assert.ok(Math.abs(Object.values(p as Record<string, number>).reduce((a, b) => a + b, 0) - 1) < 1e-12, 'shares add up to 1');
});

test('parley run (npm start) prints the April 2025 report; --out writes report.md, report.json, CSV tables and report.xlsx', async () => {
  const out = join(dir, 'run');
  const r = parley('run', 'april-2025', '--branch', 'main', '--draws', '0', '--out', out);
  assert.equal(r.code, 0, r.err);
  for (const heading of ['# Tariff wars and trade talks, April 2025', '## The tariffs in force on 21 April 2025', '## If the pause expires on 9 July', '## Trade talks', 'What each lever is worth', '## Sources and assumptions']) {
    assert.ok(r.out.includes(heading), `report has "${heading}"`);
  }
  const j = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  assert.equal(j.scenario, 'april-2025');
  assert.equal(j.negotiations[0].parties.join(','), 'USA,JPN');
  assert.ok(['importer', 'exporter', 'sector', 'rate'].every((k) => k in j.negotiations[0].agreement.tariffs[0]));
  for (const f of ['report.md', 'economies.csv', 'tariffs.csv', 'deals.csv', 'levers.csv', 'report.xlsx']) assert.ok(existsSync(join(out, f)), f);
  // The workbook: one sheet per table, units in the headers.
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(join(out, 'report.xlsx'));
  assert.deepEqual(wb.worksheets.map((w) => w.name), ['economies', 'tariffs', 'deals', 'levers']);
  const header = (wb.getWorksheet('economies')!.getRow(1).values as unknown[]).filter(Boolean);
  assert.ok(header.includes('welfare_pct (%)'), `headers carry units: ${header.join(', ')}`);
  assert.ok((wb.getWorksheet('deals')!.getRow(1).values as unknown[]).includes('rate (fraction: 0.25 = 25%)'));
  const bad = parley('run', join(dir, 'missing.yaml'));
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown scenario/);
});

test('parley counterfactual on icio-2022: --sectors-of prints sector tables, --elasticities picks a named set, --out adds sectors.csv', () => {
  const cars = join(dir, 'cars.csv');
  writeFileSync(cars, 'exporter,importer,sector,tariff,cost_factor\nJPN,USA,C29,0.25,\n');
  const out = join(dir, 'icio-out');
  const r = parley('counterfactual', '--data', 'icio-2022', '--shock', cars, '--sectors-of', 'USA,JPN', '--elasticities', 'CP', '--out', out);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /81 economies x 28 sectors, input-output links, elasticities CP/);
  assert.match(r.out, /Sectors of USA/);
  assert.match(r.out, /Sectors of JPN/);
  const sectors = readFileSync(join(out, 'sectors.csv'), 'utf8').trim().split('\n');
  assert.equal(sectors[0], 'code,sector,output_before,output_after,output_pct,real_output_pct,price_pct,cost_pct');
  assert.equal(sectors.length, 1 + 2 * 28, 'the sectors of the two economies asked for');
  assert.ok(existsSync(join(out, 'io-economies.csv')));
  const bad = parley('counterfactual', '--data', 'icio-2022', '--shock', cars, '--elasticities', 'XX');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /no set "XX" \(known: BSY, CP, FGO, GYY, IS, LL, Shap, U4\)/);
  const noIo = parley('counterfactual', '--data', 'gegravity-sample', '--shock', shockFile, '--sectors-of', 'CAN');
  assert.equal(noIo.code, 2);
  assert.match(noIo.err, /no input-output structure/);
});

test('parley counterfactual --aggregate: icio-2022 at 13 regions x 14 sectors', () => {
  const cars = join(dir, 'cars14.csv');
  writeFileSync(cars, 'exporter,importer,sector,tariff,cost_factor\nJPN,USA,TRANSP,0.25,\n');
  const r = parley('counterfactual', '--data', 'icio-2022', '--aggregate', join(ROOT, 'data/icio-2022/episode-13x14.yaml'), '--shock', cars, '--sectors-of', 'JPN', '--json');
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.economies.length, 13);
  assert.equal(j.io.sectors.length, 14);
  assert.ok(j.io.sectors.find((s: { sector: string }) => s.sector === 'TRANSP').real_output_pct < 0);
});

test('parley replicate caliendo-parro-2015 without data says where to point it (exit 2)', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test/cli/parley.ts'), 'replicate', 'caliendo-parro-2015'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PARLEY_CP2015: '' } });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /give --data DIR.*PARLEY_CP2015/);
});

test('bad output paths fail fast with one line: a kernel file system, an existing file, a file on the way', () => {
  const flows = join(dir, 'two.csv');
  writeFileSync(flows, 'exporter,importer,value\nA,A,50\nA,B,5\nB,B,30\nB,A,4\n');
  const shock = join(dir, 'two-shock.csv');
  writeFileSync(shock, 'exporter,importer,tariff,cost_factor\nA,B,0.1,\n');
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  const cases: [string, RegExp][] = [
    ['/proc/parley-out', /--out \/proc\/parley-out: \/proc is a kernel file system/],
    [file, /--out .*a-file: is a file; expected a folder/],
    [join(file, 'sub'), /a-file is a file, so no folder can be made under it/],
  ];
  for (const [out, message] of cases) {
    const r = parley('counterfactual', '--flows', flows, '--eps', '4', '--shock', shock, '--out', out);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, message);
    assert.equal(r.err.trim().split('\n').length, 1);
  }
});

test('numbers a table or spec does not mean are refused with the field: hex, absurd sizes, alias bombs', () => {
  const shock = join(dir, 'big-shock.csv');
  writeFileSync(shock, 'exporter,importer,tariff,cost_factor\nA,B,1e9,\n');
  const okShock = join(dir, 'ok-shock.csv');
  writeFileSync(okShock, 'exporter,importer,tariff,cost_factor\nA,B,0.1,\n');
  const flows = (v: string) => {
    const f = join(dir, `flows-${v}.csv`);
    writeFileSync(f, `exporter,importer,value\nA,A,${v}\nA,B,5\nB,B,30\nB,A,4\n`);
    return f;
  };
  const hex = parley('counterfactual', '--flows', flows('0x14'), '--eps', '4', '--shock', okShock);
  assert.equal(hex.code, 2);
  assert.match(hex.err, /line 2, column "value": expected a decimal flow value in \[0, 1e\+18\], found "0x14"/);
  const huge = parley('counterfactual', '--flows', flows('1e308'), '--eps', '4', '--shock', okShock);
  assert.equal(huge.code, 2);
  assert.match(huge.err, /found "1e308"/);
  const tariff = parley('counterfactual', '--flows', flows('50'), '--eps', '4', '--shock', shock);
  assert.equal(tariff.code, 2);
  assert.match(tariff.err, /column "tariff": expected a tariff above -1 .*\(at most 100\), found "1e9"/);
  // Nine levels of nine aliases each: 9^9 nodes if expanded.
  const bomb = join(dir, 'bomb.yaml');
  const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
  for (let k = 1; k < 9; k++) {
    const [n, p] = [String.fromCharCode(97 + k), String.fromCharCode(96 + k)];
    levels.push(`${n}: &${n} [${Array(9).fill(`*${p}`).join(', ')}]`);
  }
  writeFileSync(bomb, `${levels.join('\n')}\n`);
  for (const args of [['run', bomb], ['negotiate', '--spec', bomb]]) {
    const r = parley(...args);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /bomb\.yaml, line 2: too many YAML alias expansions \(more than 100\)/);
  }
  const hexSpec = join(dir, 'hex-spec.yaml');
  writeFileSync(hexSpec, 'parties: [USA, JPN]\nfrontier: 0x10\n');
  const r = parley('negotiate', '--spec', hexSpec);
  assert.equal(r.code, 2);
  assert.match(r.err, /hex-spec\.yaml, line 2: 0x10 is not a decimal number/);
});

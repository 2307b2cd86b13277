/** The built-in data sets: what each derives, fills, floors and aggregates, checked against its inputs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsv } from '../../src/data/csv.js';
import { listBuiltinDatasets, loadDataset, openDataset } from '../../src/data/manifest.js';
import { PROVENANCE_CODE } from '../../src/data/provenance.js';
import { ijs, type World } from '../../src/data/world.js';
import { InputError } from '../../src/errors.js';
import { collectWarnings } from '../../src/warn.js';
import { assertClose, DATA } from '../helpers.js';

const baci = collectWarnings(() => loadDataset('baci-2023'));
const at = (w: World, i: string, j: string) => w.Z[ijs(w.N, w.S, w.codes.indexOf(i), w.codes.indexOf(j), 0)];
const exportsOf = (w: World, i: string) => w.codes.reduce((a, j) => (j === i ? a : a + at(w, i, j)), 0);
const importsOf = (w: World, j: string) => w.codes.reduce((a, i) => (i === j ? a : a + at(w, i, j)), 0);

test('every built-in data set loads and states where its numbers come from', () => {
  assert.deepEqual(listBuiltinDatasets(), ['baci-2023', 'baci-2023-ilms', 'episode-2025', 'episode-2025-1s', 'gegravity-sample', 'icio-2022', 'yotov-2016']);
  for (const name of ['baci-2023', 'baci-2023-ilms', 'episode-2025', 'episode-2025-1s', 'icio-2022', 'yotov-2016']) {
    const w = collectWarnings(() => loadDataset(name)).value;
    const p = w.meta.provenance!;
    assertClose(Object.values(p).reduce((a, b) => a + b, 0), 1, 1e-12, `${name} provenance shares`);
    assert.equal(p.unstated, 0, `${name}: every cell has a provenance`);
  }
});

test('baci-2023: domestic sales are GDP minus exports, floored at a third of absorption and marked estimated', () => {
  const w = baci.value;
  const gdp = new Map(readCsv(join(DATA, 'baci-2023', 'countries_194_gdp.csv'), ['iso3', 'gdp_usd']).rows.map((r) => [r.values.iso3, Number(r.values.gdp_usd)]));
  const usa = w.codes.indexOf('USA');
  assertClose(at(w, 'USA', 'USA'), gdp.get('USA')! - exportsOf(w, 'USA'), 1, 'USA domestic');
  assert.equal(w.provenance![ijs(w.N, 1, usa, usa, 0)], PROVENANCE_CODE.derived);
  for (const c of ['VNM', 'MYS', 'SGP']) {
    const d = at(w, c, c);
    assertClose(d / (d + importsOf(w, c)), 1 / 3, 1e-12, `${c} floored share`);
    assert.ok(d > gdp.get(c)! - exportsOf(w, c), `${c}: the floor raised it`);
    const k = w.codes.indexOf(c);
    assert.equal(w.provenance![ijs(w.N, 1, k, k, 0)], PROVENANCE_CODE.estimated);
  }
  assertClose(at(w, 'THA', 'THA'), gdp.get('THA')! - exportsOf(w, 'THA'), 1, 'THA is not floored');
  assert.equal(baci.warnings.length, 1);
  assert.match(baci.warnings[0], /domestic sales of 21 economies \(.*MYS.*SGP.*VNM\) raised to the floor of 0\.333/);
});

test('baci-2023-ilms: the same flows with the ILMS calibration diagonal', () => {
  const w = loadDataset('baci-2023-ilms');
  const cal = new Map(readCsv(join(DATA, 'baci-2023-ilms', 'ilms2025_calibration_194.csv'), ['iso3', 'domestic_sales_Xii_usd']).rows.map((r) => [r.values.iso3, Number(r.values.domestic_sales_Xii_usd)]));
  for (const c of ['USA', 'VNM', 'GMB']) assert.equal(at(w, c, c), cal.get(c), `${c} diagonal`);
  assert.equal(at(w, 'USA', 'CHN'), at(baci.value, 'USA', 'CHN'));
});

test('episode-2025-1s: 13 regions aggregated from baci-2023, the KOR-VNM gap filled and marked', () => {
  const { value: e } = collectWarnings(() => loadDataset('episode-2025-1s'));
  const b = baci.value;
  assert.deepEqual(e.codes, ['USA', 'JPN', 'CHN', 'KOR', 'VNM', 'MYS', 'SGP', 'THA', 'IDN', 'EU', 'CAN', 'MEX', 'ROW']);
  assert.equal(at(b, 'KOR', 'VNM'), 0, 'the gap in BACI');
  assert.equal(at(e, 'KOR', 'VNM'), 53.49e9);
  assert.equal(at(e, 'VNM', 'KOR'), 25.94e9);
  const kv = ijs(e.N, 1, e.codes.indexOf('KOR'), e.codes.indexOf('VNM'), 0);
  assert.equal(e.provenance![kv], PROVENANCE_CODE.mirror);
  const eu = e.meta.groups!.EU;
  assert.equal(eu.length, 27);
  assertClose(at(e, 'EU', 'USA'), eu.reduce((a, m) => a + at(b, m, 'USA'), 0), 1, 'EU exports to the USA = sum over members');
  assertClose(at(e, 'USA', 'JPN'), at(b, 'USA', 'JPN'), 0, 'USA->JPN unchanged');
  const intra = eu.reduce((a, i) => a + eu.reduce((c, j) => c + at(b, i, j), 0), 0);
  assert.ok(at(e, 'EU', 'EU') > 0.8 * intra && at(e, 'EU', 'EU') >= intra - eu.reduce((a, m) => a + at(b, m, m), 0) - 1, 'EU diagonal holds intra-EU trade');
  assertClose(exportsOf(e, 'USA') , exportsOf(b, 'USA'), 1, 'USA exports unchanged by aggregation');
  assert.equal(e.meta.groups!.ROW.length, 194 - 11 - 27);
  // VNM: once the KITA exports are in, GDP minus exports is negative and the floor applies.
  const v = at(e, 'VNM', 'VNM');
  assertClose(v / (v + importsOf(e, 'VNM')), 1 / 3, 1e-9, 'VNM floored');
  // Baseline tariffs as the SOURCE note states them.
  const t = (i: string, j: string) => e.t[ijs(e.N, 1, e.codes.indexOf(i), e.codes.indexOf(j), 0)];
  assert.equal(t('CHN', 'USA'), 0.208);
  assert.equal(t('USA', 'CHN'), 0.212);
  assert.equal(t('JPN', 'USA'), 0.0255);
  assert.equal(t('USA', 'EU'), 0.05);
  assert.equal(t('USA', 'JPN'), 0);
});

test('yotov-2016: 69 economies in 2006 with their own domestic flows, in USD millions', () => {
  const w = loadDataset('yotov-2016');
  assert.equal(w.N, 69);
  assertClose(at(w, 'USA', 'USA'), 4233436, 1, 'USA domestic 2006');
  assert.ok(!w.codes.includes('VNM'));
  assert.match(w.meta.notes![0], /kept 4761 of 99981 rows \(where year = 2006\)/);
});

function manifestDir(text: string, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-man-'));
  writeFileSync(join(dir, 'manifest.yaml'), text);
  for (const [f, body] of Object.entries(extra)) writeFileSync(join(dir, f), body);
  return dir;
}

test('manifest recipes: bad aggregation, fills that overwrite data and missing GDP are clear errors', () => {
  const reject = (dir: string, pattern: RegExp) =>
    assert.throws(() => openDataset(dir), (e: unknown) => e instanceof InputError && pattern.test(e.message) && !e.message.includes('\n'));
  const base = `name: t\ncurrency: USD\nsource: none\nbase: ${join(DATA, 'baci-2023')}\n`;
  reject(manifestDir(`${base}aggregate: { A: '*', B: '*' }\n`), /aggregate: both A and B are "\*"/);
  reject(manifestDir('name: t\ncurrency: USD\nsource: none\nflows: f.csv\nelasticities: 4\naggregate: { A: [X] }\n'), /line 6: field "aggregate": aggregation needs a "base"/);
  reject(manifestDir(`${base}fill: fill.csv\n`, { 'fill.csv': 'exporter,importer,value\nUSA,CHN,1\n' }), /fill\.csv, line 2, column "value": fill USA->CHN would overwrite a non-zero value/);
  reject(
    manifestDir('name: t\ncurrency: USD\nsource: none\neconomies: e.csv\nflows: f.csv\nelasticities: 4\ndomestic: { rule: gdp-minus-exports, gdp_column: gdp, min_share_of_absorption: 0.2 }\n', {
      'e.csv': 'code,name,gdp\nA,A,100\nB,B,\n',
      'f.csv': 'exporter,importer,value\nA,B,10\nB,A,5\n',
    }),
    /e\.csv, line 3, column "gdp": empty value/,
  );
  reject(manifestDir('name: t\ncurrency: USD\nsource: none\nflows: { file: f.csv, provenance: guessed }\nelasticities: 4\n'), /field "flows.provenance"/);
});

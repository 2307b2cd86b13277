/** Every user error is one clear message naming file, line and column, with what was expected and found. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWorld } from '../../src/data/tables.js';
import { readManifest, worldFromManifest } from '../../src/data/manifest.js';
import { readShockCsv } from '../../src/model/shock.js';
import { DataError, InputError } from '../../src/errors.js';
import { rejectsInput } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'parley-bad-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const GOOD = 'exporter,importer,value\nA,A,50\nA,B,10\nB,A,5\nB,B,60\n';

const rejects = rejectsInput;

test('a good world loads', () => {
  const w = loadWorld({ flows: [{ file: file('good.csv', GOOD) }], elasticities: 4 });
  assert.deepEqual(w.codes, ['A', 'B']);
});

test('negative, non-finite and missing values are rejected with file, line and column', () => {
  const f1 = file('neg.csv', GOOD.replace('A,B,10', 'A,B,-3'));
  rejects(() => loadWorld({ flows: [{ file: f1 }], elasticities: 4 }), new RegExp(`neg\\.csv, line 3, column "value": expected a decimal flow value in \\[0, 1e\\+18\\], found "-3"`));
  const f2 = file('nan.csv', GOOD.replace('B,A,5', 'B,A,abc'));
  rejects(() => loadWorld({ flows: [{ file: f2 }], elasticities: 4 }), /nan\.csv, line 4, column "value": expected a decimal flow value in \[0, 1e\+18\], found "abc"/);
  const f3 = file('inf.csv', GOOD.replace('B,A,5', 'B,A,Infinity'));
  rejects(() => loadWorld({ flows: [{ file: f3 }], elasticities: 4 }), /inf\.csv, line 4, column "value".*found "Infinity"/);
});

test('duplicate rows, missing domestic flows, missing columns and zero expenditure are rejected', () => {
  const dup = file('dup.csv', `${GOOD}A,B,11\n`);
  rejects(() => loadWorld({ flows: [{ file: dup }], elasticities: 4 }), /dup\.csv, line 6, column "exporter": duplicate flow A->B \(first given at .*line 3\)/);
  const nodom = file('nodom.csv', 'exporter,importer,value\nA,A,50\nA,B,10\nB,A,5\n');
  rejects(() => loadWorld({ flows: [{ file: nodom }], elasticities: 4 }), /nodom\.csv: missing domestic flow for B/);
  const nocol = file('nocol.csv', 'exporter,importer,amount\nA,A,1\n');
  rejects(() => loadWorld({ flows: [{ file: nocol }], elasticities: 4 }), /nocol\.csv, line 1: missing column "value"/);
  const zero = file('zero.csv', 'exporter,importer,value\nA,A,50\nA,B,0\nB,A,5\nB,B,0\n');
  rejects(() => loadWorld({ flows: [{ file: zero }], elasticities: 4 }), /zero\.csv: economy B has zero expenditure/);
});

test('tariffs: unknown code, rate at or below -100% and tariffs on domestic flows are rejected', () => {
  const flows = [{ file: file('f.csv', GOOD) }];
  const unk = file('t-unk.csv', 'exporter,importer,rate\nA,B,0.1\nC,A,0.2\n');
  rejects(() => loadWorld({ flows, tariffs: { file: unk }, elasticities: 4 }), /t-unk\.csv, line 3, column "exporter": unknown economy "C" \(known: A, B\)/);
  const low = file('t-low.csv', 'exporter,importer,rate\nA,B,-1\n');
  rejects(() => loadWorld({ flows, tariffs: { file: low }, elasticities: 4 }), /t-low\.csv, line 2, column "rate": expected a tariff rate above -1/);
  const dom = file('t-dom.csv', 'exporter,importer,rate\nA,A,0.1\n');
  rejects(() => loadWorld({ flows, tariffs: { file: dom }, elasticities: 4 }), /t-dom\.csv, line 2, column "rate": a domestic flow/);
});

test('a sector without an elasticity is rejected', () => {
  const flows = [{ file: file('fs.csv', 'exporter,importer,sector,value\nA,A,x,1\nA,A,y,1\nB,B,x,1\nB,B,y,1\nA,B,x,1\nB,A,y,1\n') }];
  const el = file('el.csv', 'sector,eps\nx,4\n');
  rejects(() => loadWorld({ flows, elasticities: { file: el } }), /el\.csv: no elasticity for sector y/);
  const el0 = file('el0.csv', 'sector,eps\nx,4\ny,0\n');
  rejects(() => loadWorld({ flows, elasticities: { file: el0 } }), /el0\.csv, line 3, column "eps": expected a trade elasticity > 0/);
});

test('shocks: unknown economies, bad values and empty rows are rejected', () => {
  const world = loadWorld({ flows: [{ file: file('g2.csv', GOOD) }], elasticities: 4 });
  rejects(() => readShockCsv(file('s1.csv', 'exporter,importer,tariff,cost_factor\nA,B,0.2,\nA,ZZ,0.1,\n'), world), /s1\.csv, line 3, column "importer": unknown economy "ZZ"/);
  rejects(() => readShockCsv(file('s2.csv', 'exporter,importer,tariff,cost_factor\nA,B,,-2\n'), world), /s2\.csv, line 2, column "cost_factor": expected a cost factor > 0/);
  rejects(() => readShockCsv(file('s3.csv', 'exporter,importer,tariff,cost_factor\nA,B,,\n'), world), /s3\.csv, line 2, column "tariff": a shock row needs a tariff, a cost_factor or both/);
  rejects(() => readShockCsv(file('s4.csv', 'exporter,importer\nA,B\n'), world), /s4\.csv, line 1: expected a "tariff" or "cost_factor" column/);
  const ok = readShockCsv(file('s5.csv', 'exporter,importer,tariff,cost_factor\n*,A,0.1,\nB,A,0.3,inf\n'), world);
  assert.equal(ok.tariffs[1 * 2 + 0], 0.3, 'a specific row after * overrides it');
  assert.equal(ok.costFactors[1 * 2 + 0], Infinity);
  assert.equal(ok.tariffs[0], 0, 'the domestic pair is never covered by *');
});

test('manifests: invalid fields and missing files are named with the line', () => {
  const m = file('manifest.yaml', 'name: x\ncurrency: USD\nsource: S.md\nflows: good.csv\nelasticities: -4\n');
  rejects(() => readManifest(m), /manifest\.yaml, line 5: field "elasticities"/);
  const m2 = file('m2.yaml', 'name: x\ncurrency: USD\nsource: S.md\nflows: missing.csv\nelasticities: 4\n');
  rejects(() => worldFromManifest(readManifest(m2)), /missing\.csv: cannot read file \(ENOENT\)/);
  const m3 = file('m3.yaml', 'name: x\ncurrency: [unclosed\n');
  rejects(() => readManifest(m3), /m3\.yaml, line \d+: not valid YAML/);
  assert.ok(new DataError('x') instanceof InputError);
});

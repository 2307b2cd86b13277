/** A broken measures, parameters or sector-shares file is one clear error naming file, line and field. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDataset } from '../../src/data/manifest.js';
import { scheduleFromManifest, tariffsAt } from '../../src/schedule/schedule.js';
import { assertClose, rejectsInput } from '../helpers.js';

const HEADER = 'id,announced,effective,until,importer,exporters,except,sectors,authority,action,rate,share,event,note\n';
const GOOD = `${HEADER}a,2025-01-01,2025-01-02,,A,B,,*,reciprocal,set,0.1,1,,\nb,2025-01-05,2025-01-06,,A,*,,x,s232,set,0.25,half,,\n`;
const SHARES = 'exporter,importer,sector,share\nB,A,x,0.25\nB,A,y,0.75\nC,A,x,0.5\nC,A,y,0.5\n';

/** A folder with a 3-economy world and the given schedule files; returns its manifest path. */
function dataset(files: { measures?: string; shares?: string; params?: string; manifestExtra?: string }): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-sched-'));
  writeFileSync(join(dir, 'flows.csv'), 'exporter,importer,value\nA,A,50\nA,B,10\nA,C,5\nB,A,5\nB,B,60\nB,C,5\nC,A,5\nC,B,5\nC,C,40\n');
  writeFileSync(join(dir, 'measures.csv'), files.measures ?? GOOD);
  writeFileSync(join(dir, 'shares.csv'), files.shares ?? SHARES);
  writeFileSync(join(dir, 'params.csv'), files.params ?? 'name,value,kind,why\nhalf,0.5,assumption,test\n');
  writeFileSync(join(dir, 'manifest.yaml'), `name: t\ncurrency: USD\nsource: none\nflows: flows.csv\nelasticities: 4\nmeasures: measures.csv\nsector_shares: shares.csv\nparameters: params.csv\n${files.manifestExtra ?? ''}`);
  return dir;
}

function load(dir: string) {
  const { loaded, world } = openDataset(dir);
  return { world, schedule: scheduleFromManifest(loaded, world) };
}

const rejects = rejectsInput;

test('a good schedule loads and applies parameters and shares', () => {
  const { world, schedule } = load(dataset({}));
  const at = tariffsAt(world, schedule, '2025-01-10');
  const b = at.cells.find((c) => c.importer === 'A' && c.exporter === 'B' && c.sector === 'ALL')!;
  // x (share 0.25): s232 25% on half the flow, no reciprocal; y: reciprocal 10%.
  assertClose(b.rate, 0.25 * 0.125 + 0.75 * 0.1, 1e-15, 'A on B');
});

test('unknown economies, sectors and parameters are named with file, line and column', () => {
  rejects(() => load(dataset({ measures: `${HEADER}a,2025-01-01,2025-01-02,,A,ZZ,,*,reciprocal,set,0.1,1,,\n` })), /measures\.csv, line 2, column "exporters": unknown economy "ZZ"/);
  rejects(() => load(dataset({ measures: `${HEADER}a,2025-01-01,2025-01-02,,A,B,,cars,reciprocal,set,0.1,1,,\n` })), /measures\.csv, line 2, column "sectors": unknown sector "cars" \(known: x, y\)/);
  rejects(() => load(dataset({ measures: `${HEADER}a,2025-01-01,2025-01-02,,A,B,,*,reciprocal,set,0.1,quarter,,\n` })), /line 2, column "share": unknown parameter "quarter"/);
  rejects(() => load(dataset({ measures: `${HEADER}a,2025-01-01,2025-01-02,,A,B,,*,tariff,set,0.1,1,,\n` })), /line 2, column "authority": expected an authority/);
  rejects(() => load(dataset({ measures: `${HEADER}a,2025-01-01,2025-01-02,,A,B,,*,reciprocal,set,-0.1,1,,\n` })), /line 2, column "rate": expected an additional rate >= 0/);
});

test('dates out of order and impossible dates are rejected', () => {
  rejects(() => load(dataset({ measures: `${HEADER}a,2025-02-01,2025-02-02,,A,B,,*,reciprocal,set,0.1,1,,\nb,2025-01-01,2025-01-02,,A,C,,*,reciprocal,set,0.1,1,,\n` })), /line 3, column "announced": dates out of order/);
  rejects(() => load(dataset({ measures: `${HEADER}a,2025-01-01,2025-03-01,2025-02-01,A,B,,*,reciprocal,pause,0.1,1,,\n` })), /line 2, column "until": dates out of order: until 2025-02-01 is not after effective 2025-03-01/);
  rejects(() => load(dataset({ measures: `${HEADER}a,2025-01-01,2025-13-01,,A,B,,*,reciprocal,set,0.1,1,,\n` })), /line 2, column "effective": expected a date YYYY-MM-DD, found "2025-13-01"/);
});

test('contradictory overlapping measures are rejected; a narrower one starting with a blanket one is not', () => {
  rejects(() => load(dataset({ measures: `${HEADER}a,2025-01-01,2025-01-02,,A,*,,*,reciprocal,set,0.1,1,,\nb,2025-01-01,2025-01-02,,A,*,C,*,reciprocal,set,0.2,1,,\n` })), /line 3, column "rate": measure "b" contradicts "a"/);
  const { world, schedule } = load(dataset({ measures: `${HEADER}a,2025-01-01,2025-01-02,,A,*,,*,reciprocal,set,0.1,1,,\nb,2025-01-01,2025-01-02,,A,*,,x,reciprocal,set,0.2,1,,\n` }));
  const x = tariffsAt(world, schedule, '2025-01-02').cells.find((c) => c.exporter === 'B' && c.sector === 'x')!;
  assertClose(x.rate, 0.2, 0, 'the sector row wins');
});

test('sector shares must cover every sector and sum to 1', () => {
  rejects(() => load(dataset({ shares: 'exporter,importer,sector,share\nB,A,x,0.3\nB,A,y,0.6\n' })), /shares\.csv, line 2, column "share": the sector shares of B->A sum to 0\.900000, expected 1/);
  rejects(() => load(dataset({ shares: 'exporter,importer,sector,share\nB,A,x,0.3\nB,A,y,0.7\nC,A,x,1\n' })), /line 4, column "sector": C->A has no share for sector y/);
  rejects(() => load(dataset({ shares: 'exporter,importer,sector,share\nB,Q,x,1\n' })), /line 2, column "importer": unknown economy "Q"/);
});

test('a sector-scoped measure on a flow without shares is an input error', () => {
  const { world, schedule } = load(dataset({ measures: `${HEADER}a,2025-01-01,2025-01-02,,B,A,,x,reciprocal,set,0.1,1,,\n` }));
  rejects(() => tariffsAt(world, schedule, '2025-01-05'), /measure "a" names sectors, but the data set has no sector shares for A->B/);
});

test('a manifest naming a missing schedule file names it', () => {
  const dir = dataset({});
  writeFileSync(join(dir, 'manifest.yaml'), 'name: t\ncurrency: USD\nsource: none\nflows: flows.csv\nelasticities: 4\nmeasures: nowhere.csv\n');
  rejects(() => load(dir), /nowhere\.csv: cannot read file \(ENOENT\)/);
});

test('"covers": a measure about part of a sector taxes, exempts or displaces only that part', () => {
  const H = HEADER.replace('share,', 'share,covers,');
  const measures = `${H}r,2025-01-01,2025-01-02,,A,*,,*,reciprocal,set,0.1,1,1,,
al,2025-01-02,2025-01-03,,A,B,,x,s232,set,0.25,1,0.4,,
ex,2025-01-03,2025-01-04,,A,C,,y,reciprocal,exempt,0,1,0.75,,
`;
  const { world, schedule } = load(dataset({ measures }));
  const at = tariffsAt(world, schedule, '2025-01-10');
  const cell = (e: string, s: string) => at.cells.find((c) => c.importer === 'A' && c.exporter === e && c.sector === s)!.rate;
  // B, x: 232 at 25% on the 40% it covers; the reciprocal 10% on the other 60%.
  assertClose(cell('B', 'x'), 0.4 * 0.25 + 0.6 * 0.1, 1e-15, 'A on B, x');
  assertClose(cell('B', 'y'), 0.1, 1e-15, 'A on B, y: untouched');
  // C, y: three quarters of the sector exempt from the reciprocal duty.
  assertClose(cell('C', 'y'), 0.25 * 0.1, 1e-15, 'A on C, y');
  rejects(() => load(dataset({ measures: `${H}r,2025-01-01,2025-01-02,,A,*,,*,reciprocal,set,0.1,1,1.5,,\n` })), /line 2, column "covers".*in \[0, 1\]/);
});

test('dated parameters: each row dated, in order; the row known on a day is the latest by then; a range has both ends around the value', async () => {
  const { parametersKnownOn } = await import('../../src/schedule/measures.js');
  const head = 'name,value,kind,why,date,low,high\n';
  const { schedule } = load(dataset({ params: `${head}half,0.62,assumption,a,2025-03-06,0.3,0.62\nhalf,0.4,assumption,b,2025-06-01,,\nfixed,1,assumption,c,,,\n` }));
  const half = schedule.parameters.get('half')!;
  assert.equal(half.value, 0.4, 'the data set holds the latest row');
  assert.equal(parametersKnownOn(schedule.parameters, '2025-04-21').get('half')!.value, 0.62);
  assert.deepEqual([parametersKnownOn(schedule.parameters, '2025-04-21').get('half')!.low, parametersKnownOn(schedule.parameters, '2025-04-21').get('half')!.high], [0.3, 0.62]);
  assert.equal(parametersKnownOn(schedule.parameters, '2025-01-01').has('half'), false, 'not known yet');
  assert.equal(parametersKnownOn(schedule.parameters, '2025-01-01').get('fixed')!.value, 1, 'an undated row is always known');
  rejects(() => load(dataset({ params: `${head}half,0.5,assumption,a,,,\nhalf,0.4,assumption,b,2025-06-01,,\n` })), /params\.csv, line 3, column "name": duplicate parameter "half": rows of one parameter need a date each/);
  rejects(() => load(dataset({ params: `${head}half,0.5,assumption,a,2025-06-01,,\nhalf,0.4,assumption,b,2025-03-01,,\n` })), /line 3, column "date": dates out of order: half dated 2025-03-01 comes after its row dated 2025-06-01/);
  rejects(() => load(dataset({ params: `${head}half,0.5,assumption,a,,0.2,\n` })), /line 2, column "high": a range needs both low and high, found only low/);
  rejects(() => load(dataset({ params: `${head}half,0.5,assumption,a,,0.6,0.9\n` })), /line 2, column "low": expected low <= value <= high, found 0.6 <= 0.5 <= 0.9/);
  rejects(() => load(dataset({ params: `${head}half,0.5,assumption,a,2025-13-01,,\n` })), /line 2, column "date": expected a date YYYY-MM-DD, found "2025-13-01"/);
});

test('as known on a day, a measure naming a dated parameter takes the value known then; by default the latest', () => {
  const head = 'name,value,kind,why,date,low,high\n';
  const { world, schedule } = load(dataset({ params: `${head}half,0.5,assumption,a,2025-01-01,,\nhalf,0.9,assumption,b,2025-01-08,,\n` }));
  const onB = (asKnown: boolean) => tariffsAt(world, schedule, '2025-01-07', { asKnown }).cells.find((c) => c.importer === 'A' && c.exporter === 'B' && c.sector === 'x')!.rate;
  // Sector x of B: Section 232 at 25% on `half` of it (the good schedule's row b).
  assertClose(onB(true), 0.25 * 0.5, 1e-15, 'as known on 7 January: the row of 1 January');
  assertClose(onB(false), 0.25 * 0.9, 1e-15, 'the law as eventually known: the latest row');
});

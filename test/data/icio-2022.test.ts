/**
 * icio-2022 (81 economies x 28 sectors with input-output links): what the
 * build repaired, that the loaded world is a baseline equilibrium, that its
 * aggregation keeps the IO structure, and that a US tariff on Japanese cars
 * moves the sectors it should. Bad IO files are one-line errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from '../../src/data/manifest.js';
import { aggregateWithFile } from '../../src/data/aggregation-file.js';
import { consistentWorld, noShock, solveOrThrow } from '../../src/model/equilibrium.js';
import { ioSectorResults } from '../../src/model/io-results.js';
import type { World } from '../../src/data/world.js';
import { assertClose, DATA, rejectsInput } from '../helpers.js';

const world = loadDataset('icio-2022');
const cellOf = (w: World, i: string, j: string, s: string) => (w.codes.indexOf(i) * w.N + w.codes.indexOf(j)) * w.S + w.sectors.indexOf(s);

test('icio-2022 loads: 81 x 28 with input-output shares, eight elasticity sets (FGO by default), every repair in the notes', () => {
  assert.equal(world.N, 81);
  assert.equal(world.S, 28);
  assert.ok(world.io, 'input-output structure');
  assert.deepEqual(Object.keys(world.meta.elasticitySets!).sort(), ['BSY', 'CP', 'FGO', 'GYY', 'IS', 'LL', 'Shap', 'U4']);
  assert.equal(world.meta.elasticitySet, 'FGO');
  const notes = world.meta.notes!.join('\n');
  for (const rule of ['services-zero', 'row-median', 'gap-median', 'food-wits', 'food-a01-cap', 'io-input-scaled']) assert.match(notes, new RegExp(`repair ${rule}: \\d+ cells`), rule);
  assert.match(notes, /WIOD RoW's structure/);
  // The SOURCE note's check: US imports from Japan, motor vehicles, USD million.
  assertClose(world.Z[cellOf(world, 'JPN', 'USA', 'C29')], 48035.5559, 1e-6, 'JPN->USA C29');
});

test('icio-2022 repairs: services untaxed, food peaks gone (USA on CHN food 4.22% from WITS), imports from ROW taxed', () => {
  const { N, S, t } = world;
  const serv = world.sectors.indexOf('SERV');
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) assert.equal(t[(i * N + j) * S + serv], 0);
  assertClose(t[cellOf(world, 'CHN', 'USA', 'C10T12')], 0.0422, 1e-12, 'USA on CHN food');
  // Before the repair the US food rate was about 91% on everyone.
  for (const c of world.codes) if (c !== 'USA') assert.ok(t[cellOf(world, c, 'USA', 'C10T12')] < 0.25, `USA on ${c} food`);
  assert.ok(t[cellOf(world, 'ROW', 'USA', 'C29')] > 0, 'USA on ROW cars: the median partner rate, not the GTD\'s missing 0');
});

test('icio-2022 is a baseline equilibrium: its final-demand shares match its flows, so no shock changes nothing', () => {
  assert.equal(consistentWorld(world), world, 'no re-basing needed');
});

test('icio-2022: a 25% US tariff on Japanese cars raises US car prices, cuts Japanese car output, and reaches steel and parts through IO', () => {
  const shock = noShock(world);
  shock.tariffs[cellOf(world, 'JPN', 'USA', 'C29')] = 0.25;
  const eq = solveOrThrow(world, shock);
  const sector = (code: string, s: string) => ioSectorResults(eq, [code]).find((r) => r.sector === s)!;
  assert.ok(sector('USA', 'C29').price_pct > 0.1, 'US car prices up');
  assert.ok(sector('USA', 'C29').real_output_pct > 1, 'US car output up');
  assert.ok(sector('JPN', 'C29').real_output_pct < -5, 'Japanese car output down');
  // Steel and rubber/plastic parts go into cars: Japan's suppliers lose, America's gain.
  for (const s of ['C24A', 'C22', 'C25']) {
    assert.ok(sector('JPN', s).real_output_pct < 0, `JPN ${s} down`);
    assert.ok(sector('USA', s).real_output_pct > 0, `USA ${s} up`);
  }
});

test('icio-2022 aggregates to the 13 episode regions x 14 sectors with its IO structure, still a baseline equilibrium', () => {
  const small = aggregateWithFile(world, join(DATA, 'icio-2022', 'episode-13x14.yaml'));
  assert.deepEqual(small.codes, ['USA', 'JPN', 'CHN', 'KOR', 'VNM', 'MYS', 'SGP', 'THA', 'IDN', 'EU', 'CAN', 'MEX', 'ROW']);
  assert.equal(small.S, 14);
  assert.ok(small.io);
  assert.equal(Object.keys(small.meta.elasticitySets!).length, 8);
  const eq = solveOrThrow(small, noShock(small));
  for (let i = 0; i < small.N; i++) assertClose(eq.what[i], 1, 1e-10, `what ${small.codes[i]}`);
  for (let k = 0; k < eq.PhatS.length; k++) assertClose(eq.PhatS[k], 1, 1e-10, `Phat ${k}`);
});

/** A two-economy, two-sector data set with IO files, damaged as asked. */
function ioDataset(valueAdded: string, inputs: string, flows = 'exporter,importer,sector,value\nA,A,X,50\nA,A,Y,50\nA,B,X,10\nB,B,X,60\nB,B,Y,40\nB,A,Y,5\n'): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-io-'));
  writeFileSync(join(dir, 'manifest.yaml'), 'name: io-test\ncurrency: USD\nsource: SOURCE.md\nflows: flows.csv\nelasticities: 4\nio: { value_added: va.csv, inputs: inputs.csv }\n');
  writeFileSync(join(dir, 'SOURCE.md'), 'test\n');
  writeFileSync(join(dir, 'flows.csv'), flows);
  writeFileSync(join(dir, 'va.csv'), valueAdded);
  writeFileSync(join(dir, 'inputs.csv'), inputs);
  return dir;
}
const VA = 'economy,sector,share\nA,X,0.6\nA,Y,0.7\nB,X,0.5\nB,Y,0.8\n';
const INPUTS = 'economy,input,sector,share\nA,Y,X,0.4\nA,X,Y,0.3\nB,Y,X,0.5\nB,X,Y,0.2\n';

test('bad input-output files: shares above 1, negative shares, a sector without output are one-line errors with file, line and column', () => {
  loadDataset(ioDataset(VA, INPUTS)); // the undamaged set loads
  rejectsInput(() => loadDataset(ioDataset(VA, INPUTS.replace('A,Y,X,0.4', 'A,Y,X,0.9'))), /va\.csv, line 2, column "share": value added and inputs of A \[X\] sum to 1\.50000.*expected 1/);
  rejectsInput(() => loadDataset(ioDataset(VA, INPUTS.replace('B,X,Y,0.2', 'B,X,Y,-0.2'))), /inputs\.csv, line 5, column "share": expected an input share >= 0, found "-0\.2"/);
  rejectsInput(() => loadDataset(ioDataset(VA.replace('B,Y,0.8', 'B,Y,1.8'), INPUTS)), /va\.csv, line 5, column "share": expected a value-added share in \(0, 1\], found 1\.8/);
  const noY = 'exporter,importer,sector,value\nA,A,X,50\nA,A,Y,0\nB,B,X,60\nB,B,Y,0\n';
  rejectsInput(() => loadDataset(ioDataset(VA, INPUTS, noY)), /inputs\.csv, line 2, column "input": sector Y has no output anywhere in the flows, but is used as an input here/);
  rejectsInput(() => loadDataset(ioDataset('economy,sector,share\nA,X,0.6\n', INPUTS)), /va\.csv: no value-added share for A \[Y\]/);
});

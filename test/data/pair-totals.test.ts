/**
 * goods_pair_totals: a manifest's bilateral goods totals (customs data) scale each named pair's goods flows to the
 * total and keep the pair's sector mix; services, domestic sales and pairs not named keep their values; final demand
 * is derived again. episode-2025's totals are BACI 2023's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { finalDemandShares } from '../../src/data/io.js';
import { openDataset, readManifest, worldFromManifest } from '../../src/data/manifest.js';
import { ijs, type World } from '../../src/data/world.js';
import { assertClose, DATA, rejectsInput } from '../helpers.js';

const CODES = ['A', 'B', 'C'];
const SECTORS = ['G1', 'G2', 'SV'];

/** A 3-economy world with two goods and a service, input-output links, and a totals file with the given rows. */
function world(totals: string): { dir: string; world: () => World } {
  const dir = mkdtempSync(join(tmpdir(), 'parley-totals-'));
  const flows = ['exporter,importer,sector,value'];
  CODES.forEach((e, i) => CODES.forEach((m, j) => SECTORS.forEach((s, k) => flows.push(`${e},${m},${s},${i === j ? 200 + 10 * k : 5 + i + 2 * j + 3 * k}`))));
  writeFileSync(join(dir, 'flows.csv'), flows.join('\n'));
  writeFileSync(join(dir, 'economies.csv'), ['code,name', ...CODES.map((c) => `${c},${c}`)].join('\n'));
  writeFileSync(join(dir, 'tariffs.csv'), 'exporter,importer,sector,rate\nA,B,G1,0.1\nB,A,G2,0.05\n');
  writeFileSync(join(dir, 'va.csv'), ['economy,sector,share', ...CODES.flatMap((e) => SECTORS.map((s) => `${e},${s},0.6`))].join('\n'));
  writeFileSync(join(dir, 'inputs.csv'), ['economy,input,sector,share', ...CODES.flatMap((e) => SECTORS.map((s) => `${e},SV,${s},0.4`))].join('\n'));
  writeFileSync(join(dir, 'totals.csv'), `exporter,importer,value\n${totals}`);
  const manifest = (withTotals: boolean) => `name: t\ncurrency: USD\nsource: test\neconomies: economies.csv\nflows: flows.csv\ntariffs: tariffs.csv\nelasticities: 4\nservices: [SV]\nio: { value_added: va.csv, inputs: inputs.csv }\n${withTotals ? 'goods_pair_totals: totals.csv\n' : ''}`;
  writeFileSync(join(dir, 'plain.yaml'), manifest(false));
  writeFileSync(join(dir, 'manifest.yaml'), manifest(true));
  return { dir, world: () => worldFromManifest(readManifest(join(dir, 'manifest.yaml'))) };
}

test('a named pair\'s goods flows add up to its total in their old proportions; services, domestic sales and other pairs keep theirs', () => {
  const w = world('A,B,60\nC,A,9\n');
  const before = worldFromManifest(readManifest(join(w.dir, 'plain.yaml')));
  const after = w.world();
  const { N, S } = after;
  const goods = [0, 1];
  const sum = (x: World, i: number, j: number) => goods.reduce((v, s) => v + x.Z[ijs(N, S, i, j, s)], 0);
  assertClose(sum(after, 0, 1), 60, 1e-9, 'A->B goods total');
  assertClose(sum(after, 2, 0), 9, 1e-9, 'C->A goods total');
  for (const [i, j] of [[0, 1], [2, 0]]) {
    for (const s of goods) assertClose(after.Z[ijs(N, S, i, j, s)] / sum(after, i, j), before.Z[ijs(N, S, i, j, s)] / sum(before, i, j), 1e-12, `${CODES[i]}->${CODES[j]} ${SECTORS[s]} share`);
  }
  for (let k = 0; k < after.Z.length; k++) {
    const i = Math.floor(k / (N * S));
    const j = Math.floor(k / S) % N;
    const scaled = (i === 0 && j === 1) || (i === 2 && j === 0);
    if (!scaled || k % S === 2) assert.equal(after.Z[k], before.Z[k], `cell ${k} (${CODES[i]}->${CODES[j]} ${SECTORS[k % S]}) unchanged`);
  }
  assert.deepEqual([...after.t], [...before.t], 'tariffs unchanged');
  // Final demand is what is left of spending after intermediate use, at the scaled flows.
  const { alpha } = finalDemandShares(N, S, after.Z, after.t, after.io!.gamma);
  for (let k = 0; k < alpha.length; k++) assertClose(after.io!.alpha[k], alpha[k], 1e-15, `alpha ${k}`);
  assert.ok(after.meta.notes!.some((n) => /goods flows of 2 pairs scaled to the totals in totals\.csv/.test(n)), 'the loader says what it scaled');
});

test('a totals file names the file, line and column of what it cannot use', () => {
  rejectsInput(() => world('A,B,60\nB,B,9\n').world(), /totals\.csv, line 3, column "exporter": B->B is a domestic flow/);
  rejectsInput(() => world('A,B,60\nA,B,61\n').world(), /totals\.csv, line 3, column "exporter": duplicate total A->B \(first given at line 2\)/);
  rejectsInput(() => world('A,D,60\n').world(), /totals\.csv, line 2, column "importer": unknown economy "D"/);
  rejectsInput(() => world('A,B,0\n').world(), /totals\.csv, line 2, column "value": expected a goods total > 0/);
  rejectsInput(() => world('A,B,-5\n').world(), /totals\.csv, line 2, column "value": expected a goods total > 0/);
});

test('episode-2025: each pair\'s goods trade is BACI 2023\'s total where BACI has it (JPN->USA 141.4 bn), ICIO 2022\'s where BACI misses it', () => {
  const { world: w } = openDataset('episode-2025');
  const totals = parse(readFileSync(join(DATA, 'episode-2025', 'goods-pair-totals.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  assert.equal(totals.length, w.N * (w.N - 1), 'every pair of regions');
  const goods = w.sectors.map((_, s) => s).filter((s) => w.sectors[s] !== 'SERV');
  for (const r of totals) {
    const i = w.codes.indexOf(r.exporter);
    const j = w.codes.indexOf(r.importer);
    assertClose(goods.reduce((v, s) => v + w.Z[ijs(w.N, w.S, i, j, s)], 0), Number(r.value), 1e-6 * Number(r.value), `${r.exporter}->${r.importer}`);
  }
  // The oracle: the shipped BACI extract, in USD (the data set is in USD million).
  const baci = parse(readFileSync(join(DATA, 'baci-2023', 'baci2023_goods_194x194.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  const baciValue = (e: string, m: string) => Number(baci.find((r) => r.exporter === e && r.importer === m)!.value_usd) / 1e6;
  const total = (e: string, m: string) => Number(totals.find((r) => r.exporter === e && r.importer === m)!.value);
  assertClose(total('JPN', 'USA'), baciValue('JPN', 'USA'), 1e-3, 'JPN->USA');
  assertClose(total('CHN', 'USA'), baciValue('CHN', 'USA'), 1e-3, 'CHN->USA');
  assertClose(total('USA', 'MEX'), baciValue('USA', 'MEX'), 1e-3, 'USA->MEX');
  // KOR-VNM is a BACI gap (neither reported in HS2022 for 2023): ICIO's flow stands, scaled by 1.
  const kv = totals.find((r) => r.exporter === 'KOR' && r.importer === 'VNM')!;
  assert.equal(Number(kv.factor), 1);
  assert.match(kv.source, /ICIO 2022 where BACI has a gap/);
});

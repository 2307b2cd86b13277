/**
 * episode-2025: the April 2025 world in 13 regions x 20 sectors with input-output links. It loads with its
 * structure; no importer's zero tariff is a gap; each 2025 measure reaches exactly the sectors (and the part of a
 * sector) it names, on every date of the episode; and aggregated to one sector without intermediates it is the
 * one-sector model run on the aggregated flows and tariffs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { aggregateWorld } from '../../src/data/aggregate.js';
import { openDataset } from '../../src/data/manifest.js';
import { createWorld, ijs, type World } from '../../src/data/world.js';
import { computeBaseline } from '../../src/model/baseline.js';
import { solveOrThrow } from '../../src/model/equilibrium.js';
import { economyResults } from '../../src/model/results.js';
import { openScheduledDataset } from '../../src/schedule/open.js';
import { tariffsAt } from '../../src/schedule/schedule.js';
import { assertClose, DATA } from '../helpers.js';

const { world, schedule } = openScheduledDataset('episode-2025');
const param = (name: string) => schedule.parameters.get(name)!.value;

test('13 regions x 20 sectors with input-output links, services, and the eight elasticity sets (FGO in use)', () => {
  assert.equal(world.N, 13);
  assert.equal(world.S, 20);
  assert.deepEqual(world.codes, ['USA', 'JPN', 'CHN', 'KOR', 'VNM', 'MYS', 'SGP', 'THA', 'IDN', 'EU', 'CAN', 'MEX', 'ROW']);
  assert.ok(world.io, 'input-output structure');
  assert.deepEqual(world.meta.services, ['SERV']);
  assert.equal(Object.keys(world.meta.elasticitySets!).length, 8);
  assert.equal(world.meta.elasticitySet, 'FGO');
  for (const s of ['AUTOS', 'STEEL', 'NONFER', 'ELECTRONICS', 'PHARMA', 'ENERGY', 'PETRO']) assert.ok(world.sectors.includes(s), s);
});

test('every importer taxes goods: a zero tariff on a traded good is one the source reports, never a gap', () => {
  const rows = parse(readFileSync(join(DATA, 'episode-2025', 'baseline-tariffs.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  const { N, S, Z, t } = world;
  const goods = world.sectors.map((s, k) => [s, k] as const).filter(([s]) => s !== 'SERV');
  for (let j = 0; j < N; j++) {
    let taxed = 0;
    for (let i = 0; i < N; i++) {
      if (i === j) continue;
      for (const [sector, s] of goods) {
        const k = ijs(N, S, i, j, s);
        if (t[k] > 0) taxed += Z[k];
        else if (Z[k] > 0) {
          const row = rows.find((r) => r.importer === world.codes[j] && r.exporter === world.codes[i] && r.sector === sector);
          assert.ok(row && row.provenance === 'reported' && row.source.startsWith('Teti'), `${world.codes[j]} on ${world.codes[i]} ${sector}: a zero with no source`);
        }
      }
    }
    // Singapore is a free port: the GTD reports zero on nearly all its imports.
    if (world.codes[j] !== 'SGP') assert.ok(taxed > 0, `${world.codes[j]} taxes some of its goods imports`);
  }
  const chn = rows.filter((r) => r.importer === 'USA' && r.exporter === 'CHN' && r.sector !== 'SERV');
  assert.ok(chn.every((r) => /Section 301/.test(r.source)), 'the US tariffs on China carry Section 301');
});

test('each measure reaches the sectors and the part of a sector it names, on every date of the episode', () => {
  const base = (i: string, j: string, s: string) => world.t[ijs(world.N, world.S, world.codes.indexOf(i), world.codes.indexOf(j), world.sectors.indexOf(s))];
  const rate = (date: string, importer: string, exporter: string, sector: string) => tariffsAt(world, schedule, date).cells.find((c) => c.importer === importer && c.exporter === exporter && c.sector === sector)!.rate;
  const vehicles = param('vehicles_share_of_autos');
  const aluminium = param('aluminium_share_of_nonferrous');
  const exempt = param('electronics_exempt_share');
  // Cars from Japan: vehicles pay Section 232 from 3 April; the parts pay the reciprocal duty (10% under the pause) until parts join on 3 May.
  assertClose(rate('2025-04-02', 'USA', 'JPN', 'AUTOS'), base('JPN', 'USA', 'AUTOS'), 1e-12, 'JPN cars before 232');
  assertClose(rate('2025-04-21', 'USA', 'JPN', 'AUTOS'), base('JPN', 'USA', 'AUTOS') + 0.25 * vehicles + 0.1 * (1 - vehicles), 1e-12, 'JPN cars, 21 April');
  assertClose(rate('2025-05-05', 'USA', 'JPN', 'AUTOS'), base('JPN', 'USA', 'AUTOS') + 0.25, 1e-12, 'JPN cars and parts, May');
  // Aluminium within non-ferrous metals: 232 on its part, the reciprocal 10% on the rest.
  assertClose(rate('2025-04-21', 'USA', 'JPN', 'NONFER'), base('JPN', 'USA', 'NONFER') + 0.25 * aluminium + 0.1 * (1 - aluminium), 1e-12, 'JPN non-ferrous');
  assertClose(rate('2025-03-12', 'USA', 'JPN', 'STEEL'), base('JPN', 'USA', 'STEEL') + 0.25, 1e-12, 'JPN steel from 12 March');
  // Electronics from China: the fentanyl 20% on all of it; 125% on the part the 11 April list does not exempt.
  assertClose(rate('2025-04-21', 'USA', 'CHN', 'ELECTRONICS'), base('CHN', 'USA', 'ELECTRONICS') + 0.2 + 1.25 * (1 - exempt), 1e-12, 'CHN electronics');
  assertClose(rate('2025-04-10', 'USA', 'CHN', 'MACH'), base('CHN', 'USA', 'MACH') + 0.2 + 1.25, 1e-12, 'CHN machinery, 145% on top');
  // Annex II: energy and pharmaceuticals pay no reciprocal duty.
  for (const s of ['PHARMA', 'ENERGY', 'PETRO']) assertClose(rate('2025-04-21', 'USA', 'JPN', s), base('JPN', 'USA', s), 1e-12, `JPN ${s}`);
  // China's retaliation on every US good, nothing on services; no measure ever touches services.
  assertClose(rate('2025-04-12', 'CHN', 'USA', 'AGR'), base('USA', 'CHN', 'AGR') + 1.25, 1e-12, 'CHN on US farm goods');
  for (const d of ['2025-02-04', '2025-04-05', '2025-04-12', '2025-07-09']) for (const [i, e] of [['USA', 'CHN'], ['CHN', 'USA'], ['USA', 'JPN']]) assert.equal(rate(d, i, e, 'SERV'), 0);
  // A pair's ALL rate is its goods sectors' rates weighted by their flows.
  const at = tariffsAt(world, schedule, '2025-04-21');
  const cells = at.cells.filter((c) => c.importer === 'USA' && c.exporter === 'JPN');
  let num = 0;
  let den = 0;
  for (const c of cells) {
    if (c.sector === 'ALL' || c.sector === 'SERV') continue;
    const z = world.Z[ijs(world.N, world.S, world.codes.indexOf('JPN'), 0, world.sectors.indexOf(c.sector))];
    num += z * c.rate;
    den += z;
  }
  assertClose(cells.find((c) => c.sector === 'ALL')!.rate, num / den, 1e-12, 'ALL');
});

test('aggregated to one sector without intermediates, it is the one-sector model run on the aggregated flows and tariffs', () => {
  const t = tariffsAt(world, schedule, '2025-04-21').t;
  const plain: World = { ...world, io: undefined };
  const one = aggregateWorld({ ...plain, t }, { sectors: { ALL: [...world.sectors] } });
  const from = aggregateWorld(plain, { sectors: { ALL: [...world.sectors] } });
  // The same world read from files, as a user's one-sector data set would be.
  const dir = mkdtempSync(join(tmpdir(), 'parley-1s-'));
  const csv = (f: (i: number, j: number) => number) => world.codes.flatMap((e, i) => world.codes.map((m, j) => `${e},${m},${f(i, j)}`));
  writeFileSync(join(dir, 'flows.csv'), ['exporter,importer,value', ...csv((i, j) => from.Z[i * world.N + j])].join('\n'));
  writeFileSync(join(dir, 'tariffs.csv'), ['exporter,importer,rate', ...csv((i, j) => from.t[i * world.N + j])].join('\n'));
  writeFileSync(join(dir, 'economies.csv'), ['code,name', ...world.codes.map((c) => `${c},${c}`)].join('\n'));
  writeFileSync(join(dir, 'manifest.yaml'), `name: one\ncurrency: USD million\nsource: test\neconomies: economies.csv\nflows: flows.csv\ntariffs: tariffs.csv\nelasticities: ${from.eps[0]}\n`);
  const read = openDataset(dir).world;
  const shock = { tariffs: Float64Array.from(one.t), costFactors: new Float64Array(one.t.length).fill(1) };
  const a = economyResults(solveOrThrow(from, shock, { deficits: 'balanced' }));
  const b = economyResults(solveOrThrow(read, shock, { deficits: 'balanced' }));
  // And the input-output model with no intermediates on the same world.
  const io = createWorld({ ...from, io: { gva: new Float64Array(from.N).fill(1), gamma: new Float64Array(from.N), alpha: computeBaseline(from).beta } });
  const c = economyResults(solveOrThrow(io, shock, { deficits: 'balanced' }));
  for (let j = 0; j < world.N; j++) {
    assertClose(b[j].welfare_pct, a[j].welfare_pct, 1e-6, `${a[j].code}: from files`);
    assertClose(c[j].welfare_pct, a[j].welfare_pct, 1e-8, `${a[j].code}: input-output model without intermediates`);
  }
  assert.ok(a.find((r) => r.code === 'CHN')!.welfare_pct < 0, 'and the 21 April tariffs hurt China');
});

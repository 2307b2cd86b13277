/**
 * A deal by sector keeps the JSON contract: beside the sector rows, one "ALL" row per importer-exporter pair, the
 * sector rates weighted by the pair's flows, before and in the deal; services are never a bargaining variable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorld, ijs } from '../../src/data/world.js';
import { purgeDeficits } from '../../src/model/equilibrium.js';
import { runSpec } from '../../src/run/runners.js';
import { NegotiateSpecSchema } from '../../src/run/spec.js';
import { resolveUncertain } from '../../src/strategy/uncertainty.js';
import { assertClose, randomWorld } from '../helpers.js';

test('a deal by sector has an ALL row per pair, flow-weighted over its goods sectors; services are not bargained over', () => {
  const base = randomWorld(4, 3, 5, { tariffs: true });
  const world = createWorld({ ...base, sectors: ['A', 'B', 'SERV'], meta: { ...base.meta, services: ['SERV'] } });
  const spec = resolveUncertain(NegotiateSpecSchema.parse({ parties: [world.codes[0], world.codes[1]], instrument: 'partner-sector', frontier: 0 }), 'central');
  const r = runSpec('negotiate', spec, { world });
  const rows = r.agreement.tariffs;
  assert.ok(!rows.some((t) => t.sector === 'SERV'), 'no services variable');
  for (const [importer, exporter] of [[world.codes[0], world.codes[1]], [world.codes[1], world.codes[0]]]) {
    const sectors = rows.filter((t) => t.importer === importer && t.exporter === exporter && t.sector !== 'ALL');
    assert.deepEqual(sectors.map((t) => t.sector), ['A', 'B']);
    const all = rows.filter((t) => t.importer === importer && t.exporter === exporter && t.sector === 'ALL');
    assert.equal(all.length, 1, `one ALL row for ${importer} on ${exporter}`);
    const i = world.codes.indexOf(exporter);
    const j = world.codes.indexOf(importer);
    // Weighted by the flows of the world the deal is struck on (deficits purged: strategy's default).
    const purged = purgeDeficits(world);
    const z = sectors.map((t) => purged.Z[ijs(world.N, world.S, i, j, world.sectors.indexOf(t.sector))]);
    const mean = (f: (t: (typeof sectors)[number]) => number) => sectors.reduce((a, t, k) => a + z[k] * f(t), 0) / (z[0] + z[1]);
    assertClose(all[0].rate, mean((t) => t.rate), 1e-12, 'ALL in the deal');
    assertClose(all[0].before, mean((t) => t.before), 1e-12, 'ALL before');
  }
});

test('sectors bargained apart: each has its own rate, the other goods share one, and naming every goods sector is the deal by sector', () => {
  const base = randomWorld(4, 4, 13, { tariffs: true });
  const world = createWorld({ ...base, sectors: ['A', 'B', 'C', 'SERV'], meta: { ...base.meta, services: ['SERV'] } });
  const parties = [world.codes[0], world.codes[1]];
  const deal = (fields: object) => runSpec('negotiate', resolveUncertain(NegotiateSpecSchema.parse({ parties, frontier: 0, ...fields }), 'central'), { world }).agreement.tariffs;
  const apart = deal({ separate: ['B'] });
  for (const [importer, exporter] of [parties, [...parties].reverse()]) {
    const rate = (sector: string) => apart.find((t) => t.importer === importer && t.exporter === exporter && t.sector === sector)!.rate;
    assert.equal(rate('A'), rate('C'), `${importer} on ${exporter}: A and C share the rate of the goods not bargained apart`);
    assert.notEqual(rate('A'), rate('B'), `${importer} on ${exporter}: B has its own`);
    assert.ok(!apart.some((t) => t.sector === 'SERV' || t.sector === 'OTHER'), 'rows are the sectors themselves');
  }
  const every = deal({ separate: ['A', 'B', 'C'] });
  const bySector = deal({ instrument: 'partner-sector' });
  assert.equal(every.length, bySector.length);
  every.forEach((t, k) => assertClose(t.rate, bySector[k].rate, 1e-7, `${t.importer} on ${t.exporter}/${t.sector}`));
});

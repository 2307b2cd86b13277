/**
 * The episode-2025-1s schedule: for each effective date in the event list, the
 * rates of the main pairs follow from the events; pauses and their expiry
 * switch on their dates; exemptions remove only what they name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDataset } from '../../src/data/manifest.js';
import { collectWarnings } from '../../src/warn.js';
import { scheduleFromManifest, tariffsAt, type TariffsAt } from '../../src/schedule/schedule.js';
import { assertClose } from '../helpers.js';

const { loaded, world } = collectWarnings(() => openDataset('episode-2025-1s')).value;
const schedule = scheduleFromManifest(loaded, world);
const P = Object.fromEntries([...schedule.parameters].map(([k, p]) => [k, p.value]));
const MFN = 0.0255; // US baseline on partners other than China
const US_CHN = 0.208;
const CHN_US = 0.212;

function rate(at: TariffsAt, importer: string, exporter: string, sector = 'ALL'): number {
  const c = at.cells.find((x) => x.importer === importer && x.exporter === exporter && x.sector === sector);
  assert.ok(c, `no cell ${importer} on ${exporter} [${sector}] on ${at.date}`);
  return c.rate;
}

/** Expected total rate by the events, written out by hand per date: [importer, exporter, sector, rate]. */
const EXPECTED: Record<string, [string, string, string, number][]> = {
  '2025-01-31': [['USA', 'CHN', 'other', US_CHN], ['USA', 'JPN', 'other', MFN], ['USA', 'CAN', 'other', MFN], ['CHN', 'USA', 'ALL', CHN_US], ['EU', 'USA', 'ALL', 0.05]],
  '2025-02-04': [['USA', 'CHN', 'other', US_CHN + 0.1], ['USA', 'CHN', 'electronics', US_CHN + 0.1], ['USA', 'CAN', 'other', MFN], ['USA', 'MEX', 'other', MFN]],
  '2025-03-04': [['USA', 'CHN', 'other', US_CHN + 0.2], ['USA', 'CAN', 'other', MFN + 0.25], ['USA', 'CAN', 'energy', MFN + 0.1], ['USA', 'MEX', 'other', MFN + 0.25], ['USA', 'MEX', 'energy', MFN + 0.25]],
  '2025-03-07': [['USA', 'CAN', 'other', MFN + 0.25 * P.non_usmca_share_CAN], ['USA', 'CAN', 'energy', MFN + 0.1 * P.non_usmca_share_CAN], ['USA', 'MEX', 'other', MFN + 0.25 * P.non_usmca_share_MEX]],
  '2025-03-12': [['USA', 'JPN', 'steel_aluminium', MFN + 0.25], ['USA', 'EU', 'steel_aluminium', MFN + 0.25], ['USA', 'CHN', 'steel_aluminium', US_CHN + 0.2 + 0.25], ['USA', 'JPN', 'vehicles_parts', MFN]],
  '2025-04-03': [['USA', 'JPN', 'vehicles_parts', MFN + 0.25], ['USA', 'KOR', 'vehicles_parts', MFN + 0.25], ['USA', 'MEX', 'vehicles_parts', MFN + 0.25 * P.non_usmca_share_MEX + 0.25 * P.non_us_content_share], ['USA', 'JPN', 'other', MFN]],
  '2025-04-05': [['USA', 'JPN', 'other', MFN + 0.1], ['USA', 'JPN', 'vehicles_parts', MFN + 0.25], ['USA', 'JPN', 'energy', MFN], ['USA', 'JPN', 'pharma', MFN], ['USA', 'JPN', 'electronics', MFN], ['USA', 'CHN', 'other', US_CHN + 0.3], ['USA', 'CAN', 'other', MFN + 0.25 * P.non_usmca_share_CAN], ['USA', 'SGP', 'other', MFN + 0.1]],
  '2025-04-09': [['USA', 'JPN', 'other', MFN + 0.24], ['USA', 'VNM', 'other', MFN + 0.46], ['USA', 'EU', 'other', MFN + 0.2], ['USA', 'CHN', 'other', US_CHN + 0.2 + 0.84], ['USA', 'CHN', 'electronics', US_CHN + 0.2], ['USA', 'ROW', 'other', MFN + P.row_annex_i_rate], ['USA', 'SGP', 'other', MFN + 0.1], ['CHN', 'USA', 'ALL', CHN_US]],
  '2025-04-10': [['USA', 'JPN', 'other', MFN + 0.1], ['USA', 'VNM', 'other', MFN + 0.1], ['USA', 'EU', 'other', MFN + 0.1], ['USA', 'CHN', 'other', US_CHN + 0.2 + 1.25], ['CHN', 'USA', 'ALL', CHN_US + 0.84]],
  '2025-04-12': [['CHN', 'USA', 'ALL', CHN_US + 1.25], ['USA', 'CHN', 'other', US_CHN + 0.2 + 1.25]],
  '2025-04-15': [['EU', 'USA', 'ALL', 0.05], ['USA', 'EU', 'other', MFN + 0.1]],
  '2025-04-21': [['USA', 'JPN', 'other', MFN + 0.1], ['USA', 'JPN', 'vehicles_parts', MFN + 0.25], ['USA', 'CHN', 'other', US_CHN + 1.45], ['USA', 'CHN', 'electronics', US_CHN + 0.2], ['CHN', 'USA', 'ALL', CHN_US + 1.25]],
  '2025-07-08': [['USA', 'JPN', 'other', MFN + 0.1], ['USA', 'VNM', 'other', MFN + 0.1]],
  '2025-07-09': [['USA', 'JPN', 'other', MFN + 0.24], ['USA', 'VNM', 'other', MFN + 0.46], ['USA', 'EU', 'other', MFN + 0.2], ['USA', 'JPN', 'electronics', MFN], ['USA', 'CHN', 'other', US_CHN + 1.45]],
};

for (const [date, rows] of Object.entries(EXPECTED)) {
  test(`schedule on ${date}: the main pairs' rates follow from the events`, () => {
    const at = tariffsAt(world, schedule, date);
    for (const [imp, exp, sector, want] of rows) assertClose(rate(at, imp, exp, sector), want, 1e-12, `${imp} on ${exp} [${sector}] on ${date}`);
  });
}

test('the day before each effective date the earlier rate still applies', () => {
  const pairs: [string, string, string, string, number][] = [
    ['2025-02-03', 'USA', 'CHN', 'other', US_CHN],
    ['2025-03-03', 'USA', 'CAN', 'other', MFN],
    ['2025-04-04', 'USA', 'JPN', 'other', MFN],
    ['2025-04-08', 'USA', 'JPN', 'other', MFN + 0.1],
    ['2025-04-11', 'CHN', 'USA', 'ALL', CHN_US + 0.84],
  ];
  for (const [date, imp, exp, sector, want] of pairs) assertClose(rate(tariffsAt(world, schedule, date), imp, exp, sector), want, 1e-12, `${imp} on ${exp} on ${date}`);
});

test('the pause switches on 10 April and off on 9 July for every paused partner, never for China', () => {
  for (const exp of ['JPN', 'KOR', 'VNM', 'MYS', 'THA', 'IDN', 'EU', 'ROW']) {
    const before = rate(tariffsAt(world, schedule, '2025-04-09'), 'USA', exp, 'other');
    const during = rate(tariffsAt(world, schedule, '2025-04-10'), 'USA', exp, 'other');
    const last = rate(tariffsAt(world, schedule, '2025-07-08'), 'USA', exp, 'other');
    const after = rate(tariffsAt(world, schedule, '2025-07-09'), 'USA', exp, 'other');
    assertClose(during, MFN + 0.1, 1e-12, `${exp} paused`);
    assertClose(last, during, 1e-12, `${exp} still paused on 8 July`);
    assertClose(after, before, 1e-12, `${exp} Annex I rate back on 9 July`);
    assert.ok(before > during, `${exp}: the Annex I rate is above 10%`);
  }
});

test('exemptions remove only what they name', () => {
  const at = tariffsAt(world, schedule, '2025-04-21');
  // Electronics: reciprocal gone, China's fentanyl duty and the baseline kept.
  const chnElec = at.cells.find((c) => c.importer === 'USA' && c.exporter === 'CHN' && c.sector === 'electronics')!;
  assert.deepEqual(chnElec.measures.map((m) => m.name).sort(), ['baseline', 'fentanyl-chn-20']);
  // Annex II energy: no reciprocal, but Canada's fentanyl duty on energy stays.
  assertClose(rate(at, 'USA', 'CAN', 'energy'), MFN + 0.1 * P.non_usmca_share_CAN, 1e-12, 'CAN energy');
  // s.232 goods pay no reciprocal duty, and everything else from the same exporter does.
  const jpnCar = at.cells.find((c) => c.importer === 'USA' && c.exporter === 'JPN' && c.sector === 'vehicles_parts')!;
  assert.deepEqual(jpnCar.measures.map((m) => m.name), ['baseline', 's232-autos']);
  assert.deepEqual(at.cells.find((c) => c.importer === 'USA' && c.exporter === 'JPN' && c.sector === 'other')!.measures.map((m) => m.name), ['baseline', 'pause']);
});

test('the overall rate of a split flow is the share-weighted mean of its sector rates, measure by measure', () => {
  const at = tariffsAt(world, schedule, '2025-04-21');
  const { sectors, shares } = schedule.shares!;
  for (const exp of ['JPN', 'CHN', 'CAN', 'VNM']) {
    const w = shares.get(`USA|${exp}`)!;
    const sum = sectors.reduce((a, s, k) => a + w[k] * rate(at, 'USA', exp, s), 0);
    const all = at.cells.find((c) => c.importer === 'USA' && c.exporter === exp && c.sector === 'ALL')!;
    assertClose(all.rate, sum, 1e-12, `USA on ${exp} ALL`);
    assertClose(all.measures.reduce((a, m) => a + m.rate, 0), all.rate, 1e-12, `USA on ${exp} measures add up`);
    assert.equal(at.t[(world.codes.indexOf(exp) * world.N + world.codes.indexOf('USA'))], all.rate);
  }
});

test('as known on the day: the retroactive electronics exemption does not yet apply on 7 April', () => {
  const law = tariffsAt(world, schedule, '2025-04-07');
  const known = tariffsAt(world, schedule, '2025-04-07', { asKnown: true });
  assertClose(rate(law, 'USA', 'JPN', 'electronics'), MFN, 1e-12, 'as written');
  assertClose(rate(known, 'USA', 'JPN', 'electronics'), MFN + 0.1, 1e-12, 'as known');
  assertClose(rate(known, 'USA', 'JPN', 'other'), rate(law, 'USA', 'JPN', 'other'), 1e-12, 'other goods unchanged');
});

test('a date that is not a calendar day is an input error', () => {
  assert.throws(() => tariffsAt(world, schedule, '2025-02-30'), /expected a date YYYY-MM-DD, found "2025-02-30"/);
});

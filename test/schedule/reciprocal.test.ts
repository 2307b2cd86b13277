/**
 * The USTR formula against Annex I of EO 14257, from the Census 2024 figures in
 * data/tariff-episode-2025/countries.csv. Known mismatches (data vintage or an
 * undocumented rounding rule; see that folder's SOURCE.md): THA and KOR.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readCsv } from '../../src/data/csv.js';
import { impliedPartnerRate, reciprocalRate, USTR_2025 } from '../../src/schedule/reciprocal.js';
import { assertClose, DATA } from '../helpers.js';

const KNOWN_MISMATCH: Record<string, number> = { THA: 0.37, KOR: 0.26 };

test('reciprocal formula reproduces Annex I for every focus partner but the known mismatches', () => {
  const table = readCsv(join(DATA, 'tariff-episode-2025/countries.csv'), ['iso', 'us_imports_from_usd_2024', 'us_exports_to_usd_2024', 'annex_i_rate_2025_04_02_pct']);
  let checked = 0;
  for (const row of table.rows) {
    const annexText = row.values.annex_i_rate_2025_04_02_pct;
    if (!/^\d+(\.\d+)?$/.test(annexText)) continue; // CAN, MEX (fentanyl regime), USA
    const annex = Number(annexText);
    const m = Number(row.values.us_imports_from_usd_2024);
    const x = Number(row.values.us_exports_to_usd_2024);
    const rate = reciprocalRate(x, m);
    const iso = row.values.iso;
    if (iso in KNOWN_MISMATCH) {
      assertClose(rate, KNOWN_MISMATCH[iso], 1e-12, `${iso}: formula (Annex I has ${annex}%)`);
      assert.ok(Math.abs(rate * 100 - annex) <= 1, `${iso} within one point of Annex I`);
    } else {
      assertClose(rate, annex / 100, 1e-12, `${iso}: formula vs Annex I`);
    }
    checked++;
  }
  assert.equal(checked, 9);
});

test('epsilon x phi = 1, so the implied rate is the deficit over imports; a US surplus gives the 10% floor', () => {
  assert.equal(USTR_2025.epsilon * USTR_2025.phi, 1);
  assertClose(impliedPartnerRate(79.740845546e9, 148.208566623e9), 0.4620, 1e-4, 'JPN implied rate (countries.csv: 46.2%)');
  assert.equal(reciprocalRate(46.03e9, 43.2e9), 0.1, 'SGP: US surplus');
  assert.throws(() => impliedPartnerRate(1, 0), RangeError);
});

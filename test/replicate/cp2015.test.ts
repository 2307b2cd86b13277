/**
 * Caliendo & Parro (2015), MODEL.md §4 check 10. The paper's files are
 * academic material Parley does not ship: the loader's checks run on
 * synthetic folders always; the replication runs when PARLEY_CP2015 names the
 * folder (.ci/run sets it) and says so when skipped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CP_ECONOMIES, CP_SECTORS, loadCp2015 } from '../../src/replicate/cp2015-data.js';
import { CP_PUBLISHED, replicateCp2015 } from '../../src/replicate/cp2015.js';
import { assertClose, rejectsInput, rng } from '../helpers.js';

const N = CP_ECONOMIES.length;
const S = CP_SECTORS.length;

/** A synthetic folder in the files' layout (tab-separated), with optional damage. */
function syntheticFolder(damage: { drop?: string; badCell?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-cp-'));
  const r = rng(5);
  const matrix = (rows: number, cols: number, f: (row: number, col: number) => number) => Array.from({ length: rows }, (_, row) => Array.from({ length: cols }, (_, c) => f(row, c)).join('\t')).join('\n') + '\n';
  const files: Record<string, string> = {
    'xbilat1993.txt': matrix(20 * N, N, (row, c) => (row % N === c ? 0 : 10 + 100 * r())),
    'tariffs1993.txt': matrix(20 * N, N, (row, c) => (row % N === c ? 0 : 10 * r())),
    'tariffs2005.txt': matrix(20 * N, N, (row, c) => (row % N === c ? 0 : 5 * r())),
    // Each sector's inputs spread evenly over all 40 sectors.
    'IO.txt': matrix(N * S, S, (row, c) => (damage.badCell && row === 7 && c === 3 ? 2 : 1 / S)),
    'B.txt': matrix(S, N, () => 0.4 + 0.3 * r()),
    'GO.txt': matrix(S, N, () => 1e6 * (1 + r())),
    'T.txt': matrix(20, 1, () => 2 + 8 * r()),
  };
  for (const [name, text] of Object.entries(files)) if (name !== damage.drop) writeFileSync(join(dir, name), text);
  return dir;
}

test('CP loader: builds a 31 x 40 input-output world from the files, services never traded', () => {
  const dir = syntheticFolder();
  try {
    const d = loadCp2015(dir);
    assert.equal(d.world.N, 31);
    assert.equal(d.world.S, 40);
    assert.ok(d.world.io);
    const { Z } = d.world;
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) if (i !== j) for (let s = 20; s < S; s++) assert.equal(Z[(i * N + j) * S + s], 0, 'services are not traded');
    // Flows are read in thousand USD and kept in USD.
    assert.ok(Z[(1 * N + 0) * S] >= 10_000);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('CP loader: a missing file and a bad cell are one-line errors naming the file (and line and column)', () => {
  const missing = syntheticFolder({ drop: 'B.txt' });
  const bad = syntheticFolder({ badCell: true });
  try {
    rejectsInput(() => loadCp2015(missing), /no B\.txt/);
    rejectsInput(() => loadCp2015(bad), /IO\.txt, line 8, column "4": expected an input share in \[0, 1\], found "2"/);
  } finally {
    rmSync(missing, { recursive: true });
    rmSync(bad, { recursive: true });
  }
});

const DIR = process.env.PARLEY_CP2015;

test('check 10: NAFTA on Caliendo & Parro\'s data gives the published welfare (Mexico +1.31, Canada -0.06, USA +0.08)', { skip: DIR ? false : 'PARLEY_CP2015 is not set: the paper\'s files are not shipped, so the replication is skipped' }, () => {
  const r = replicateCp2015(loadCp2015(DIR!));
  for (const [code, published] of Object.entries(CP_PUBLISHED)) {
    const e = r.economies.find((x) => x.code === code)!;
    assert.equal(e.welfare_pct.toFixed(2), published.toFixed(2), `${code}: welfare ${e.welfare_pct}`);
    assertClose(e.welfare_pct, e.tot_pct + e.vot_pct, 1e-12, `${code}: welfare = ToT + VoT`);
  }
  // The first-order measure overstates Mexico's gain: it gives up tariff revenue on NAFTA imports.
  const mex = r.economies.find((x) => x.code === 'MEX')!;
  assert.ok(mex.real_income_pct < mex.welfare_pct - 1, `Mexico: exact real income ${mex.real_income_pct} well below ${mex.welfare_pct}`);
  assert.equal(r.economies.length, 31);
});

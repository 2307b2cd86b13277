/**
 * Loader for the data of Ossa (2014), "Trade Wars and Trade Talks with
 * Data" (AER 104(12)), read from the author's replication package in a folder
 * the user names. The trade and tariff data derive from GTAP and may not be
 * redistributed, so Parley ships none of it; this reads the package's own
 * files (in the folder or its `original/` subfolder) and checks their shapes.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, InputError } from '../errors.js';
import { createWorld, type World } from '../data/world.js';
import { numberCell, readCsv } from '../data/csv.js';
import { readMatrix } from '../data/matrix.js';

/** Regions in the package's order (alphabetical; RoW before US). */
export const OSSA_REGIONS = ['BRA', 'CHN', 'EU', 'IND', 'JPN', 'ROW', 'USA'] as const;
export const OSSA_REGION_NAMES = ['Brazil', 'China', 'EU', 'India', 'Japan', 'RoW', 'US'] as const;
/** The 33 GTAP industries in the package's order. */
export const OSSA_INDUSTRIES = [
  'ric', 'wht', 'gro', 'v_f', 'osd', 'sug', 'pfb', 'ocr', 'ctl', 'oap', 'dry', 'wol', 'frs', 'cmt', 'omt', 'vol', 'ofd',
  'b_t', 'tex', 'wap', 'lea', 'lum', 'ppp', 'crp', 'nmm', 'i_s', 'nfm', 'fmp', 'mvh', 'otn', 'ele', 'ome', 'omf',
] as const;

const N = OSSA_REGIONS.length;
const S = OSSA_INDUSTRIES.length;

export interface OssaData {
  /** The Krugman world: flows before tariffs, applied tariffs, eps = sigma - 1. */
  world: World;
  /** Political-economy weights lambda[j][s] (region j, industry s); all ones when the file is absent. */
  lambda: Float64Array;
  /** Whether the flows are the package's purged ones (trade_purged_ijs.csv) or raw (to be purged). */
  purged: boolean;
  /** The files read. */
  files: string[];
}

/** The first of the candidate paths that exists. */
function find(dir: string, name: string): string | undefined {
  for (const p of [join(dir, name), join(dir, 'original', name)]) if (existsSync(p)) return p;
  return undefined;
}

function need(dir: string, name: string, what: string): string {
  const p = find(dir, name);
  if (!p) throw new InputError(`${dir}: no ${name} (${what}) in the folder or its original/ subfolder; point --data at Ossa's replication package`);
  return p;
}

/** Stacked (s - 1) * N + i rows, importer columns -> [i][j][s]. */
function unstack(m: Float64Array): Float64Array {
  const out = new Float64Array(N * N * S);
  for (let s = 0; s < S; s++) for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) out[(i * N + j) * S + s] = m[(s * N + i) * N + j];
  return out;
}

/** Read Ossa's package from `dir` (PARLEY_OSSA2014 in the tests). */
export function loadOssa2014(dir: string): OssaData {
  if (!existsSync(dir)) throw new InputError(`${dir}: no such folder (expected Ossa's replication package)`);
  const shape = '33 industries x 7 exporters stacked, by 7 importers';
  const purgedFile = find(dir, 'trade_purged_ijs.csv');
  const tradeFile = purgedFile ?? need(dir, 'trade_ijs.csv', 'trade flows');
  const tariffFile = need(dir, 'tariff_ijs.csv', 'applied tariffs');
  const sigmaFile = need(dir, 'sigma_s.csv', 'elasticities of substitution');
  const Z = unstack(readMatrix(tradeFile, S * N, N, shape, (v) => v >= 0, 'a trade flow >= 0'));
  const t = unstack(readMatrix(tariffFile, S * N, N, shape, (v) => v > -1, 'a tariff above -1 (0.25 = 25%)'));
  const sigmaAll = readMatrix(sigmaFile, S, 5, '33 industries; column 1 is the main estimate', (v) => v > 1, 'an elasticity of substitution sigma > 1');
  const eps = Float64Array.from({ length: S }, (_, s) => sigmaAll[s * 5] - 1);
  const files = [tradeFile, tariffFile, sigmaFile];
  const lambda = new Float64Array(N * S).fill(1);
  const lambdaFile = find(dir, 'lambda_pol.csv');
  if (lambdaFile) {
    // industry_idx, industry_code, then one column per region (its name in the package).
    const table = readCsv(lambdaFile, ['industry_idx', ...OSSA_REGION_NAMES]);
    if (table.rows.length !== S) throw new DataError(`expected ${S} industry rows, found ${table.rows.length}`, { file: lambdaFile });
    for (const row of table.rows) {
      const s = numberCell(table, row, 'industry_idx', { min: 1, expected: 'an industry index 1..33' }) - 1;
      if (!Number.isInteger(s) || s >= S) throw new DataError('expected an industry index 1..33', { file: lambdaFile, line: row.line, column: 'industry_idx' });
      OSSA_REGION_NAMES.forEach((name, j) => (lambda[j * S + s] = numberCell(table, row, name, { min: 0, expected: 'a political-economy weight >= 0' }) + 0));
    }
    files.push(lambdaFile);
  }
  let world: World;
  try {
    world = createWorld({
      codes: OSSA_REGIONS,
      names: OSSA_REGION_NAMES,
      sectors: OSSA_INDUSTRIES,
      Z,
      t,
      eps,
      model: 'krugman',
      meta: { name: 'ossa2014', currency: 'million USD (inferred)', year: 2007, source: "Ossa (2014) replication package (GTAP-derived; not redistributed)" },
    });
  } catch (e) {
    throw new DataError((e as Error).message, { file: tradeFile });
  }
  return { world, lambda, purged: purgedFile !== undefined, files };
}

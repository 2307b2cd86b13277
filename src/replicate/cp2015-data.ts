/**
 * Loader for the data of Caliendo & Parro (2015), "Estimates of the Trade and
 * Welfare Effects of NAFTA" (Review of Economic Studies 82(1)), read from the
 * paper's replication files (Equilibrium/ of the ReStud package) in a folder
 * the user names. Academic material with no open licence: Parley ships none
 * of it. The world is built as the paper's own code builds it: domestic sales
 * are gross output less exports (output raised to exports where below),
 * final-demand shares are what spending leaves after intermediate use
 * (negatives clipped), non-traded sectors get the code's elasticity 8.22.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, InputError } from '../errors.js';
import { createWorld, type World } from '../data/world.js';
import { readMatrix } from '../data/matrix.js';
import { finalDemandShares } from '../data/io.js';

/** The 31 economies in the files' order. */
export const CP_ECONOMIES = ['ARG', 'AUS', 'AUT', 'BRA', 'CAN', 'CHL', 'CHN', 'DNK', 'FIN', 'FRA', 'DEU', 'GRC', 'HUN', 'IND', 'IDN', 'IRL', 'ITA', 'JPN', 'KOR', 'MEX', 'NLD', 'NZL', 'NOR', 'PRT', 'ZAF', 'ESP', 'SWE', 'TUR', 'GBR', 'USA', 'ROW'] as const;
/** The 40 sectors: the first 20 traded, the last 20 services (never traded). */
export const CP_SECTORS = [
  'Agriculture', 'Mining', 'Food', 'Textile', 'Wood', 'Paper', 'Petroleum', 'Chemicals', 'Plastic', 'Minerals', 'Basic metals', 'Metal products', 'Machinery n.e.c.', 'Office', 'Electrical', 'Communication', 'Medical', 'Auto', 'Other Transport', 'Other',
  'Electricity', 'Construction', 'Retail', 'Hotels', 'Land Transport', 'Water Transport', 'Air Transport', 'Aux Transport', 'Post', 'Finance', 'Real Estate', 'Renting Mach.', 'Computer', 'R&D', 'Other Business', 'Public', 'Education', 'Health', 'Other Services', 'Private',
] as const;
/** The NAFTA members, whose mutual tariffs the counterfactual changes. */
export const NAFTA = ['CAN', 'MEX', 'USA'] as const;
/** The elasticity the paper's code gives non-traded sectors (they never trade, so it does not matter). */
const NON_TRADED_EPS = 8.22;

const N = CP_ECONOMIES.length;
const S = CP_SECTORS.length;
const TRADED = 20;

export interface Cp2015Data {
  /** The 1993 world: flows before tariffs (domestic sales included), 1993 tariffs, IO structure. */
  world: World;
  /** Applied tariffs of 2005, [i][j][s] (every pair; the counterfactual uses NAFTA's only). */
  tariffs2005: Float64Array;
  /** Final-demand cells clipped to 0 when deriving alpha, as the paper's code does. */
  clipped: number;
  /** Input shares the files give as negative, set to 0 (their sector's column rescaled to sum to 1). */
  negativeShares: string[];
  files: string[];
}

function need(dir: string, name: string): string {
  const p = join(dir, name);
  if (!existsSync(p)) throw new InputError(`${dir}: no ${name}; point --data at the folder of Caliendo & Parro's Equilibrium files (xbilat1993.txt, tariffs1993.txt, tariffs2005.txt, IO.txt, B.txt, GO.txt, T.txt)`);
  return p;
}

/** Rows of 31 importers per traded sector, exporter columns -> [i][j][s] for the traded sectors. */
function unstackTraded(m: Float64Array, scale: number): Float64Array {
  const out = new Float64Array(N * N * S);
  for (let s = 0; s < TRADED; s++) for (let j = 0; j < N; j++) for (let i = 0; i < N; i++) if (i !== j) out[(i * N + j) * S + s] = m[(s * N + j) * N + i] * scale;
  return out;
}

/** Read the replication files from `dir` (PARLEY_CP2015 in the tests). */
export function loadCp2015(dir: string): Cp2015Data {
  if (!existsSync(dir)) throw new InputError(`${dir}: no such folder (expected Caliendo & Parro's replication files)`);
  const files = ['xbilat1993.txt', 'tariffs1993.txt', 'tariffs2005.txt', 'IO.txt', 'B.txt', 'GO.txt', 'T.txt'].map((f) => need(dir, f));
  const [flowFile, t93File, t05File, ioFile, bFile, goFile, tFile] = files;
  const stacked = '20 traded sectors x 31 importers stacked, by 31 exporters';
  const tab = /\t/;
  // Flows are in thousand USD; the paper's code works in USD.
  const Z = unstackTraded(readMatrix(flowFile, TRADED * N, N, stacked, (v) => v >= 0, 'a trade flow >= 0 (thousand USD)', tab), 1000);
  const t = unstackTraded(readMatrix(t93File, TRADED * N, N, stacked, (v) => v > -100, 'a tariff in percent above -100', tab), 0.01);
  const tariffs2005 = unstackTraded(readMatrix(t05File, TRADED * N, N, stacked, (v) => v > -100, 'a tariff in percent above -100', tab), 0.01);
  const io = readMatrix(ioFile, N * S, S, 'per economy 40 input rows by 40 sector columns', (v) => v >= -0.01 && v <= 1, 'an input share in [0, 1]', tab);
  const negativeShares = clipNegativeInputShares(io);
  const B = readMatrix(bFile, S, N, '40 sectors by 31 economies', (v) => v > 0 && v <= 1, 'a value-added share in (0, 1]', tab);
  const GO = readMatrix(goFile, S, N, '40 sectors by 31 economies', (v) => v >= 0, 'gross output >= 0', tab);
  const theta = readMatrix(tFile, TRADED, 1, 'one elasticity per traded sector', (v) => v > 0, 'a trade elasticity > 0', tab);
  const eps = Float64Array.from({ length: S }, (_, s) => (s < TRADED ? theta[s] : NON_TRADED_EPS));
  // Domestic sales: output less exports, output raised to exports where the data have it below.
  for (let i = 0; i < N; i++) {
    for (let s = 0; s < S; s++) {
      let exports = 0;
      for (let j = 0; j < N; j++) exports += Z[(i * N + j) * S + s];
      Z[(i * N + i) * S + s] = Math.max(GO[s * N + i], exports) - exports;
    }
  }
  const gva = new Float64Array(N * S);
  const gamma = new Float64Array(N * S * S);
  for (let n = 0; n < N; n++) {
    for (let s = 0; s < S; s++) {
      const b = B[s * N + n];
      gva[n * S + s] = b;
      for (let k = 0; k < S; k++) gamma[(n * S + k) * S + s] = io[(n * S + k) * S + s] * (1 - b);
    }
  }
  const { alpha, clipped } = finalDemandShares(N, S, Z, t, gamma);
  let world: World;
  try {
    world = createWorld({
      codes: CP_ECONOMIES,
      sectors: CP_SECTORS,
      Z,
      t,
      eps,
      io: { gva, gamma, alpha },
      meta: { name: 'caliendo-parro-2015', currency: 'USD', year: 1993, source: 'Caliendo & Parro (2015) replication files (not redistributed)' },
    });
  } catch (e) {
    throw new DataError((e as Error).message, { file: ioFile });
  }
  return { world, tariffs2005, clipped: clipped.length, negativeShares, files };
}

/**
 * IO.txt has one slightly negative share (Canada, "Other" into "Basic
 * metals", -0.0008): the paper's code uses it as is, Parley's model wants
 * shares >= 0. Set such shares to 0 and rescale the sector's column so it
 * still sums to 1; a change of 0.08% of one column, far below the digits
 * published. Returns what was changed, one line each.
 */
function clipNegativeInputShares(io: Float64Array): string[] {
  const changed: string[] = [];
  for (let n = 0; n < N; n++) {
    for (let s = 0; s < S; s++) {
      let neg = false;
      for (let k = 0; k < S; k++) if (io[(n * S + k) * S + s] < 0) neg = true;
      if (!neg) continue;
      let sum = 0;
      for (let k = 0; k < S; k++) {
        const c = (n * S + k) * S + s;
        if (io[c] < 0) {
          changed.push(`${CP_ECONOMIES[n]}: share of ${CP_SECTORS[k]} in ${CP_SECTORS[s]} ${io[c]} set to 0`);
          io[c] = 0;
        }
        sum += io[c];
      }
      for (let k = 0; k < S; k++) io[(n * S + k) * S + s] /= sum;
    }
  }
  return changed;
}

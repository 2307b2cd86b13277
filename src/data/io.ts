/**
 * Deriving the final-demand side of an input-output structure from flows
 * (MODEL.md §4): spending on s is intermediate use plus final demand,
 * X[n][s] = sum_k gamma[n][s][k] GO[n][k] + alpha[n][s] I[n], so alpha is what
 * is left of spending after intermediate use, as a share of income. Caliendo &
 * Parro's code does the same and clips negative remainders (inventories and
 * data noise) to zero before renormalising; so does this.
 */
import { basename } from 'node:path';
import { DataError } from '../errors.js';
import { numberAt, readCsv } from './csv.js';
import { lookupText, type FlowSource } from './tables.js';
import { createWorld, IO_SHARE_TOL, type IoStructure, type World } from './world.js';

export interface FinalDemand {
  /** Final-demand shares [n][s], each economy's summing to 1. */
  alpha: Float64Array;
  /** Cells whose remainder was negative and clipped to 0. */
  clipped: number[];
}

export function finalDemandShares(N: number, S: number, Z: Float64Array, t: Float64Array, gamma: Float64Array): FinalDemand {
  const X = new Float64Array(N * S);
  const GO = new Float64Array(N * S);
  for (let i = 0; i < N; i++) {
    for (let n = 0; n < N; n++) {
      const b = (i * N + n) * S;
      for (let s = 0; s < S; s++) {
        X[n * S + s] += Z[b + s] * (1 + t[b + s]);
        GO[i * S + s] += Z[b + s];
      }
    }
  }
  const alpha = new Float64Array(N * S);
  const clipped: number[] = [];
  for (let n = 0; n < N; n++) {
    let total = 0;
    for (let s = 0; s < S; s++) {
      let inter = 0;
      for (let k = 0; k < S; k++) inter += gamma[(n * S + s) * S + k] * GO[n * S + k];
      const f = X[n * S + s] - inter;
      if (f < 0) clipped.push(n * S + s);
      alpha[n * S + s] = Math.max(0, f);
      total += alpha[n * S + s];
    }
    for (let s = 0; s < S; s++) alpha[n * S + s] = total > 0 ? alpha[n * S + s] / total : 1 / S;
  }
  return { alpha, clipped };
}

/**
 * The input-output structure of a World from two long-form files (MODEL.md §4):
 *   value added  economy,sector,share           every economy and sector, share in (0, 1]
 *   inputs       economy,input,sector,share     share of input sector in the sector's gross output; missing rows are 0
 * Shares of one economy and sector must add up to 1 (value added + inputs).
 * Final-demand shares are derived from the flows (finalDemandShares). Every
 * rejected cell is a DataError naming file, line and column.
 */
export function readIoStructure(valueAdded: FlowSource, inputs: FlowSource, world: World): { io: IoStructure; notes: string[] } {
  const { N, S, codes, sectors } = world;
  const ex = new Map(codes.map((c, k) => [c, k]));
  const sx = new Map(sectors.map((c, k) => [c, k]));
  const gva = new Float64Array(N * S).fill(NaN);
  const vaLine = new Int32Array(N * S);
  const va = readCsv(valueAdded.file, ['economy', 'sector', 'share'], valueAdded.columns);
  const [ve, vs, vv] = ['economy', 'sector', 'share'].map((c) => va.column(c));
  for (let r = 0; r < va.count; r++) {
    const n = lookupText(va, r, ve, ex, 'economy');
    const s = lookupText(va, r, vs, sx, 'sector');
    const loc = { file: va.file, line: va.line(r), column: 'share' };
    if (!Number.isNaN(gva[n * S + s])) throw new DataError(`duplicate value-added share for ${codes[n]} [${sectors[s]}] (first given at line ${vaLine[n * S + s]})`, { ...loc, column: 'economy' });
    const v = numberAt(va, r, vv, { above: 0, expected: 'a value-added share in (0, 1]' });
    if (v > 1 + IO_SHARE_TOL) throw new DataError(`expected a value-added share in (0, 1], found ${v}`, loc);
    gva[n * S + s] = v;
    vaLine[n * S + s] = va.line(r);
  }
  for (let k = 0; k < N * S; k++) {
    if (Number.isNaN(gva[k])) throw new DataError(`no value-added share for ${codes[Math.floor(k / S)]} [${sectors[k % S]}]: every economy and sector needs one`, { file: va.file });
  }
  // A sector nobody produces cannot be bought, as an input or for final use.
  const output = new Float64Array(S);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) for (let s = 0; s < S; s++) output[s] += world.Z[(i * N + j) * S + s];
  const gamma = new Float64Array(N * S * S);
  const used = new Float64Array(N * S);
  const inp = readCsv(inputs.file, ['economy', 'input', 'sector', 'share'], inputs.columns);
  const [ie, ii, is, iv] = ['economy', 'input', 'sector', 'share'].map((c) => inp.column(c));
  for (let r = 0; r < inp.count; r++) {
    const n = lookupText(inp, r, ie, ex, 'economy');
    const k = lookupText(inp, r, ii, sx, 'sector');
    const s = lookupText(inp, r, is, sx, 'sector');
    const v = numberAt(inp, r, iv, { min: 0, expected: 'an input share >= 0' });
    if (v > 0 && !(output[k] > 0)) throw new DataError(`sector ${sectors[k]} has no output anywhere in the flows, but is used as an input here`, { file: inp.file, line: inp.line(r), column: 'input' });
    const c = (n * S + k) * S + s;
    if (gamma[c] !== 0) throw new DataError(`duplicate input share ${sectors[k]} into ${codes[n]} [${sectors[s]}]`, { file: inp.file, line: inp.line(r), column: 'economy' });
    gamma[c] = v;
    used[n * S + s] += v;
  }
  for (let n = 0; n < N; n++) {
    for (let s = 0; s < S; s++) {
      const sum = gva[n * S + s] + used[n * S + s];
      if (Math.abs(sum - 1) > IO_SHARE_TOL) {
        throw new DataError(`value added and inputs of ${codes[n]} [${sectors[s]}] sum to ${sum.toPrecision(6)} (value added ${gva[n * S + s]}, inputs ${used[n * S + s].toPrecision(6)} from ${basename(inp.file)}); expected 1`, { file: va.file, line: vaLine[n * S + s], column: 'share' });
      }
    }
  }
  const { alpha, clipped } = finalDemandShares(N, S, world.Z, world.t, gamma);
  const notes = [`input-output structure from ${basename(va.file)} and ${basename(inp.file)}; final-demand shares derived from the flows (spending less intermediate use)`];
  if (clipped.length) notes.push(`${clipped.length} economy-sector cells had intermediate use above spending: final demand set to 0 there (the baseline is then the data's no-shock equilibrium)`);
  return { io: { gva, gamma, alpha }, notes };
}

/** The world with its final-demand shares derived again from its flows and tariffs (after tariffs or economies change). */
export function withFinalDemand(world: World): World {
  if (!world.io) return world;
  const { alpha } = finalDemandShares(world.N, world.S, world.Z, world.t, world.io.gamma);
  return createWorld({ ...world, io: { ...world.io, alpha } });
}

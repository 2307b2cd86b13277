/**
 * The trade data model: economies, sectors, flows before tariffs Z[i][j][s]
 * (domestic flows included), baseline tariffs t[i][j][s] and elasticities
 * eps[s]. Every 3-index array is one flat Float64Array in [i][j][s] order:
 * exporter i, importer j, sector s (MODEL.md §1).
 */
import { InputError } from '../errors.js';
import type { ProvenanceSummary } from './provenance.js';

/** Provenance and units of a data set. */
export interface WorldMeta {
  /** Data set name (built-in name or folder). */
  name: string;
  /** Currency and unit of every flow value, e.g. "USD". */
  currency: string;
  /** Year of the flows. */
  year?: number;
  /** One-line description of where the numbers come from. */
  source?: string;
  /** Named aggregates used (e.g. EU -> members). */
  groups?: Record<string, string[]>;
  /** Share of flow value by provenance, computed before any aggregation. */
  provenance?: ProvenanceSummary;
  /** What the loader changed or left out (floors applied, rows filtered, gaps filled), one line each. */
  notes?: string[];
  /** Named trade-elasticity sets the data set offers (sector order), and the one `eps` holds. */
  elasticitySets?: Record<string, number[]>;
  elasticitySet?: string;
  /**
   * Sectors that are services: no tariff measure reaches them ("*" in a measure means the goods sectors) and
   * trade-weighted tariff summaries (a pair's "ALL" rate) are over goods only.
   */
  services?: string[];
}

/**
 * Market structure the flows are read with (MODEL.md §1 is `armington`):
 * - `armington`: perfect competition, all sales are factor income;
 * - `krugman`: monopolistic competition with a fixed number of firms per
 *   economy and sector (Ossa 2014): markup sigma/(sigma - 1) with sigma = eps + 1,
 *   so 1/sigma of sales is profit and the rest labour income; labour is
 *   mobile across sectors and the wage clears the labour market.
 */
export type MarketModel = 'armington' | 'krugman';

export const MARKET_MODELS: readonly MarketModel[] = ['armington', 'krugman'];

export interface World {
  /** Economy codes (ISO3 or a named aggregate), index = position. */
  readonly codes: readonly string[];
  /** Human names, same order as codes. */
  readonly names: readonly string[];
  /** Sector codes. */
  readonly sectors: readonly string[];
  readonly N: number;
  readonly S: number;
  /** Flows before tariffs, [i][j][s], in `meta.currency`. */
  readonly Z: Float64Array;
  /** Baseline ad valorem tariffs importer j applies to exporter i, [i][j][s]; fractions (0.25 = 25%). */
  readonly t: Float64Array;
  /** Trade elasticity per sector (sigma - 1). */
  readonly eps: Float64Array;
  /** Provenance code per flow cell ([i][j][s], see PROVENANCE), when the data states it. */
  readonly provenance?: Uint8Array;
  /** Market structure; absent = `armington`. */
  readonly model?: MarketModel;
  /** Input-output structure (MODEL.md §4, Caliendo & Parro 2015); absent = labour is the only input. */
  readonly io?: IoStructure;
  readonly meta: WorldMeta;
}

/**
 * How each economy's sectors produce and spend (MODEL.md §4). Per economy n
 * and sector s: gva[n][s] + sum_k gamma[n][k][s] = 1, alpha[n][.] sums to 1.
 */
export interface IoStructure {
  /** Value-added share of gross output, [n][s], in (0, 1]. */
  readonly gva: Float64Array;
  /** Share of input sector k (any origin) in the gross output of (n, s), [n][k][s]. */
  readonly gamma: Float64Array;
  /** Final-demand share of sector s in n's income, [n][s]. */
  readonly alpha: Float64Array;
}

/** Shares must add up to within this (data rounding). */
export const IO_SHARE_TOL = 1e-6;

/**
 * The largest tariff a table may state: 100 = 10,000%. Beyond it a tariff is prohibitive in any
 * model (and only a source of overflow); block a flow with an iceberg factor of inf instead.
 */
export const MAX_TARIFF = 100;
/** The largest flow value a table may state, in any currency unit (world output is below 1e15 USD). */
export const MAX_FLOW = 1e18;

/** Flat index of (i, j, s) in an N x N x S array. */
export function ijs(N: number, S: number, i: number, j: number, s: number): number {
  return (i * N + j) * S + s;
}

/** Position of an economy code; an unknown one is an InputError naming the field it came from. */
export function economyIndex(world: Pick<World, 'codes'>, code: string, field?: string): number {
  const k = world.codes.indexOf(code);
  if (k < 0) throw new InputError(`unknown economy "${code}" (known: ${world.codes.join(', ')})`, { field });
  return k;
}

export interface WorldInit {
  codes: readonly string[];
  names?: readonly string[];
  sectors?: readonly string[];
  Z: Float64Array | number[];
  t?: Float64Array | number[];
  /** One elasticity for every sector, or one per sector. */
  eps: number | Float64Array | number[];
  provenance?: Uint8Array;
  model?: MarketModel;
  io?: IoStructure;
  meta?: Partial<WorldMeta>;
}

/**
 * Build a World from arrays already in [i][j][s] order, checking shapes and
 * values. Throws InputError (callers with file context wrap it in a DataError naming the file).
 *
 * @example
 * const w = createWorld({ codes: ['H', 'F'], Z: [80, 20, 10, 190], eps: 4 });
 */
export function createWorld(init: WorldInit): World {
  const codes = [...init.codes];
  const N = codes.length;
  const sectors = init.sectors ? [...init.sectors] : ['ALL'];
  const S = sectors.length;
  if (N < 1) throw new InputError('a world needs at least one economy');
  if (new Set(codes).size !== N) throw new InputError('economy codes must be unique');
  if (new Set(sectors).size !== S) throw new InputError('sector codes must be unique');
  const size = N * N * S;
  const Z = Float64Array.from(init.Z);
  if (Z.length !== size) throw new InputError(`Z has ${Z.length} entries, expected N*N*S = ${size}`);
  const t = init.t ? Float64Array.from(init.t) : new Float64Array(size);
  if (t.length !== size) throw new InputError(`t has ${t.length} entries, expected N*N*S = ${size}`);
  const eps = typeof init.eps === 'number' ? new Float64Array(S).fill(init.eps) : Float64Array.from(init.eps);
  if (eps.length !== S) throw new InputError(`eps has ${eps.length} entries, expected one per sector (${S})`);
  for (let s = 0; s < S; s++) {
    if (!(eps[s] > 0) || !Number.isFinite(eps[s])) throw new InputError(`elasticity of sector ${sectors[s]} must be a positive number, found ${eps[s]}`);
  }
  for (let k = 0; k < size; k++) {
    if (!(Z[k] >= 0 && Z[k] <= MAX_FLOW)) throw new InputError(`flow ${describeCell(codes, sectors, N, S, k)} must be in [0, ${MAX_FLOW.toExponential()}], found ${Z[k]}`);
    if (!(t[k] > -1 && t[k] <= MAX_TARIFF)) throw new InputError(`tariff ${describeCell(codes, sectors, N, S, k)} must be above -1 (-100%) and at most ${MAX_TARIFF} (10,000%), found ${t[k]}`);
  }
  // Domestic sales carry no tariff (MODEL.md §1: t[j][j][s] = 0).
  for (let j = 0; j < N; j++) for (let s = 0; s < S; s++) t[ijs(N, S, j, j, s)] = 0;
  checkEconomies(codes, N, S, Z);
  const model = init.model && init.model !== 'armington' ? init.model : undefined;
  if (init.io && model) throw new InputError(`input-output linkages are defined for the armington model only, not ${model}`);
  return {
    codes,
    names: init.names ? [...init.names] : codes,
    sectors,
    N,
    S,
    Z,
    t,
    eps,
    ...(init.provenance ? { provenance: checkedProvenance(init.provenance, size) } : {}),
    ...(model ? { model } : {}),
    ...(init.io ? { io: checkedIo(init.io, codes, sectors) } : {}),
    meta: { name: 'world', currency: 'units', ...init.meta },
  };
}

/**
 * Copy and check an input-output structure: shares finite and in range,
 * gva + sum_k gamma = 1 and sum_s alpha = 1 per economy (within IO_SHARE_TOL).
 * Within that tolerance the shares are then made to add up exactly (input
 * shares and final-demand shares rescaled): Walras' law, which lets the
 * solver drop one market, holds only if they do.
 */
export function checkedIo(io: IoStructure, codes: readonly string[], sectors: readonly string[]): IoStructure {
  const N = codes.length;
  const S = sectors.length;
  const gva = Float64Array.from(io.gva);
  const gamma = Float64Array.from(io.gamma);
  const alpha = Float64Array.from(io.alpha);
  if (gva.length !== N * S) throw new InputError(`value-added shares have ${gva.length} entries, expected N*S = ${N * S}`, { field: 'gva' });
  if (gamma.length !== N * S * S) throw new InputError(`input shares have ${gamma.length} entries, expected N*S*S = ${N * S * S}`, { field: 'gamma' });
  if (alpha.length !== N * S) throw new InputError(`final-demand shares have ${alpha.length} entries, expected N*S = ${N * S}`, { field: 'alpha' });
  for (let n = 0; n < N; n++) {
    let a = 0;
    for (let s = 0; s < S; s++) {
      const at = `${codes[n]} [${sectors[s]}]`;
      const v = gva[n * S + s];
      if (!(v > 0 && v <= 1 + IO_SHARE_TOL)) throw new InputError(`value-added share of ${at} must be in (0, 1], found ${v}`, { field: 'gva' });
      let sum = v;
      for (let k = 0; k < S; k++) {
        const g = gamma[(n * S + k) * S + s];
        if (!(g >= 0 && g <= 1 + IO_SHARE_TOL)) throw new InputError(`share of input ${sectors[k]} in ${at} must be in [0, 1], found ${g}`, { field: 'gamma' });
        sum += g;
      }
      if (Math.abs(sum - 1) > IO_SHARE_TOL) throw new InputError(`value-added and input shares of ${at} sum to ${sum}, expected 1`, { field: 'gamma' });
      const inputs = sum - v;
      gva[n * S + s] = Math.min(v, 1);
      if (inputs > 0) for (let k = 0; k < S; k++) gamma[(n * S + k) * S + s] *= (1 - gva[n * S + s]) / inputs;
      else gva[n * S + s] = 1;
      const f = alpha[n * S + s];
      if (!(f >= 0 && f <= 1 + IO_SHARE_TOL)) throw new InputError(`final-demand share of ${at} must be in [0, 1], found ${f}`, { field: 'alpha' });
      a += f;
    }
    if (Math.abs(a - 1) > IO_SHARE_TOL) throw new InputError(`final-demand shares of ${codes[n]} sum to ${a}, expected 1`, { field: 'alpha' });
    for (let s = 0; s < S; s++) alpha[n * S + s] /= a;
  }
  return { gva, gamma, alpha };
}

function checkedProvenance(p: Uint8Array, size: number): Uint8Array {
  if (p.length !== size) throw new InputError(`provenance has ${p.length} entries, expected N*N*S = ${size}`);
  return p;
}

/** Every economy must produce and spend something, or its wage and prices are undefined. */
function checkEconomies(codes: readonly string[], N: number, S: number, Z: Float64Array): void {
  for (let i = 0; i < N; i++) {
    let out = 0;
    let spend = 0;
    for (let j = 0; j < N; j++) {
      for (let s = 0; s < S; s++) {
        out += Z[ijs(N, S, i, j, s)];
        spend += Z[ijs(N, S, j, i, s)];
      }
    }
    if (!(spend > 0)) throw new InputError(`economy ${codes[i]} has zero expenditure (no flows into it, domestic included)`);
    if (!(out > 0)) throw new InputError(`economy ${codes[i]} has zero output (no flows out of it, domestic included)`);
  }
}

function describeCell(codes: readonly string[], sectors: readonly string[], N: number, S: number, k: number): string {
  const s = k % S;
  const ij = (k - s) / S;
  const j = ij % N;
  const i = (ij - j) / N;
  return `${codes[i]}->${codes[j]}${S > 1 ? ` [${sectors[s]}]` : ''}`;
}

/** Flow from i to j summed over sectors. */
/** Indices of the sectors tariffs apply to: every sector but the data set's services (WorldMeta.services). */
export function goodsSectors(world: World): number[] {
  const services = new Set(world.meta.services ?? []);
  return world.sectors.map((_, s) => s).filter((s) => !services.has(world.sectors[s]));
}

export function flowTotal(world: World, i: number, j: number): number {
  let v = 0;
  for (let s = 0; s < world.S; s++) v += world.Z[ijs(world.N, world.S, i, j, s)];
  return v;
}

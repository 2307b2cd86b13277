/**
 * Long-form tables (MODEL.md §3) into a World:
 *   flows        exporter,importer[,sector],value[,provenance]
 *   tariffs      exporter,importer[,sector],rate       (0.24 = 24%)
 *   elasticities sector,eps
 * Every rejected cell is a DataError naming file, line and column.
 */
import { basename } from 'node:path';
import { DataError } from '../errors.js';
import { decimalNumber, numberAt, readCsv, type CsvTable } from './csv.js';
import { deriveDomestic, type DomesticRule } from './domestic.js';
import { isProvenance, PROVENANCE, PROVENANCE_CODE, summarizeProvenance, UNSTATED, type Provenance } from './provenance.js';
import { createWorld, MAX_FLOW, MAX_TARIFF, type World, type WorldMeta } from './world.js';

/** The one sector of a data set without a sector column. */
export const ALL_SECTORS = 'ALL';

/** Column renames per file: file column -> Parley column (e.g. { value_usd: 'value' }). */
export type ColumnMap = Record<string, string>;

export interface FlowSource {
  file: string;
  columns?: ColumnMap;
  /** Provenance of rows that have no `provenance` column of their own. */
  provenance?: Provenance;
  /** Provenance of domestic rows (exporter = importer) without their own, if it differs. */
  domesticProvenance?: Provenance;
  /** Keep only rows whose columns equal these values (e.g. { year: '2006' }); the rest are counted as left out. */
  where?: Record<string, string>;
}

export interface WorldFiles {
  flows: FlowSource[];
  tariffs?: FlowSource;
  /** One elasticity for every sector, or a file sector,eps. */
  elasticities: number | FlowSource;
  /** Economy order and names (code,name); defaults to codes sorted. */
  economies?: { code: string; name: string }[];
  /** Derive missing domestic flows instead of requiring them. */
  domestic?: DomesticRule;
  meta?: Partial<WorldMeta>;
}

/**
 * Flow rows read from one or more files, held columnar (typed arrays, codes
 * interned) so a 200,000-row file becomes the model's arrays without an
 * object per row. Row k: exporter code codes[i[k]], importer codes[j[k]],
 * sector sectors[s[k]], value v[k], provenance code p[k], from files[file[k]]
 * at line line[k].
 */
export class FlowCells {
  readonly codes: string[] = [];
  readonly sectors: string[] = [];
  readonly files: string[] = [];
  count = 0;
  i = new Int32Array(0);
  j = new Int32Array(0);
  s = new Int32Array(0);
  v = new Float64Array(0);
  p = new Uint8Array(0);
  file = new Uint16Array(0);
  line = new Int32Array(0);
  /** Where-filtered rows and fills, per file, for the loader's report. */
  readonly notes: string[] = [];
  private readonly codeIx = new Map<string, number>();
  private readonly sectorIx = new Map<string, number>();

  constructor(readonly hasSector: boolean) {}

  internCode(code: string): number {
    return intern(this.codes, this.codeIx, code);
  }

  internSector(sector: string): number {
    return intern(this.sectors, this.sectorIx, sector);
  }

  fileId(file: string): number {
    const k = this.files.indexOf(file);
    return k >= 0 ? k : this.files.push(file) - 1;
  }

  /** Make room for `extra` more rows. */
  reserve(extra: number): void {
    const need = this.count + extra;
    if (need <= this.v.length) return;
    const cap = Math.max(need, 2 * this.v.length);
    const grow = <A extends Int32Array | Float64Array | Uint8Array | Uint16Array>(a: A): A => {
      const b = new (a.constructor as new (n: number) => A)(cap);
      b.set(a.subarray(0, this.count));
      return b;
    };
    this.i = grow(this.i);
    this.j = grow(this.j);
    this.s = grow(this.s);
    this.v = grow(this.v);
    this.p = grow(this.p);
    this.file = grow(this.file);
    this.line = grow(this.line);
  }

  push(i: number, j: number, s: number, v: number, p: number, file: number, line: number): number {
    this.reserve(1);
    const k = this.count++;
    this.write(k, i, j, s, v, p, file, line);
    return k;
  }

  /** Row k of `other` (its codes re-interned here) as row `at`: a new row by default, or over an existing one. */
  copyFrom(other: FlowCells, k: number, at = this.count): number {
    if (at === this.count) {
      this.reserve(1);
      this.count++;
    }
    const code = (id: number) => this.internCode(other.codes[id]);
    this.write(at, code(other.i[k]), code(other.j[k]), this.internSector(other.sectors[other.s[k]]), other.v[k], other.p[k], this.fileId(other.files[other.file[k]]), other.line[k]);
    return at;
  }

  private write(k: number, i: number, j: number, s: number, v: number, p: number, file: number, line: number): void {
    this.i[k] = i;
    this.j[k] = j;
    this.s[k] = s;
    this.v[k] = v;
    this.p[k] = p;
    this.file[k] = file;
    this.line[k] = line;
  }

  /** "file line L" of row k, for messages. */
  where(k: number): string {
    return `${this.files[this.file[k]]} line ${this.line[k]}`;
  }
}

/** Position of `value` in `list`, appending it (and indexing it) the first time. */
function intern(list: string[], index: Map<string, number>, value: string): number {
  let k = index.get(value);
  if (k === undefined) {
    k = list.push(value) - 1;
    index.set(value, k);
  }
  return k;
}

const CODE = /^[A-Za-z0-9_.-]{1,24}$/;

/** Read flow rows from one or more long-form files; duplicates and bad cells are DataErrors. */
export function readFlowCells(sources: FlowSource[]): FlowCells {
  const tables = sources.map((f) => readCsv(f.file, ['exporter', 'importer', 'value'], f.columns));
  const hasSector = tables.map((t) => t.header.includes('sector'));
  if (hasSector.some((h) => h !== hasSector[0])) {
    const odd = tables[hasSector.indexOf(!hasSector[0])];
    throw new DataError('some flow files have a "sector" column and others do not; give every file the same columns', { file: odd.file, line: 1 });
  }
  const out = new FlowCells(hasSector[0]);
  out.reserve(tables.reduce((a, t) => a + t.count, 0));
  const allSector = hasSector[0] ? -1 : out.internSector(ALL_SECTORS);
  tables.forEach((table, f) => {
    const src = sources[f];
    const where = Object.entries(src.where ?? {}).map(([col, want]) => {
      const c = table.column(col);
      if (c < 0) throw new DataError(`"where" names column "${col}", which the file does not have (found: ${table.header.join(', ')})`, { file: table.file, line: 1 });
      return { c, want };
    });
    const [ce, ci, cs, cv, cp] = ['exporter', 'importer', 'sector', 'value', 'provenance'].map((c) => table.column(c));
    const fileId = out.fileId(table.file);
    const fallback = src.provenance ? PROVENANCE_CODE[src.provenance] : UNSTATED;
    const domesticFallback = src.domesticProvenance ? PROVENANCE_CODE[src.domesticProvenance] : fallback;
    // Each distinct code text is checked once, then maps straight to its id.
    const economyIds = new Map<string, number>();
    const sectorIds = new Map<string, number>();
    const code = (r: number, c: number, column: string, ids: Map<string, number>, intern: (x: string) => number): number => {
      const v = table.text(r, c);
      let id = ids.get(v);
      if (id === undefined) {
        if (v === '') throw new DataError('empty value, expected a value', { file: table.file, line: table.line(r), column });
        if (!CODE.test(v)) throw new DataError(`expected an economy or sector code (letters, digits, _ . -), found "${v}"`, { file: table.file, line: table.line(r), column });
        id = intern(v);
        ids.set(v, id);
      }
      return id;
    };
    const internCode = (x: string) => out.internCode(x);
    const internSector = (x: string) => out.internSector(x);
    let skipped = 0;
    for (let r = 0; r < table.count; r++) {
      if (where.some((w) => table.text(r, w.c) !== w.want)) {
        skipped++;
        continue;
      }
      const i = code(r, ce, 'exporter', economyIds, internCode);
      const j = code(r, ci, 'importer', economyIds, internCode);
      const s = cs >= 0 ? code(r, cs, 'sector', sectorIds, internSector) : allSector;
      const raw = table.text(r, cv);
      const v = raw === '' ? NaN : decimalNumber(raw);
      if (!(v >= 0 && v <= MAX_FLOW)) {
        if (raw === '') throw new DataError('empty value, expected a value', { file: table.file, line: table.line(r), column: 'value' });
        throw new DataError(`expected a decimal flow value in [0, ${MAX_FLOW.toExponential()}], found "${raw}"`, { file: table.file, line: table.line(r), column: 'value' });
      }
      let p = i === j ? domesticFallback : fallback;
      const stated = cp >= 0 ? table.text(r, cp) : '';
      if (stated) {
        if (!isProvenance(stated)) throw new DataError(`expected a provenance (${PROVENANCE.join(', ')}), found "${stated}"`, { file: table.file, line: table.line(r), column: 'provenance' });
        p = PROVENANCE_CODE[stated];
      }
      out.push(i, j, s, v, p, fileId, table.line(r));
    }
    if (skipped) out.notes.push(`${basename(table.file)}: kept ${table.count - skipped} of ${table.count} rows (where ${where.map((w) => `${table.header[w.c]} = ${w.want}`).join(', ')})`);
  });
  if (out.count === 0) throw new DataError('no flow rows', { file: tables[0]?.file });
  rejectDuplicates(out);
  return out;
}

/** A flow given twice within one read is an error naming both places. */
function rejectDuplicates(cells: FlowCells): void {
  const nC = cells.codes.length;
  const nS = cells.sectors.length;
  // A dense table of first rows (+1) where it fits in a few MB, else a map.
  const dense = nC * nC * nS <= 1 << 22 ? new Int32Array(nC * nC * nS) : undefined;
  const sparse = new Map<number, number>();
  for (let k = 0; k < cells.count; k++) {
    const key = (cells.i[k] * nC + cells.j[k]) * nS + cells.s[k];
    const prev = dense ? dense[key] - 1 : sparse.get(key) ?? -1;
    if (prev < 0) {
      if (dense) dense[key] = k + 1;
      else sparse.set(key, k);
      continue;
    }
    const sector = cells.hasSector ? ` sector ${cells.sectors[cells.s[k]]}` : '';
    throw new DataError(`duplicate flow ${cells.codes[cells.i[k]]}->${cells.codes[cells.j[k]]}${sector} (first given at ${cells.where(prev)})`, {
      file: cells.files[cells.file[k]],
      line: cells.line[k],
      column: 'exporter',
    });
  }
}

/** Load a World from long-form CSV files. */
export function loadWorld(files: WorldFiles): World {
  return assembleWorld(readFlowCells(files.flows), files);
}

/** Build a World from flow cells: economy order, domestic flows (given or derived), tariffs, elasticities. */
export function assembleWorld(read: FlowCells, files: Omit<WorldFiles, 'flows'>): World {
  const firstFile = read.files[read.file[0]];
  let codes: string[];
  let names: string[];
  if (files.economies) {
    codes = files.economies.map((e) => e.code);
    names = files.economies.map((e) => e.name);
    const listed = new Set(codes);
    if (read.codes.some((c) => !listed.has(c))) {
      for (let k = 0; k < read.count; k++) {
        for (const [id, column] of [[read.i[k], 'exporter'], [read.j[k], 'importer']] as const) {
          const code = read.codes[id];
          if (!listed.has(code)) throw new DataError(`unknown economy "${code}": not in the economies list`, { file: read.files[read.file[k]], line: read.line[k], column });
        }
      }
    }
  } else {
    codes = [...read.codes].sort();
    names = codes;
  }
  const sectors = read.hasSector ? [...read.sectors].sort() : [ALL_SECTORS];
  const N = codes.length;
  const S = sectors.length;
  const position = new Map(codes.map((c, k) => [c, k]));
  const sectorPosition = new Map(sectors.map((c, k) => [c, k]));
  const economyOf = Int32Array.from(read.codes, (c) => position.get(c)!);
  const sectorOf = Int32Array.from(read.sectors, (c) => sectorPosition.get(c) ?? 0);
  const Z = new Float64Array(N * N * S);
  const prov = new Uint8Array(N * N * S).fill(UNSTATED);
  const hasDomestic = new Uint8Array(N);
  for (let c = 0; c < read.count; c++) {
    const i = economyOf[read.i[c]];
    const j = economyOf[read.j[c]];
    const k = (i * N + j) * S + sectorOf[read.s[c]];
    Z[k] = read.v[c];
    prov[k] = read.p[c];
    if (i === j) hasDomestic[i] = 1;
  }
  const notes = [...read.notes];
  if (files.domestic) notes.push(...deriveDomestic(files.domestic, codes, S, Z, prov, hasDomestic));
  for (let k = 0; k < N; k++) {
    if (!hasDomestic[k]) {
      throw new DataError(`missing domestic flow for ${codes[k]}: add a row ${codes[k]},${codes[k]},<domestic sales> (the model needs each economy's purchases of its own output)`, { file: firstFile });
    }
  }
  const t = files.tariffs ? readTariffs(files.tariffs, codes, sectors) : new Float64Array(N * N * S);
  const eps = typeof files.elasticities === 'number' ? files.elasticities : readElasticities(files.elasticities, sectors);
  if (typeof eps === 'number' && !(eps > 0 && Number.isFinite(eps))) throw new DataError(`trade elasticity must be a positive number, found ${eps}`);
  const anyStated = prov.some((p) => p !== UNSTATED);
  const meta: Partial<WorldMeta> = { ...files.meta, ...(anyStated ? { provenance: summarizeProvenance(Z, prov) } : {}), ...(notes.length ? { notes } : {}) };
  try {
    return createWorld({ codes, names, sectors, Z, t, eps, provenance: anyStated ? prov : undefined, meta });
  } catch (e) {
    throw new DataError((e as Error).message, { file: firstFile });
  }
}

/** Baseline tariffs exporter,importer[,sector],rate; a row without sector applies to all sectors. Missing rows are 0. */
export function readTariffs(src: FlowSource, codes: readonly string[], sectors: readonly string[]): Float64Array {
  const table = readCsv(src.file, ['exporter', 'importer', 'rate'], src.columns);
  const N = codes.length;
  const S = sectors.length;
  const ix = new Map(codes.map((c, k) => [c, k]));
  const sx = new Map(sectors.map((c, k) => [c, k]));
  const t = new Float64Array(N * N * S);
  const firstLine = new Int32Array(N * N * S);
  const [ce, ci, cs, cr] = ['exporter', 'importer', 'sector', 'rate'].map((c) => table.column(c));
  const all = sectors.map((_, k) => k);
  for (let r = 0; r < table.count; r++) {
    const line = table.line(r);
    const i = lookupText(table, r, ce, ix, 'economy');
    const j = lookupText(table, r, ci, ix, 'economy');
    const sectorText = cs >= 0 ? table.text(r, cs) : '';
    const ss = sectorText === '' || sectorText === ALL_SECTORS ? all : [lookupText(table, r, cs, sx, 'sector')];
    const rate = numberAt(table, r, cr, { above: -1, max: MAX_TARIFF, expected: 'a tariff rate above -1 (a fraction: 0.25 = 25%)' });
    if (i === j && rate !== 0) throw new DataError(`a domestic flow (${codes[i]}->${codes[j]}) carries no tariff; expected 0, found ${rate}`, { file: table.file, line, column: 'rate' });
    for (const s of ss) {
      const key = (i * N + j) * S + s;
      if (firstLine[key]) throw new DataError(`duplicate tariff ${codes[i]}->${codes[j]} sector ${sectors[s]} (first given at line ${firstLine[key]})`, { file: table.file, line, column: 'exporter' });
      firstLine[key] = line;
      t[key] = rate;
    }
  }
  return t;
}

/** Resolve code cell (r, c) against a known list, or throw "unknown ..." with the row. */
export function lookupText(table: CsvTable, r: number, c: number, index: Map<string, number>, what: string): number {
  const v = table.text(r, c);
  const column = table.header[c];
  if (v === '') throw new DataError('empty value, expected a value', { file: table.file, line: table.line(r), column });
  const k = index.get(v);
  if (k === undefined) {
    const known = [...index.keys()];
    const hint = known.length <= 20 ? ` (known: ${known.join(', ')})` : '';
    throw new DataError(`unknown ${what} "${v}"${hint}`, { file: table.file, line: table.line(r), column });
  }
  return k;
}

/** Elasticities sector,eps; every sector of the data needs one. */
export function readElasticities(src: FlowSource, sectors: readonly string[]): Float64Array {
  const table = readCsv(src.file, ['sector', 'eps'], src.columns);
  const eps = new Float64Array(sectors.length).fill(NaN);
  const sx = new Map(sectors.map((c, k) => [c, k]));
  const [cs, ce] = [table.column('sector'), table.column('eps')];
  for (let r = 0; r < table.count; r++) {
    const s = lookupText(table, r, cs, sx, 'sector');
    if (!Number.isNaN(eps[s])) throw new DataError(`duplicate elasticity for sector ${sectors[s]}`, { file: table.file, line: table.line(r), column: 'sector' });
    eps[s] = numberAt(table, r, ce, { above: 0, expected: 'a trade elasticity > 0 (sigma - 1)' });
  }
  const missing = sectors.filter((_, s) => Number.isNaN(eps[s]));
  if (missing.length) throw new DataError(`no elasticity for sector${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, { file: table.file });
  return eps;
}

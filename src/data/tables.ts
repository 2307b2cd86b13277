/**
 * Long-form tables (MODEL.md §3) into a World:
 *   flows        exporter,importer[,sector],value[,provenance]
 *   tariffs      exporter,importer[,sector],rate       (0.24 = 24%)
 *   elasticities sector,eps
 * Every rejected cell is a DataError naming file, line and column.
 */
import { basename } from 'node:path';
import { DataError } from '../errors.js';
import { cell, numberCell, readCsv, type CsvTable } from './csv.js';
import { deriveDomestic, type DomesticRule } from './domestic.js';
import { isProvenance, PROVENANCE, PROVENANCE_CODE, summarizeProvenance, UNSTATED, type Provenance } from './provenance.js';
import { createWorld, type World, type WorldMeta } from './world.js';

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

/** One flow value with the file and line it came from. */
export interface FlowCell {
  i: string;
  j: string;
  s: string;
  v: number;
  /** Provenance code (PROVENANCE_CODE). */
  p: number;
  file: string;
  line: number;
}

export interface FlowCells {
  cells: FlowCell[];
  hasSector: boolean;
  /** Where-filtered rows, per file, for the loader's report. */
  notes: string[];
}

const CODE = /^[A-Za-z0-9_.-]{1,24}$/;

function codeCell(table: CsvTable, row: CsvTable['rows'][number], column: string): string {
  const v = cell(table, row, column);
  if (!CODE.test(v)) throw new DataError(`expected an economy or sector code (letters, digits, _ . -), found "${v}"`, { file: table.file, line: row.line, column });
  return v;
}

/** Read flow rows from one or more long-form files; duplicates and bad cells are DataErrors. */
export function readFlowCells(sources: FlowSource[]): FlowCells {
  const tables = sources.map((f) => readCsv(f.file, ['exporter', 'importer', 'value'], f.columns));
  const hasSector = tables.map((t) => t.header.includes('sector'));
  if (hasSector.some((h) => h !== hasSector[0])) {
    const odd = tables[hasSector.indexOf(!hasSector[0])];
    throw new DataError('some flow files have a "sector" column and others do not; give every file the same columns', { file: odd.file, line: 1 });
  }
  const cells: FlowCell[] = [];
  const notes: string[] = [];
  const seen = new Map<string, string>();
  tables.forEach((table, f) => {
    const src = sources[f];
    const where = Object.entries(src.where ?? {});
    for (const [col] of where) {
      if (!table.header.includes(col)) throw new DataError(`"where" names column "${col}", which the file does not have (found: ${table.header.join(', ')})`, { file: table.file, line: 1 });
    }
    let skipped = 0;
    for (const row of table.rows) {
      if (where.some(([col, want]) => row.values[col] !== want)) {
        skipped++;
        continue;
      }
      const i = codeCell(table, row, 'exporter');
      const j = codeCell(table, row, 'importer');
      const s = hasSector[0] ? codeCell(table, row, 'sector') : ALL_SECTORS;
      const v = numberCell(table, row, 'value', { min: 0, expected: 'a finite flow value >= 0' });
      const stated = row.values.provenance;
      const fallback = i === j && src.domesticProvenance ? src.domesticProvenance : src.provenance;
      let p = fallback ? PROVENANCE_CODE[fallback] : UNSTATED;
      if (stated) {
        if (!isProvenance(stated)) throw new DataError(`expected a provenance (${PROVENANCE.join(', ')}), found "${stated}"`, { file: table.file, line: row.line, column: 'provenance' });
        p = PROVENANCE_CODE[stated];
      }
      const key = `${i}|${j}|${s}`;
      const prev = seen.get(key);
      if (prev) throw new DataError(`duplicate flow ${i}->${j}${hasSector[0] ? ` sector ${s}` : ''} (first given at ${prev})`, { file: table.file, line: row.line, column: 'exporter' });
      seen.set(key, `${table.file} line ${row.line}`);
      cells.push({ i, j, s, v, p, file: table.file, line: row.line });
    }
    if (skipped) notes.push(`${basename(table.file)}: kept ${table.rows.length - skipped} of ${table.rows.length} rows (where ${where.map(([c, v]) => `${c} = ${v}`).join(', ')})`);
  });
  if (cells.length === 0) throw new DataError('no flow rows', { file: tables[0]?.file });
  return { cells, hasSector: hasSector[0], notes };
}

/** Load a World from long-form CSV files. */
export function loadWorld(files: WorldFiles): World {
  return assembleWorld(readFlowCells(files.flows), files);
}

/** Build a World from flow cells: economy order, domestic flows (given or derived), tariffs, elasticities. */
export function assembleWorld(read: FlowCells, files: Omit<WorldFiles, 'flows'>): World {
  const { cells, hasSector } = read;
  const firstFile = cells[0].file;
  const flowCodes = new Set<string>();
  for (const c of cells) {
    flowCodes.add(c.i);
    flowCodes.add(c.j);
  }
  let codes: string[];
  let names: string[];
  if (files.economies) {
    codes = files.economies.map((e) => e.code);
    names = files.economies.map((e) => e.name);
    const listed = new Set(codes);
    for (const c of cells) {
      for (const [code, column] of [[c.i, 'exporter'], [c.j, 'importer']] as const) {
        if (!listed.has(code)) throw new DataError(`unknown economy "${code}": not in the economies list`, { file: c.file, line: c.line, column });
      }
    }
  } else {
    codes = [...flowCodes].sort();
    names = codes;
  }
  const sectors = hasSector ? [...new Set(cells.map((c) => c.s))].sort() : [ALL_SECTORS];
  const N = codes.length;
  const S = sectors.length;
  const ix = new Map(codes.map((c, k) => [c, k]));
  const sx = new Map(sectors.map((c, k) => [c, k]));
  const Z = new Float64Array(N * N * S);
  const prov = new Uint8Array(N * N * S).fill(UNSTATED);
  const hasDomestic = new Uint8Array(N);
  for (const c of cells) {
    const i = ix.get(c.i)!;
    const j = ix.get(c.j)!;
    const k = (i * N + j) * S + sx.get(c.s)!;
    Z[k] = c.v;
    prov[k] = c.p;
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
  const seen = new Map<number, number>();
  for (const row of table.rows) {
    const i = lookup(table, row, 'exporter', ix, 'economy');
    const j = lookup(table, row, 'importer', ix, 'economy');
    const sectorText = table.header.includes('sector') ? row.values.sector ?? '' : '';
    const ss = sectorText === '' || sectorText === ALL_SECTORS ? sectors.map((_, k) => k) : [lookup(table, row, 'sector', sx, 'sector')];
    const rate = numberCell(table, row, 'rate', { above: -1, expected: 'a tariff rate above -1 (a fraction: 0.25 = 25%)' });
    if (i === j && rate !== 0) throw new DataError(`a domestic flow (${codes[i]}->${codes[j]}) carries no tariff; expected 0, found ${rate}`, { file: table.file, line: row.line, column: 'rate' });
    for (const s of ss) {
      const key = (i * N + j) * S + s;
      const prev = seen.get(key);
      if (prev !== undefined) throw new DataError(`duplicate tariff ${codes[i]}->${codes[j]} sector ${sectors[s]} (first given at line ${prev})`, { file: table.file, line: row.line, column: 'exporter' });
      seen.set(key, row.line);
      t[key] = rate;
    }
  }
  return t;
}

/** Elasticities sector,eps; every sector of the data needs one. */
export function readElasticities(src: FlowSource, sectors: readonly string[]): Float64Array {
  const table = readCsv(src.file, ['sector', 'eps'], src.columns);
  const eps = new Float64Array(sectors.length).fill(NaN);
  const sx = new Map(sectors.map((c, k) => [c, k]));
  for (const row of table.rows) {
    const s = lookup(table, row, 'sector', sx, 'sector');
    if (!Number.isNaN(eps[s])) throw new DataError(`duplicate elasticity for sector ${sectors[s]}`, { file: table.file, line: row.line, column: 'sector' });
    eps[s] = numberCell(table, row, 'eps', { above: 0, expected: 'a trade elasticity > 0 (sigma - 1)' });
  }
  const missing = sectors.filter((_, s) => Number.isNaN(eps[s]));
  if (missing.length) throw new DataError(`no elasticity for sector${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, { file: table.file });
  return eps;
}

/** Resolve a code cell against a known list, or throw "unknown ..." with the row. */
export function lookup(table: CsvTable, row: CsvTable['rows'][number], column: string, index: Map<string, number>, what: string): number {
  const v = cell(table, row, column);
  const k = index.get(v);
  if (k === undefined) {
    const known = [...index.keys()];
    const hint = known.length <= 20 ? ` (known: ${known.join(', ')})` : '';
    throw new DataError(`unknown ${what} "${v}"${hint}`, { file: table.file, line: row.line, column });
  }
  return k;
}

/**
 * Read a CSV file into a table that remembers each row's line, with helpers
 * that turn a bad cell into a DataError naming file, line and column.
 *
 * The table is columnar: one scan of the text records where each cell starts
 * and ends (typed arrays, no per-row objects), and cells are sliced out only
 * when read. Large flow files are read straight from these offsets into the
 * model's arrays (data/tables.ts); `rows` builds per-row records lazily for
 * the small tables that want them.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DataError } from '../errors.js';
import { noteRead } from './reads.js';

export interface CsvRow {
  /** 1-based line of the row in the file (the header is line 1). */
  line: number;
  values: Record<string, string>;
}

/** Cell offsets of a scanned CSV text: row r, column c is text.slice(start[r*cols+c], end[r*cols+c]). */
interface Grid {
  text: string;
  header: string[];
  count: number;
  lines: Int32Array;
  start: Int32Array;
  end: Int32Array;
  /** Cells that were quoted and contain a doubled quote to unescape. */
  escaped?: Set<number>;
}

export class CsvTable {
  readonly file: string;
  readonly header: string[];
  /** Number of data rows. */
  readonly count: number;
  private readonly grid: Grid;
  private memo?: CsvRow[];

  constructor(file: string, grid: Grid) {
    this.file = file;
    this.grid = grid;
    this.header = grid.header;
    this.count = grid.count;
  }

  /** Position of a column in the header, or -1. */
  column(name: string): number {
    return this.header.indexOf(name);
  }

  /** 1-based text line of data row r. */
  line(r: number): number {
    return this.grid.lines[r];
  }

  /** The text of data row r, column c (trimmed; quotes removed). */
  text(r: number, c: number): string {
    const g = this.grid;
    const k = r * g.header.length + c;
    const v = g.text.slice(g.start[k], g.end[k]);
    return g.escaped?.has(k) ? v.replace(/""/g, '"') : v;
  }

  /** Rows as records (built on first use; prefer text() for large files). */
  get rows(): CsvRow[] {
    if (!this.memo) {
      const out: CsvRow[] = new Array(this.count);
      for (let r = 0; r < this.count; r++) {
        const values: Record<string, string> = {};
        for (let c = 0; c < this.header.length; c++) values[this.header[c]] = this.text(r, c);
        out[r] = { line: this.grid.lines[r], values };
      }
      this.memo = out;
    }
    return this.memo;
  }
}

const COMMA = 44;
const QUOTE = 34;
const CR = 13;

function isBlank(ch: number): boolean {
  return ch === 32 || ch === 9;
}

/**
 * One pass over the text recording cell offsets. Returns undefined where the
 * quoting needs a full CSV parser (a quoted field spanning lines, an
 * unterminated quote, text after a closing quote); the caller then uses
 * csv-parse, which reports exact lines for those cases.
 */
function scan(text: string, file: string, rename: Record<string, string>): Grid | undefined {
  const n = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let lineNo = 1;
  let lineCount = 1;
  for (let k = text.indexOf('\n', pos); k >= 0; k = text.indexOf('\n', k + 1)) lineCount++;
  let header: string[] | undefined;
  let cols = 0;
  let start = new Int32Array(0);
  let end = new Int32Array(0);
  let lines = new Int32Array(0);
  let escaped: Set<number> | undefined;
  let count = 0;
  const rowStart: number[] = [];
  const rowEnd: number[] = [];
  const rowEscaped: boolean[] = [];
  while (pos < n) {
    // One line: find its end, skip it if blank.
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = n;
    let stop = eol > pos && text.charCodeAt(eol - 1) === CR ? eol - 1 : eol;
    let blank = true;
    for (let k = pos; k < stop; k++) {
      const ch = text.charCodeAt(k);
      if (!(isBlank(ch) || ch === CR || ch === 0xa0 || ch === 0xfeff)) {
        blank = false;
        break;
      }
    }
    if (!blank) {
      rowStart.length = 0;
      rowEnd.length = 0;
      rowEscaped.length = 0;
      let k = pos;
      for (;;) {
        while (k < stop && isBlank(text.charCodeAt(k))) k++;
        let s: number;
        let e: number;
        let esc = false;
        if (k < stop && text.charCodeAt(k) === QUOTE) {
          s = k + 1;
          let q = s;
          for (;;) {
            q = text.indexOf('"', q);
            if (q < 0 || q >= stop) return undefined; // unterminated, or spans a line
            if (q + 1 < stop && text.charCodeAt(q + 1) === QUOTE) {
              esc = true;
              q += 2;
              continue;
            }
            break;
          }
          e = q;
          k = q + 1;
          while (k < stop && isBlank(text.charCodeAt(k))) k++;
          if (k < stop && text.charCodeAt(k) !== COMMA) return undefined;
        } else {
          s = k;
          while (k < stop && text.charCodeAt(k) !== COMMA) k++;
          e = k;
          while (e > s && isBlank(text.charCodeAt(e - 1))) e--;
        }
        rowStart.push(s);
        rowEnd.push(e);
        rowEscaped.push(esc);
        if (k >= stop) break;
        k++; // the comma
        if (k === stop) {
          rowStart.push(k);
          rowEnd.push(k);
          rowEscaped.push(false);
          break;
        }
      }
      if (!header) {
        header = rowStart.map((s0, c) => {
          const raw = text.slice(s0, rowEnd[c]);
          const name = rowEscaped[c] ? raw.replace(/""/g, '"') : raw;
          return rename[name] ?? name;
        });
        cols = header.length;
        start = new Int32Array(lineCount * cols);
        end = new Int32Array(lineCount * cols);
        lines = new Int32Array(lineCount);
      } else {
        if (rowStart.length !== cols) throw new DataError(`not valid CSV: expected ${cols} fields as in the header, found ${rowStart.length}`, { file, line: lineNo });
        const base = count * cols;
        for (let c = 0; c < cols; c++) {
          start[base + c] = rowStart[c];
          end[base + c] = rowEnd[c];
          if (rowEscaped[c]) (escaped ??= new Set()).add(base + c);
        }
        lines[count++] = lineNo;
      }
    }
    pos = eol + 1;
    lineNo++;
  }
  if (!header) return undefined;
  return { text, header, count, lines, start, end, escaped };
}

/** The slow path: csv-parse, loaded only when the scan needs it. */
function parseStrict(text: string, file: string, rename: Record<string, string>): Grid {
  const { parse } = createRequire(import.meta.url)('csv-parse/sync') as typeof import('csv-parse/sync');
  let header: string[] = [];
  let records: { info: { lines: number }; record: string[] }[];
  try {
    records = parse(text, { info: true, skip_empty_lines: true, trim: true, bom: true, relax_column_count: true }) as never;
  } catch (e) {
    const err = e as { lines?: number; message: string };
    throw new DataError(`not valid CSV: ${err.message.replace(/^Invalid [^:]*: /, '')}`, { file, line: err.lines });
  }
  if (records.length === 0) throw new DataError('empty file: expected a header line and rows', { file, line: 1 });
  header = records[0].record.map((c) => rename[c] ?? c);
  // Cells become one string joined with offsets, so both paths share the table type.
  const parts: string[] = [];
  let at = 0;
  const rows = records.slice(1);
  const cols = header.length;
  const start = new Int32Array(rows.length * cols);
  const end = new Int32Array(rows.length * cols);
  const lines = new Int32Array(rows.length);
  rows.forEach((r, k) => {
    if (r.record.length !== cols) throw new DataError(`not valid CSV: expected ${cols} fields as in the header, found ${r.record.length}`, { file, line: r.info.lines });
    lines[k] = r.info.lines;
    r.record.forEach((v, c) => {
      start[k * cols + c] = at;
      parts.push(v);
      at += v.length;
      end[k * cols + c] = at;
    });
  });
  return { text: parts.join(''), header, count: rows.length, lines, start, end };
}

/**
 * Parse CSV text. `required` columns must be in the header; a column map
 * renames file columns to the names the caller reads (e.g. value_usd -> value).
 */
export function parseCsv(text: string, file: string, required: readonly string[], rename: Record<string, string> = {}): CsvTable {
  const grid = scan(text, file, rename) ?? parseStrict(text, file, rename);
  const header = grid.header;
  for (const col of required) {
    if (!header.includes(col)) {
      const fileCol = Object.entries(rename).find(([, to]) => to === col)?.[0] ?? col;
      throw new DataError(`missing column "${fileCol}" (expected columns: ${required.map((c) => Object.entries(rename).find(([, to]) => to === c)?.[0] ?? c).join(', ')}; found: ${header.join(', ')})`, { file, line: 1 });
    }
  }
  return new CsvTable(file, grid);
}

/** Read and parse a CSV file; a missing file is a DataError, not a stack trace. */
export function readCsv(file: string, required: readonly string[], rename: Record<string, string> = {}): CsvTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(`cannot read file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { file });
  }
  noteRead(file);
  return parseCsv(text, file, required, rename);
}


/** A cell as text; required cells must be non-empty. */
export function cell(table: CsvTable, row: CsvRow, column: string): string {
  const v = row.values[column];
  if (v === undefined || v === '') throw new DataError('empty value, expected a value', { file: table.file, line: row.line, column });
  return v;
}

export interface NumberRule {
  /** Smallest allowed value (inclusive unless `above`). */
  min?: number;
  /** The value must be strictly above this. */
  above?: number;
  /** Largest allowed value (inclusive). */
  max?: number;
  /** Accept "inf" / "Infinity". */
  allowInfinity?: boolean;
  /** Wording of what is expected, for the message. */
  expected: string;
}

/** Parse numeric cell (r, column) of a table, with the same checks and messages as numberCell. */
export function numberAt(table: CsvTable, r: number, c: number, rule: NumberRule): number {
  const raw = table.text(r, c);
  const loc = { file: table.file, line: table.line(r), column: table.header[c] };
  if (raw === '') throw new DataError('empty value, expected a value', loc);
  return parseNumberAt(raw, rule, loc);
}

/** Parse a numeric cell or throw a DataError with file, line, column, expected and found. */
export function numberCell(table: CsvTable, row: CsvRow, column: string, rule: NumberRule): number {
  const raw = cell(table, row, column);
  return parseNumberAt(raw, rule, { file: table.file, line: row.line, column });
}

export function parseNumberAt(raw: string, rule: NumberRule, loc: { file?: string; line?: number; column?: string }): number {
  const lower = raw.trim().toLowerCase();
  const v = rule.allowInfinity && (lower === 'inf' || lower === 'infinity') ? Infinity : decimalNumber(raw);
  const ok =
    raw.trim() !== '' &&
    !Number.isNaN(v) &&
    (Number.isFinite(v) || (rule.allowInfinity && v === Infinity)) &&
    (rule.min === undefined || v >= rule.min) &&
    (rule.above === undefined || v > rule.above) &&
    (rule.max === undefined || v <= rule.max || (rule.allowInfinity === true && v === Infinity));
  if (!ok) throw new DataError(`expected ${rule.expected}${rule.max !== undefined ? ` (at most ${rule.max})` : ''}, found "${raw}"`, loc);
  return v;
}

/**
 * A decimal number (as JavaScript's Number reads it), or NaN: hexadecimal, octal and binary forms
 * (0x14, 0o7, 0b1) are not data anyone means in a trade table, so they are refused, not read as 20.
 */
export function decimalNumber(raw: string): number {
  return /^\s*[+-]?0[xob]/i.test(raw) ? NaN : Number(raw);
}

/**
 * Read a CSV file into rows that remember their line, with helpers that turn
 * a bad cell into a DataError naming file, line and column.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { csvParseRows } from 'd3-dsv';
import { DataError } from '../errors.js';

export interface CsvRow {
  /** 1-based line of the row in the file (the header is line 1). */
  line: number;
  values: Record<string, string>;
}

export interface CsvTable {
  file: string;
  header: string[];
  rows: CsvRow[];
}

/**
 * Parse CSV text. `required` columns must be in the header; a column map
 * renames file columns to the names the caller reads (e.g. value_usd -> value).
 */
export function parseCsv(text: string, file: string, required: readonly string[], rename: Record<string, string> = {}): CsvTable {
  const fast = fastParse(text);
  let header: string[];
  let rows: CsvRow[];
  if (fast) {
    header = fast.header.map((c) => renameColumn(c, rename));
    rows = fast.rows.map((r) => ({ line: r.line, values: record(header, r.cells, file, r.line) }));
  } else {
    let records: { info: { lines: number }; record: Record<string, string> }[];
    header = [];
    try {
      records = parse(text, {
        columns: (h: string[]) => (header = h.map((c) => renameColumn(c.trim(), rename))),
        info: true,
        skip_empty_lines: true,
        trim: true,
        bom: true,
      }) as never;
    } catch (e) {
      const err = e as { lines?: number; message: string };
      throw new DataError(`not valid CSV: ${err.message.replace(/^Invalid [^:]*: /, '')}`, { file, line: err.lines });
    }
    rows = records.map((r) => ({ line: r.info.lines, values: r.record }));
  }
  for (const col of required) {
    if (!header.includes(col)) {
      const fileCol = Object.entries(rename).find(([, to]) => to === col)?.[0] ?? col;
      throw new DataError(`missing column "${fileCol}" (expected columns: ${required.map((c) => Object.entries(rename).find(([, to]) => to === c)?.[0] ?? c).join(', ')}; found: ${header.join(', ')})`, { file, line: 1 });
    }
  }
  return { file, header, rows };
}

/**
 * d3-dsv parses large files several times faster than csv-parse but does not
 * report lines; when no quoted field spans lines, row k is text line k, so use
 * it. Otherwise (or for malformed quoting) return undefined and let csv-parse
 * do it with exact line numbers.
 */
function fastParse(text: string): { header: string[]; rows: { line: number; cells: string[] }[] } | undefined {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split(/\r?\n/);
  const parsed = csvParseRows(body);
  let nonEmpty = 0;
  for (const l of lines) if (l.trim() !== '') nonEmpty++;
  if (parsed.length !== lines.length - (lines[lines.length - 1] === '' ? 1 : 0) || nonEmpty === 0) return undefined;
  const out: { line: number; cells: string[] }[] = [];
  let header: string[] | undefined;
  for (let k = 0; k < parsed.length; k++) {
    if (lines[k].trim() === '') continue;
    const cells = parsed[k].map((c) => c.trim());
    if (!header) header = cells;
    else out.push({ line: k + 1, cells });
  }
  return header ? { header, rows: out } : undefined;
}

function record(header: string[], cells: string[], file: string, line: number): Record<string, string> {
  if (cells.length !== header.length) throw new DataError(`not valid CSV: expected ${header.length} fields as in the header, found ${cells.length}`, { file, line });
  const r: Record<string, string> = {};
  for (let k = 0; k < header.length; k++) r[header[k]] = cells[k];
  return r;
}

/** Read and parse a CSV file; a missing file is a DataError, not a stack trace. */
export function readCsv(file: string, required: readonly string[], rename: Record<string, string> = {}): CsvTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(`cannot read file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { file });
  }
  return parseCsv(text, file, required, rename);
}

function renameColumn(name: string, rename: Record<string, string>): string {
  return rename[name] ?? name;
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
  /** Accept "inf" / "Infinity". */
  allowInfinity?: boolean;
  /** Wording of what is expected, for the message. */
  expected: string;
}

/** Parse a numeric cell or throw a DataError with file, line, column, expected and found. */
export function numberCell(table: CsvTable, row: CsvRow, column: string, rule: NumberRule): number {
  const raw = cell(table, row, column);
  return parseNumberAt(raw, rule, { file: table.file, line: row.line, column });
}

export function parseNumberAt(raw: string, rule: NumberRule, loc: { file?: string; line?: number; column?: string }): number {
  const lower = raw.trim().toLowerCase();
  const v = rule.allowInfinity && (lower === 'inf' || lower === 'infinity') ? Infinity : Number(raw);
  const ok =
    raw.trim() !== '' &&
    !Number.isNaN(v) &&
    (Number.isFinite(v) || (rule.allowInfinity && v === Infinity)) &&
    (rule.min === undefined || v >= rule.min) &&
    (rule.above === undefined || v > rule.above);
  if (!ok) throw new DataError(`expected ${rule.expected}, found "${raw}"`, loc);
  return v;
}

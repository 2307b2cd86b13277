/**
 * Read a CSV file into rows that remember their line, with helpers that turn
 * a bad cell into a DataError naming file, line and column.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
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
  let records: { info: { lines: number }; record: Record<string, string> }[];
  let header: string[] = [];
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
  for (const col of required) {
    if (!header.includes(col)) {
      const fileCol = Object.entries(rename).find(([, to]) => to === col)?.[0] ?? col;
      throw new DataError(`missing column "${fileCol}" (expected columns: ${required.map((c) => Object.entries(rename).find(([, to]) => to === c)?.[0] ?? c).join(', ')}; found: ${header.join(', ')})`, { file, line: 1 });
    }
  }
  return { file, header, rows: records.map((r) => ({ line: r.info.lines, values: r.record })) };
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

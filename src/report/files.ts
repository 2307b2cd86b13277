/**
 * Output files written whole or not at all: each goes to a temporary file in
 * the same folder, then is renamed into place, so an interrupted run never
 * leaves half a table. Large tables are written in chunks, never built as one
 * string.
 */
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { writeJson } from './json-stream.js';

/** Rows per csv-stringify call when writing a table in chunks. */
const CSV_ROWS_PER_CHUNK = 4096;

/** Write a file atomically from chunks that `produce` hands to `write`. */
export function writeFileAtomic(path: string, produce: (write: (chunk: string) => void) => void): string {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    produce((chunk) => {
      writeSync(fd, chunk);
    });
    closeSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  renameSync(tmp, path);
  return path;
}

/** Write text to a file atomically (temp file in the same folder, then rename). */
export function writeAtomic(path: string, text: string): string {
  return writeFileAtomic(path, (write) => write(text));
}

/** Write a value as indented JSON (and a final newline), atomically and in chunks. */
export function writeJsonAtomic(path: string, value: unknown): string {
  return writeFileAtomic(path, (write) => {
    writeJson(value, write);
    write('\n');
  });
}

/**
 * Write rows as CSV with a header, atomically, in chunks; the bytes are
 * csv-stringify's for the whole table. `columns` defaults to the first row's keys.
 */
export function writeCsvAtomic(path: string, rows: readonly object[], columns?: readonly string[]): string {
  return writeFileAtomic(path, (write) => writeCsv(rows, write, columns));
}

/** CSV of rows with a header, handed to `write` a chunk of rows at a time. */
export function writeCsv(rows: readonly object[], write: (chunk: string) => void, columns?: readonly string[]): void {
  const cols = columns ? [...columns] : rows.length ? Object.keys(rows[0]) : undefined;
  if (rows.length === 0) {
    // csv-stringify writes nothing for no rows when columns are not given.
    write(stringify([], { header: true, columns: cols }));
    return;
  }
  for (let k = 0; k < rows.length; k += CSV_ROWS_PER_CHUNK) {
    write(stringify(rows.slice(k, k + CSV_ROWS_PER_CHUNK) as Record<string, unknown>[], { header: k === 0, columns: cols }));
  }
}

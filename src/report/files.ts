/**
 * Output files written whole or not at all: each goes to a temporary file in
 * the same folder, then is renamed into place, so an interrupted run never
 * leaves half a table. Large tables are written in chunks, never built as one
 * string.
 */
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { stringify } from 'csv-stringify/sync';
import { writeJson } from './json-stream.js';

/**
 * Make sure `dir` is a folder output can be written to, creating it if need be; `flag` names where
 * the path came from (--out, --db). A path that is a file, a parent that cannot be written, or a
 * kernel file system (/proc, /sys, where Node's recursive mkdir can loop forever) is a one-line
 * InputError before anything is written.
 */
export function makeOutputDir(dir: string, flag: string): void {
  const abs = resolve(dir);
  let existing = abs;
  while (!existsSync(existing)) existing = dirname(existing);
  if (!statSync(existing).isDirectory()) {
    throw new InputError(existing === abs ? `${flag} ${dir}: is a file; expected a folder (or a path where one can be made)` : `${flag} ${dir}: ${existing} is a file, so no folder can be made under it`);
  }
  const real = realpathSync(existing);
  const kernel = /^\/(proc|sys)(\/|$)/.exec(real);
  if (kernel) throw new InputError(`${flag} ${dir}: /${kernel[1]} is a kernel file system; choose a folder elsewhere`);
  try {
    accessSync(existing, constants.W_OK);
  } catch {
    throw new InputError(`${flag} ${dir}: ${existing} is not writable`);
  }
  if (existing !== abs) mkdirSync(abs, { recursive: true });
}

/** Rows per csv-stringify call when writing a table in chunks. */
const CSV_ROWS_PER_CHUNK = 4096;

/** Write a file atomically from chunks (text or bytes) that `produce` hands to `write`. */
export function writeFileAtomic(path: string, produce: (write: (chunk: string | Uint8Array) => void) => void): string {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    produce((chunk) => {
      if (typeof chunk === 'string') writeSync(fd, chunk);
      else for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at);
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

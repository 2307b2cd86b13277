/**
 * Headerless numeric matrices, the format of the replication packages Parley
 * reads (Ossa 2014: comma-separated; Caliendo & Parro 2015: tab-separated).
 */
import { readFileSync } from 'node:fs';
import { DataError } from '../errors.js';
import { noteRead } from './reads.js';

/**
 * A matrix with exactly rows x cols cells, row-major; each cell passes `ok`.
 * `shape` says what the rows and columns are and `expected` what a cell must
 * be, for the error message (file, line, column).
 */
export function readMatrix(file: string, rows: number, cols: number, shape: string, ok: (v: number) => boolean, expected: string, separator: string | RegExp = ','): Float64Array {
  const text = readFileSync(file, 'utf8');
  noteRead(file);
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length !== rows) throw new DataError(`expected ${rows} rows x ${cols} columns (${shape}), found ${lines.length} rows`, { file });
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const cells = lines[r].split(separator);
    if (cells.length < cols) throw new DataError(`expected ${cols} columns (${shape}), found ${cells.length}`, { file, line: r + 1 });
    for (let c = 0; c < cols; c++) {
      const raw = cells[c].trim().replace(/^"|"$/g, '');
      const v = Number(raw);
      if (raw === '' || !Number.isFinite(v) || !ok(v)) throw new DataError(`expected ${expected}, found "${cells[c]}"`, { file, line: r + 1, column: String(c + 1) });
      out[r * cols + c] = v;
    }
  }
  return out;
}

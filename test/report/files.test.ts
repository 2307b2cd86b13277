import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { writeCsvAtomic, writeFileAtomic, writeJsonAtomic } from '../../src/report/files.js';

const dir = mkdtempSync(join(tmpdir(), 'parley-files-'));

test('a table written in chunks is byte-identical to csv-stringify on the whole table', () => {
  const rows = Array.from({ length: 10000 }, (_, k) => ({ exporter: k % 7 ? `E${k}` : 'with, comma "and quotes"', value: k / 3, note: k % 11 ? '' : 'line\nbreak' }));
  const file = writeCsvAtomic(join(dir, 'big.csv'), rows);
  assert.equal(readFileSync(file, 'utf8'), stringify(rows, { header: true }));
  const picked = writeCsvAtomic(join(dir, 'picked.csv'), rows, ['value', 'exporter']);
  assert.equal(readFileSync(picked, 'utf8'), stringify(rows, { header: true, columns: ['value', 'exporter'] }));
  assert.equal(readFileSync(writeCsvAtomic(join(dir, 'empty.csv'), []), 'utf8'), '');
});

test('JSON files match JSON.stringify and end with a newline', () => {
  const value = { a: [1, 2, { b: 'c' }], d: null };
  assert.equal(readFileSync(writeJsonAtomic(join(dir, 'v.json'), value), 'utf8'), `${JSON.stringify(value, null, 2)}\n`);
});

test('a write that fails part-way leaves neither a half file nor a temporary file', () => {
  assert.throws(() =>
    writeFileAtomic(join(dir, 'half.txt'), (write) => {
      write('first chunk');
      throw new Error('disk full');
    }),
  /disk full/);
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('half')), []);
});

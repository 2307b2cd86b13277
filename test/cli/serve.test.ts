/** `parley serve` refuses bad arguments in one line with exit code 2, never a stack trace. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'parley-serve-'));

/** Run the CLI until it exits (or 20 s pass) and return its exit code and stderr. */
function parley(...args: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/cli/parley.ts'), ...args], { cwd: ROOT, env: { ...process.env, PARLEY_TOKEN: '' } });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, err });
    });
  });
}

function oneLine(r: { code: number | null; err: string }, re: RegExp): void {
  assert.equal(r.code, 2, r.err);
  assert.equal(r.err.trim().split('\n').length, 1, `one line: ${r.err}`);
  assert.match(r.err, re);
  assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
}

test('a port out of range, a file that is not a database and a busy port are one line, exit 2', { timeout: 60000 }, async () => {
  oneLine(await parley('serve', '--port', '99999', '--db', join(dir, 'a.sqlite')), /^parley: --port: expected a port number from 1 to 65535, found 99999/);
  const notDb = join(dir, 'notes.txt');
  writeFileSync(notDb, 'these are notes, not a database\n'.repeat(200));
  oneLine(await parley('serve', '--port', '8089', '--db', notDb), /^parley: --db .*notes\.txt: cannot open it as a SQLite database of saved runs/);
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
  const port = (busy.address() as AddressInfo).port;
  try {
    oneLine(await parley('serve', '--port', String(port), '--db', join(dir, 'b.sqlite')), new RegExp(`^parley: cannot serve on 127\\.0\\.0\\.1:${port}: port ${port} is already in use`));
  } finally {
    busy.close();
  }
});

/** The built-data-set cache (data/cache.ts): same values cached or not, rebuilt when any input byte changes, never used when corrupt. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cached, clearCache } from '../../src/data/cache.js';
import { buildDataset, openDataset } from '../../src/data/manifest.js';
import { openScheduledDataset } from '../../src/schedule/open.js';
import { collectWarnings } from '../../src/warn.js';
import { DATA } from '../helpers.js';

const root = mkdtempSync(join(tmpdir(), 'parley-cache-'));
process.env.PARLEY_CACHE_DIR = join(root, 'cache');

/** A private copy of a built-in data set (and the data sets it builds on), so its files can be edited. */
function copyOf(name: string): string {
  const dir = join(root, Math.random().toString(36).slice(2));
  for (const d of [name, 'baci-2023']) cpSync(join(DATA, d), join(dir, d), { recursive: true });
  return join(dir, name);
}

function entries(): string[] {
  return readdirSync(process.env.PARLEY_CACHE_DIR!).filter((f) => f.endsWith('.bin'));
}

/** Counts builds, so a test can tell a cache hit (no build) from a rebuild. */
function counting<T>(build: () => T): { build: () => T; count: () => number } {
  let n = 0;
  return { build: () => (n++, build()), count: () => n };
}

test('a cached data set equals the freshly built one, including its warnings and hash', () => {
  const dir = copyOf('baci-2023');
  const fresh = collectWarnings(() => buildDataset(join(dir, 'manifest.yaml')));
  const first = collectWarnings(() => openDataset(dir));
  const second = collectWarnings(() => openDataset(dir));
  assert.deepEqual(second.value.world, fresh.value.world);
  assert.equal(second.value.hash, fresh.value.hash);
  assert.deepEqual(first.warnings, fresh.warnings);
  assert.deepEqual(second.warnings, fresh.warnings, 'a cache hit replays the warnings the build emitted');
  assert.ok(fresh.warnings.length > 0, 'baci-2023 warns about domestic-sales floors, so replay is tested');
});

test('changing one byte of any input file rebuilds the entry', () => {
  const dir = copyOf('episode-2025-1s');
  const key = join(dir, 'manifest.yaml');
  const probe = counting(() => buildDataset(key));
  cached('probe', key, probe.build);
  cached('probe', key, probe.build);
  assert.equal(probe.count(), 1, 'second call is a hit');
  // measures.csv is read only by the hash, not by the world: still an input.
  const measures = join(dir, 'measures.csv');
  const text = readFileSync(measures, 'utf8');
  writeFileSync(measures, text.replace(/\n$/, '\r\n'));
  cached('probe', key, probe.build);
  assert.equal(probe.count(), 2, 'an edited input file forces a rebuild');
  cached('probe', key, probe.build);
  assert.equal(probe.count(), 2, 'and the rebuilt entry is used after that');
});

test('an edited flow file changes the cached world (stale entries are never used)', () => {
  const dir = copyOf('gegravity-sample');
  const before = openScheduledDataset(dir).world;
  const flows = join(dir, 'oracle', 'baseline_modeled_trade.csv');
  const lines = readFileSync(flows, 'utf8').split('\n');
  const [exporter, importer, value] = lines[1].split(',');
  lines[1] = [exporter, importer, String(Number(value) * 2)].join(',');
  writeFileSync(flows, lines.join('\n'));
  const after = openScheduledDataset(dir).world;
  const k = after.Z.findIndex((v, i) => v !== before.Z[i]);
  assert.ok(k >= 0, 'the rebuilt world has the new flow');
});

test('a truncated or overwritten entry is detected, rebuilt with a notice, never used', () => {
  const dir = copyOf('baci-2023');
  const key = join(dir, 'manifest.yaml');
  const probe = counting(() => buildDataset(key));
  const good = cached('corrupt-probe', key, probe.build);
  const file = entries()
    .map((f) => join(process.env.PARLEY_CACHE_DIR!, f))
    .filter((f) => f.includes('corrupt-probe-'))[0];
  truncateSync(file, statSync(file).size - 100);
  const { value, warnings } = collectWarnings(() => cached('corrupt-probe', key, probe.build));
  assert.equal(probe.count(), 2, 'truncated entry rebuilt');
  assert.ok(warnings.some((w) => /cache entry .* was corrupt \(payload is \d+ bytes, expected \d+\); rebuilt it/.test(w)), warnings.join('\n'));
  assert.deepEqual(value.world, good.world);
  // Flip a byte inside the payload, keeping the length.
  const bytes = readFileSync(file);
  bytes[bytes.length - 10] ^= 0xff;
  writeFileSync(file, bytes);
  const again = collectWarnings(() => cached('corrupt-probe', key, probe.build));
  assert.equal(probe.count(), 3, 'flipped byte rebuilt');
  assert.ok(again.warnings.some((w) => /checksum mismatch/.test(w)));
  writeFileSync(file, 'not a cache entry at all');
  appendFileSync(file, '!');
  const third = collectWarnings(() => cached('corrupt-probe', key, probe.build));
  assert.equal(probe.count(), 4);
  assert.ok(third.warnings.some((w) => /not a cache entry/.test(w)));
});

test('PARLEY_CACHE_DIR=off builds every time; clearCache empties the folder', () => {
  const dir = copyOf('gegravity-sample');
  const key = join(dir, 'manifest.yaml');
  const probe = counting(() => buildDataset(key));
  const saved = process.env.PARLEY_CACHE_DIR;
  process.env.PARLEY_CACHE_DIR = 'off';
  try {
    cached('off-probe', key, probe.build);
    cached('off-probe', key, probe.build);
    assert.equal(probe.count(), 2);
  } finally {
    process.env.PARLEY_CACHE_DIR = saved;
  }
  cached('off-probe', key, probe.build);
  assert.ok(entries().length > 0);
  const { removed } = clearCache();
  assert.ok(removed > 0);
  assert.equal(entries().length, 0);
});

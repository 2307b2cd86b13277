/**
 * A content-addressed cache of built data sets, so a built-in data set loads
 * in milliseconds after its first use.
 *
 * An entry is one file `<kind>-<hash of the key>.bin` in the cache folder:
 *
 *   "PARLEY-C" | u32 header length | header (JSON) | payload (v8.serialize of the value)
 *
 * The header lists every input file the build read with its SHA-256, the
 * warnings the build emitted (replayed on every load, so output is the same
 * cached or not), and the payload's length and SHA-256. An entry is used only
 * if the cache format, the V8 serialiser, the loader code and every input
 * file are unchanged and the payload checks out; a stale entry is rebuilt
 * silently, a corrupt one is rebuilt with a warning. Writes go to a temporary
 * file renamed into place, so a reader never sees half an entry.
 *
 * Folder: $PARLEY_CACHE_DIR, else $XDG_CACHE_HOME/parley, else ~/.cache/parley.
 * PARLEY_CACHE_DIR=off turns the cache off. `parley data cache --clear` empties it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { recordWarnings, warn } from '../warn.js';
import { trackReads } from './reads.js';

/** Bump when the entry layout or a cached value's shape changes. */
export const CACHE_FORMAT = 1;
const MAGIC = Buffer.from('PARLEY-C', 'latin1');
const ENTRY = /^[a-z0-9-]+-[0-9a-f]{24}\.bin$/;

interface Header {
  format: number;
  v8: string;
  code: string;
  key: string;
  deps: [file: string, sha256: string][];
  warnings: string[];
  payloadBytes: number;
  payloadSha256: string;
}

/** The cache folder, or undefined when caching is off. */
export function cacheDir(): string | undefined {
  const env = process.env.PARLEY_CACHE_DIR;
  if (env === 'off' || env === '0') return undefined;
  if (env) return env;
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg || join(homedir(), '.cache'), 'parley');
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 of a file's bytes, or "missing" (a build may note a file it found absent). */
function fileHash(file: string): string {
  try {
    return sha256(readFileSync(file));
  } catch {
    return 'missing';
  }
}

let codeFingerprint: string | undefined;

/**
 * The loader code's version: size and modification time of every file in the
 * folders whose code builds data sets (data/ and schedule/, beside this
 * module), so editing a loader invalidates what it built.
 */
function loaderCode(): string {
  if (codeFingerprint === undefined) {
    const here = dirname(fileURLToPath(import.meta.url));
    const parts: string[] = [];
    for (const folder of [here, join(here, '..', 'schedule')]) {
      for (const f of readdirSync(folder).sort()) {
        const st = statSync(join(folder, f));
        parts.push(`${f}:${st.size}:${st.mtimeMs}`);
      }
    }
    codeFingerprint = sha256(parts.join('\n'));
  }
  return codeFingerprint;
}

function entryPath(dir: string, kind: string, key: string): string {
  return join(dir, `${kind}-${sha256(`${kind}\0${key}`).slice(0, 24)}.bin`);
}

type Lookup<T> = { hit: true; value: T } | { hit: false; corrupt?: string };

function readEntry<T>(path: string, key: string): Lookup<T> {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch {
    return { hit: false };
  }
  let header: Header;
  let payloadAt: number;
  try {
    if (buf.length < 12 || !buf.subarray(0, 8).equals(MAGIC)) return { hit: false, corrupt: 'not a cache entry' };
    const length = buf.readUInt32LE(8);
    if (12 + length > buf.length) return { hit: false, corrupt: 'truncated header' };
    header = JSON.parse(buf.subarray(12, 12 + length).toString('utf8')) as Header;
    payloadAt = 12 + length;
  } catch {
    return { hit: false, corrupt: 'unreadable header' };
  }
  if (header.format !== CACHE_FORMAT || header.v8 !== process.versions.v8 || header.code !== loaderCode() || header.key !== key) return { hit: false };
  for (const [file, hash] of header.deps) if (fileHash(file) !== hash) return { hit: false };
  const payload = buf.subarray(payloadAt);
  if (payload.length !== header.payloadBytes) return { hit: false, corrupt: `payload is ${payload.length} bytes, expected ${header.payloadBytes}` };
  if (sha256(payload) !== header.payloadSha256) return { hit: false, corrupt: 'payload checksum mismatch' };
  let value: T;
  try {
    value = deserialize(payload) as T;
  } catch {
    return { hit: false, corrupt: 'payload does not deserialise' };
  }
  for (const w of header.warnings) warn(w);
  return { hit: true, value };
}

function writeEntry(path: string, header: Omit<Header, 'payloadBytes' | 'payloadSha256'>, value: unknown): void {
  const payload = serialize(value);
  const head = Buffer.from(JSON.stringify({ ...header, payloadBytes: payload.length, payloadSha256: sha256(payload) }), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(head.length);
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, Buffer.concat([MAGIC, length, head, payload]));
    renameSync(tmp, path);
  } catch {
    // The cache is an optimisation: an unwritable folder only means the next load builds again.
    try {
      unlinkSync(tmp);
    } catch {
      /* nothing written */
    }
  }
}

/**
 * The value `build` returns for `key`, from the cache when its inputs are
 * unchanged. `build` must be a pure function of the files it reads through
 * the data readers (data/csv.ts, data/yaml.ts), which record them.
 */
export function cached<T>(kind: string, key: string, build: () => T): T {
  const entry = lookup<T>(kind, key);
  if (!entry) return build();
  return entry.hit ? entry.value : store(entry.path, key, build);
}

/**
 * As `cached`, for a caller that loads the code of its builder only on a miss
 * (the CLI reads a cached data set without loading zod and YAML): the entry is
 * read once either way.
 */
export async function cachedLazily<T>(kind: string, key: string, loadBuild: () => Promise<() => T>): Promise<T> {
  const entry = lookup<T>(kind, key);
  if (!entry) return (await loadBuild())();
  return entry.hit ? entry.value : store(entry.path, key, await loadBuild());
}

/** The entry for `key`: its value on a hit, else its path to rebuild (a corrupt one reported); undefined when caching is off. */
function lookup<T>(kind: string, key: string): ({ hit: true; value: T } | { hit: false; path: string }) | undefined {
  const dir = cacheDir();
  if (!dir) return undefined;
  const path = entryPath(dir, kind, key);
  const found = readEntry<T>(path, key);
  if (found.hit) return found;
  if (found.corrupt) warn(`cache entry ${path} was corrupt (${found.corrupt}); rebuilt it`);
  return { hit: false, path };
}

function store<T>(path: string, key: string, build: () => T): T {
  const { value: built, warnings } = recordWarnings(() => trackReads(build));
  const deps = built.files.map((f): [string, string] => [f, fileHash(f)]);
  writeEntry(path, { format: CACHE_FORMAT, v8: process.versions.v8, code: loaderCode(), key, deps, warnings }, built.value);
  return built.value;
}

/** Delete every cache entry; returns the folder and how many entries went. */
export function clearCache(): { dir: string | undefined; removed: number } {
  const dir = cacheDir();
  if (!dir) return { dir, removed: 0 };
  let removed = 0;
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return { dir, removed };
  }
  for (const name of names) {
    if (!ENTRY.test(name) && !name.endsWith('.tmp')) continue;
    rmSync(join(dir, name), { force: true });
    removed++;
  }
  return { dir, removed };
}

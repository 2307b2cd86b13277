/**
 * Data-set manifests (YAML or JSON) naming the files, currency, year and
 * source note of a World, and the built-in data sets under `data/`.
 *
 * ```yaml
 * name: gegravity-sample
 * currency: USD millions (inferred)
 * year: 2006
 * source: SOURCE.md
 * flows: { file: oracle/baseline_modeled_trade.csv }
 * elasticities: 4
 * ```
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { DataError, InputError } from '../errors.js';
import { readCsv } from './csv.js';
import { loadWorld, type FlowSource } from './tables.js';
import type { World } from './world.js';

/** Folder of the built-in data sets (works from src/ and from dist/). */
export const DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));

const FileRef = z.union([
  z.string().min(1),
  z.object({ file: z.string().min(1), columns: z.record(z.string(), z.string()).optional() }).strict(),
]);

export const ManifestSchema = z
  .object({
    name: z.string().min(1),
    title: z.string().optional(),
    description: z.string().optional(),
    currency: z.string().min(1),
    year: z.number().int().optional(),
    source: z.string().min(1),
    economies: FileRef.optional(),
    flows: z.union([FileRef, z.array(FileRef).min(1)]),
    tariffs: FileRef.optional(),
    elasticities: z.union([z.number().positive(), FileRef]),
    groups: z.record(z.string(), z.array(z.string()).min(1)).optional(),
  })
  .strict();

export type Manifest = z.infer<typeof ManifestSchema>;

export interface LoadedManifest {
  manifest: Manifest;
  file: string;
  dir: string;
}

/** Parse and validate a manifest file; errors name the file, line and field. */
export function readManifest(file: string): LoadedManifest {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(`cannot read manifest (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { file });
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length) {
    const err = doc.errors[0];
    throw new DataError(`not valid YAML/JSON: ${err.message.split('\n')[0]}`, { file, line: err.linePos?.[0].line });
  }
  const parsed = ManifestSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path.map(String);
    const node = path.length ? doc.getIn(issue.path as (string | number)[], true) : undefined;
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    const line = range ? lines.linePos(range[0]).line : undefined;
    throw new DataError(`field "${path.join('.') || '(root)'}": ${issue.message}`, { file, line });
  }
  return { manifest: parsed.data, file, dir: dirname(file) };
}

function fileRef(dir: string, ref: z.infer<typeof FileRef>): FlowSource {
  return typeof ref === 'string' ? { file: join(dir, ref) } : { file: join(dir, ref.file), columns: ref.columns };
}

/** Build the World a manifest describes. */
export function worldFromManifest(loaded: LoadedManifest): World {
  const { manifest: m, dir } = loaded;
  const flows = (Array.isArray(m.flows) ? m.flows : [m.flows]).map((f) => fileRef(dir, f));
  let economies: { code: string; name: string }[] | undefined;
  if (m.economies) {
    const src = fileRef(dir, m.economies);
    const table = readCsv(src.file, ['code', 'name'], src.columns);
    economies = table.rows.map((r) => ({ code: r.values.code, name: r.values.name }));
  }
  return loadWorld({
    flows,
    tariffs: m.tariffs ? fileRef(dir, m.tariffs) : undefined,
    elasticities: typeof m.elasticities === 'number' ? m.elasticities : fileRef(dir, m.elasticities),
    economies,
    meta: { name: m.name, currency: m.currency, year: m.year, source: m.title ?? m.description, groups: m.groups },
  });
}

const BUILTIN_NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Is `name` a built-in data set? Names are plain words, so they can never reach outside DATA_DIR. */
export function isBuiltinDataset(name: string): boolean {
  return BUILTIN_NAME.test(name) && existsSync(join(DATA_DIR, name, 'manifest.yaml'));
}

/** Manifest path for a built-in name, a folder holding manifest.yaml/.json, or a manifest file. */
export function resolveManifest(nameOrPath: string): string {
  if (isBuiltinDataset(nameOrPath)) return join(DATA_DIR, nameOrPath, 'manifest.yaml');
  const p = resolve(nameOrPath);
  if (existsSync(p) && statSync(p).isDirectory()) {
    for (const f of ['manifest.yaml', 'manifest.yml', 'manifest.json']) if (existsSync(join(p, f))) return join(p, f);
    throw new InputError(`folder ${nameOrPath} has no manifest.yaml or manifest.json`);
  }
  if (existsSync(p)) return p;
  throw new InputError(`unknown data set "${nameOrPath}": not a built-in name (${listBuiltinDatasets().join(', ')}) nor a manifest file or folder`);
}

/** Load a built-in data set by name, or a manifest (file or folder) by path. */
export function loadDataset(nameOrPath: string): World {
  return worldFromManifest(readManifest(resolveManifest(nameOrPath)));
}

/** Names of the built-in data sets. */
export function listBuiltinDatasets(): string[] {
  if (!existsSync(DATA_DIR)) return [];
  return readdirSync(DATA_DIR)
    .filter((d) => existsSync(join(DATA_DIR, d, 'manifest.yaml')))
    .sort();
}

/**
 * Where data sets live and how they are named, without the manifest reader:
 * the built-in folder, name rules, manifest paths, and a manifest's file
 * references. Kept free of zod and YAML so a cached data set (data/cache.ts)
 * loads without them.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.js';
import type { Provenance } from './provenance.js';
import type { FlowSource } from './tables.js';

/** Folder of the built-in data sets (works from src/ and from dist/). */
export const DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));

/**
 * The data set a command, request or spec uses when it names none: the April 2025 world in one sector, where a deal or
 * a best response takes a fraction of a second (the episode in sectors, `episode-2025`, is named when wanted).
 */
export const DEFAULT_DATASET = 'episode-2025-1s';

/** Cache kinds (data/cache.ts) of an opened data set, and of one opened with its dated schedule. */
export const DATASET_CACHE = 'dataset';
export const SCHEDULED_DATASET_CACHE = 'scheduled-dataset';

/** A manifest's reference to a file: its name, or the name with reading options. */
export type FileRefSpec =
  | string
  | { file: string; columns?: Record<string, string>; provenance?: Provenance; domestic_provenance?: Provenance; where?: Record<string, string> };

/** A manifest's file reference as a path in its folder plus reading options. */
export function fileRef(dir: string, ref: FileRefSpec): FlowSource {
  if (typeof ref === 'string') return { file: join(dir, ref) };
  return { file: join(dir, ref.file), columns: ref.columns, provenance: ref.provenance, domesticProvenance: ref.domestic_provenance, where: ref.where };
}

/** Built-in names (data sets, scenarios, branches): lower-case words joined by '-', so never a path. */
export const BUILTIN_NAME = /^[a-z0-9][a-z0-9-]*$/;

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

/** Names of the built-in data sets. */
export function listBuiltinDatasets(): string[] {
  if (!existsSync(DATA_DIR)) return [];
  return readdirSync(DATA_DIR)
    .filter((d) => existsSync(join(DATA_DIR, d, 'manifest.yaml')))
    .sort();
}


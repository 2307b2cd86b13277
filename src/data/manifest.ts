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
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { z } from 'zod';
import { DataError } from '../errors.js';
import { cached } from './cache.js';
import { DATASET_CACHE, fileRef, resolveManifest } from './datasets.js';
import { noteRead } from './reads.js';
import { readYamlWith } from './yaml.js';
import { aggregateWorld, expandRest } from './aggregate.js';
import { numberCell, readCsv } from './csv.js';
import type { DomesticRule } from './domestic.js';
import { PROVENANCE } from './provenance.js';
import { assembleWorld, readFlowCells, readTariffs, type FlowCells, type FlowSource } from './tables.js';
import { createWorld, type World } from './world.js';
import { readIoStructure, withFinalDemand } from './io.js';
import { readElasticitySets } from './elasticity-sets.js';
import { withPairTotals } from './pair-totals.js';

export { DATA_DIR, fileRef, isBuiltinDataset, listBuiltinDatasets, resolveManifest, type FileRefSpec } from './datasets.js';

const Columns = z.record(z.string(), z.string());
const FileRef = z.union([
  z.string().min(1),
  z
    .object({
      file: z.string().min(1),
      columns: Columns.optional(),
      provenance: z.enum(PROVENANCE).optional(),
      domestic_provenance: z.enum(PROVENANCE).optional(),
      where: z.record(z.string(), z.union([z.string(), z.number()]).transform(String)).optional(),
    })
    .strict(),
]);

export const ManifestSchema = z
  .object({
    name: z.string().min(1),
    title: z.string().optional(),
    description: z.string().optional(),
    currency: z.string().min(1),
    year: z.number().int().optional(),
    source: z.string().min(1),
    /** Another manifest whose flows, economies and domestic rule this one starts from. */
    base: z.string().min(1).optional(),
    economies: FileRef.optional(),
    flows: z.union([FileRef, z.array(FileRef).min(1)]).optional(),
    /** Flows that fill empty cells of the base before domestic sales are derived. */
    fill: z.union([FileRef, z.array(FileRef).min(1)]).optional(),
    domestic: z
      .object({
        rule: z.literal('gdp-minus-exports'),
        gdp_column: z.string().min(1),
        min_share_of_absorption: z.number().min(0).lt(1),
      })
      .strict()
      .optional(),
    /** Merge economies: group -> members, or "*" for every economy not named elsewhere. */
    aggregate: z.record(z.string(), z.union([z.array(z.string()).min(1), z.literal('*')])).optional(),
    /** Merge sectors of the base: group -> members (the base's sector codes), or "*" for every sector not named elsewhere. */
    aggregate_sectors: z.record(z.string(), z.union([z.array(z.string()).min(1), z.literal('*')])).optional(),
    tariffs: FileRef.optional(),
    elasticities: z.union([z.number().positive(), FileRef]).optional(),
    groups: z.record(z.string(), z.array(z.string()).min(1)).optional(),
    /** Sector split of flows (exporter, importer, sector, share, provenance) for product-scoped measures. */
    sector_shares: FileRef.optional(),
    /** Dated tariff measures (see src/schedule). */
    measures: FileRef.optional(),
    /** Named values the measures refer to (name, value, kind, why). */
    parameters: FileRef.optional(),
    /** Several published elasticity sets: a file sector,eps_<SET>,... (the one used is named by `elasticities`). */
    elasticity_sets: FileRef.optional(),
    /** Input-output structure (MODEL.md §4): value-added shares economy,sector,share and input shares economy,input,sector,share. */
    io: z.object({ value_added: FileRef, inputs: FileRef }).strict().optional(),
    /**
     * Goods totals per pair (exporter, importer, value), e.g. from customs data: each pair's goods flows (sectors not
     * in `services`) are scaled to its total after aggregation, keeping the pair's sector mix.
     */
    goods_pair_totals: FileRef.optional(),
    /** Sectors that are services: no tariff measure reaches them, and a pair's "ALL" tariff is over goods only. */
    services: z.array(z.string().min(1)).min(1).optional(),
    /** What the data set's build changed (repairs, estimates), one line each; shown with the loader's own notes. */
    notes: z.array(z.string().min(1)).optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (!m.base && !m.flows) ctx.addIssue({ code: 'custom', path: ['flows'], message: 'required (or give "base")' });
    if (!m.base && m.elasticities === undefined) ctx.addIssue({ code: 'custom', path: ['elasticities'], message: 'required (or give "base")' });
    if (m.aggregate && !m.base) ctx.addIssue({ code: 'custom', path: ['aggregate'], message: 'aggregation needs a "base" data set to aggregate' });
    if (m.aggregate_sectors && !m.base) ctx.addIssue({ code: 'custom', path: ['aggregate_sectors'], message: 'aggregation needs a "base" data set to aggregate' });
  });

export type Manifest = z.infer<typeof ManifestSchema>;

export interface LoadedManifest {
  manifest: Manifest;
  file: string;
  dir: string;
}

/** A data set opened: its manifest, its World and its content hash (SHA-256 of the manifest and every file it reads). */
export interface OpenedDataset {
  loaded: LoadedManifest;
  world: World;
  hash: string;
}

/** Parse and validate a manifest file; errors name the file, line and field. */
export function readManifest(file: string): LoadedManifest {
  return { manifest: readYamlWith(file, ManifestSchema, 'manifest'), file, dir: dirname(file) };
}


function refs(dir: string, r: z.infer<typeof FileRef> | z.infer<typeof FileRef>[] | undefined): FlowSource[] {
  return r === undefined ? [] : (Array.isArray(r) ? r : [r]).map((f) => fileRef(dir, f));
}

interface RawWorld {
  read: FlowCells;
  economies?: { code: string; name: string }[];
  domestic?: DomesticRule;
  elasticities?: number | FlowSource;
}

function readEconomies(src: FlowSource, gdpColumn?: string): { list: { code: string; name: string }[]; gdp?: Map<string, number> } {
  const table = readCsv(src.file, gdpColumn ? ['code', 'name', gdpColumn] : ['code', 'name'], src.columns);
  const list = table.rows.map((r) => ({ code: r.values.code, name: r.values.name }));
  const gdp = gdpColumn ? new Map(table.rows.map((r) => [r.values.code, numberCell(table, r, gdpColumn, { min: 0, expected: 'GDP >= 0' })])) : undefined;
  return { list, gdp };
}

/** Flows, economies and domestic rule of a manifest before aggregation (following `base`). */
function rawWorld(loaded: LoadedManifest, depth = 0): RawWorld {
  const { manifest: m, dir } = loaded;
  if (depth > 4) throw new DataError('"base" chain is longer than 4 manifests (a cycle?)', { file: loaded.file });
  let raw: RawWorld;
  if (m.base) {
    raw = rawWorld(readManifest(resolveManifest(resolve(dir, m.base))), depth + 1);
    if (m.flows) {
      const more = readFlowCells(refs(dir, m.flows));
      raw.read.reserve(more.count);
      for (let k = 0; k < more.count; k++) raw.read.copyFrom(more, k);
    }
  } else {
    raw = { read: readFlowCells(refs(dir, m.flows)) };
  }
  // With aggregation this manifest's economies list names the groups, not the base's economies.
  if (m.economies && !m.aggregate) {
    const src = fileRef(dir, m.economies);
    const e = readEconomies(src, m.domestic?.gdp_column);
    raw.economies = e.list;
    if (m.domestic) raw.domestic = { gdp: e.gdp!, minShareOfAbsorption: m.domestic.min_share_of_absorption, file: src.file };
  } else if (m.domestic) {
    throw new DataError('"domestic" needs an "economies" file with the GDP column', { file: loaded.file });
  }
  if (m.fill) fillCells(raw.read, readFlowCells(refs(dir, m.fill)));
  if (m.elasticities !== undefined) raw.elasticities = typeof m.elasticities === 'number' ? m.elasticities : fileRef(dir, m.elasticities);
  return raw;
}

/** Put `fill` values into cells the base leaves empty; refuse to overwrite a non-zero value. */
function fillCells(base: FlowCells, fill: FlowCells): void {
  const key = (c: FlowCells, k: number) => `${c.codes[c.i[k]]}|${c.codes[c.j[k]]}|${c.sectors[c.s[k]]}`;
  const at = new Map<string, number>();
  for (let k = 0; k < base.count; k++) at.set(key(base, k), k);
  for (let k = 0; k < fill.count; k++) {
    const b = at.get(key(fill, k));
    if (b === undefined) {
      base.copyFrom(fill, k);
      continue;
    }
    if (base.v[b] > 0) {
      const what = `${fill.codes[fill.i[k]]}->${fill.codes[fill.j[k]]}`;
      throw new DataError(`fill ${what} would overwrite a non-zero value (${base.v[b]}) from ${base.where(b)}`, { file: fill.files[fill.file[k]], line: fill.line[k], column: 'value' });
    }
    base.copyFrom(fill, k, b); // the empty base row takes the fill's row
  }
  base.notes.push(`filled ${fill.count} empty cell(s) from ${fill.files.map((f) => basename(f)).join(', ')}`);
}

/** Build the World a manifest describes. */
export function worldFromManifest(loaded: LoadedManifest): World {
  const { manifest: m, dir } = loaded;
  const world = assembleFromManifest(loaded);
  const scaled = m.goods_pair_totals ? withPairTotals(world, fileRef(dir, m.goods_pair_totals), m.services ?? []) : world;
  return withManifestExtras(loaded, scaled);
}

/** Flows, domestic rule, aggregation and tariffs, with the input-output structure read against the unaggregated economies. */
function assembleFromManifest(loaded: LoadedManifest): World {
  const { manifest: m, dir } = loaded;
  const raw = rawWorld(loaded);
  if (raw.elasticities === undefined) throw new DataError('no elasticities given', { file: loaded.file });
  const meta = { name: m.name, currency: m.currency, year: m.year, source: m.title ?? m.description, groups: m.groups };
  if (!m.aggregate && !m.aggregate_sectors) {
    return withIo(loaded, assembleWorld(raw.read, { economies: raw.economies, domestic: raw.domestic, tariffs: m.tariffs ? fileRef(dir, m.tariffs) : undefined, elasticities: raw.elasticities, meta }));
  }
  // The elasticity sets are read against the base's sectors, so aggregation merges them as it merges the elasticities.
  const fine = withElasticitySets(loaded, withIo(loaded, assembleWorld(raw.read, { economies: raw.economies, domestic: raw.domestic, elasticities: raw.elasticities, meta })));
  const order = m.economies ? readEconomies(fileRef(dir, m.economies)).list : undefined;
  let groups: Record<string, string[]>;
  let world: World;
  try {
    // The rest ('*'): every economy neither in a group nor kept as itself in the economies list.
    groups = m.aggregate ? expandRest(m.aggregate, fine.codes, (order ?? []).map((e) => e.code), 'aggregate') : {};
    const sectors = m.aggregate_sectors && expandRest(m.aggregate_sectors, fine.sectors, [], 'aggregate_sectors');
    world = aggregateWorld(fine, { economies: m.aggregate ? groups : undefined, sectors, order: order?.map((e) => e.code), names: order });
  } catch (e) {
    throw new DataError((e as Error).message, { file: loaded.file });
  }
  if (!m.tariffs) return world;
  const t = readTariffs(fileRef(dir, m.tariffs), world.codes, world.sectors);
  return withFinalDemand(createWorld({ ...world, t, meta: { ...world.meta, groups: { ...world.meta.groups, ...groups } } }));
}

/** Attach the manifest's input-output structure, if it has one. */
function withIo(loaded: LoadedManifest, world: World): World {
  const { manifest: m, dir } = loaded;
  if (!m.io) return world;
  const { io, notes } = readIoStructure(fileRef(dir, m.io.value_added), fileRef(dir, m.io.inputs), world);
  try {
    return createWorld({ ...world, io, meta: { ...world.meta, notes: [...(world.meta.notes ?? []), ...notes] } });
  } catch (e) {
    throw new DataError((e as Error).message, { file: fileRef(dir, m.io.value_added).file });
  }
}

/** The manifest's elasticity sets, read against the world's sectors, and the name of the one in use. */
function withElasticitySets(loaded: LoadedManifest, world: World): World {
  const { manifest: m, dir } = loaded;
  if (!m.elasticity_sets) return world;
  const sets = readElasticitySets(fileRef(dir, m.elasticity_sets), world.sectors);
  const elasticitySet = Object.keys(sets).find((name) => sets[name].every((e, s) => Math.abs(e - world.eps[s]) <= 1e-12 * e));
  return { ...world, meta: { ...world.meta, elasticitySets: sets, elasticitySet } };
}

/** The manifest's build notes, services and (unless aggregation merged them already) elasticity sets, on the finished world. */
function withManifestExtras(loaded: LoadedManifest, world: World): World {
  const { manifest: m } = loaded;
  const withSets = world.meta.elasticitySets ? world : withElasticitySets(loaded, world);
  for (const s of m.services ?? []) {
    if (!world.sectors.includes(s)) throw new DataError(`services: unknown sector "${s}" (known: ${world.sectors.join(', ')})`, { file: loaded.file, column: 'services' });
  }
  const meta = { ...withSets.meta, ...(m.services ? { services: [...m.services] } : {}), ...(m.notes ? { notes: [...m.notes, ...(withSets.meta.notes ?? [])] } : {}) };
  return { ...withSets, meta };
}

/** Build a data set from its manifest file, without the cache (what the cache stores). */
export function buildDataset(manifestFile: string): OpenedDataset {
  const loaded = readManifest(manifestFile);
  return { loaded, world: worldFromManifest(loaded), hash: hashManifest(manifestFile) };
}

/** A data set's manifest and World together (for what else the manifest names: measures, sector shares). Cached (data/cache.ts). */
export function openDataset(nameOrPath: string): OpenedDataset {
  const file = resolveManifest(nameOrPath);
  return cached(DATASET_CACHE, file, () => buildDataset(file));
}

/** Load a built-in data set by name, or a manifest (file or folder) by path. */
export function loadDataset(nameOrPath: string): World {
  return openDataset(nameOrPath).world;
}

/**
 * Content hash (SHA-256) of a data set: its manifest and every file it reads,
 * base data sets included, so a result can say exactly which numbers it used.
 */
function hashManifest(manifestFile: string): string {
  const hash = createHash('sha256');
  // A missing file hashes as missing here; the reader that needs it reports it (a DataError naming the file).
  const read = (file: string) => {
    noteRead(file);
    return existsSync(file) ? readFileSync(file) : `missing ${file}`;
  };
  const visit = (manifestFile: string, depth: number) => {
    if (depth > 4) return;
    const { manifest: m, dir } = readManifest(manifestFile);
    hash.update(read(manifestFile));
    const refs = [m.economies, ...(m.flows === undefined ? [] : Array.isArray(m.flows) ? m.flows : [m.flows]), ...(m.fill === undefined ? [] : Array.isArray(m.fill) ? m.fill : [m.fill]), m.tariffs, typeof m.elasticities === 'number' ? undefined : m.elasticities, m.sector_shares, m.measures, m.parameters, m.elasticity_sets, m.io?.value_added, m.io?.inputs, m.goods_pair_totals];
    for (const r of refs) if (r !== undefined) hash.update(read(fileRef(dir, r).file));
    if (m.base) visit(resolveManifest(resolve(dir, m.base)), depth + 1);
  };
  visit(manifestFile, 0);
  return hash.digest('hex');
}

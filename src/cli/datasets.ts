/**
 * Data sets for the CLI, fast: a cached data set is read without loading the
 * manifest reader (zod, YAML) at all; only on a cache miss is the builder
 * imported. The library's openDataset / openScheduledDataset give the same
 * values, synchronously.
 */
import { lookupCached } from '../data/cache.js';
import { DATASET_CACHE, SCHEDULED_DATASET_CACHE, resolveManifest } from '../data/datasets.js';
import type { OpenedDataset } from '../data/manifest.js';
import type { ScheduledDataset } from '../schedule/open.js';

export async function openDatasetFast(nameOrPath: string): Promise<OpenedDataset> {
  return lookupCached<OpenedDataset>(DATASET_CACHE, resolveManifest(nameOrPath)) ?? (await import('../data/manifest.js')).openDataset(nameOrPath);
}

export async function openScheduledDatasetFast(nameOrPath: string): Promise<ScheduledDataset> {
  return lookupCached<ScheduledDataset>(SCHEDULED_DATASET_CACHE, resolveManifest(nameOrPath)) ?? (await import('../schedule/open.js')).openScheduledDataset(nameOrPath);
}

/**
 * Data sets for the CLI, fast: a cached data set is read without loading the
 * manifest reader (zod, YAML) at all; only on a cache miss is the builder
 * imported. The library's openDataset / openScheduledDataset give the same
 * values, synchronously.
 */
import { cachedLazily } from '../data/cache.js';
import { DATASET_CACHE, SCHEDULED_DATASET_CACHE, resolveManifest } from '../data/datasets.js';
import type { OpenedDataset } from '../data/manifest.js';
import type { ScheduledDataset } from '../schedule/open.js';

export async function openDatasetFast(nameOrPath: string): Promise<OpenedDataset> {
  const file = resolveManifest(nameOrPath);
  return cachedLazily(DATASET_CACHE, file, async () => {
    const { buildDataset } = await import('../data/manifest.js');
    return () => buildDataset(file);
  });
}

export async function openScheduledDatasetFast(nameOrPath: string): Promise<ScheduledDataset> {
  const file = resolveManifest(nameOrPath);
  return cachedLazily(SCHEDULED_DATASET_CACHE, file, async () => {
    const { buildScheduledDataset } = await import('../schedule/open.js');
    return () => buildScheduledDataset(file);
  });
}

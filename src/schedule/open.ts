/** Opening a data set together with its dated schedule, cached as one (data/cache.ts). */
import { cached } from '../data/cache.js';
import { SCHEDULED_DATASET_CACHE, resolveManifest } from '../data/datasets.js';
import { buildDataset, type OpenedDataset } from '../data/manifest.js';
import { scheduleFromManifest, type Schedule } from './schedule.js';

export type ScheduledDataset = OpenedDataset & { schedule: Schedule };

/** A data set opened with its dated schedule (measures, parameters, sector shares). */
export function openScheduledDataset(nameOrPath: string): ScheduledDataset {
  const file = resolveManifest(nameOrPath);
  return cached(SCHEDULED_DATASET_CACHE, file, () => buildScheduledDataset(file));
}

/** Build a data set and its schedule from its manifest file, without the cache (what the cache stores). */
export function buildScheduledDataset(manifestFile: string): ScheduledDataset {
  const opened = buildDataset(manifestFile);
  return { ...opened, schedule: scheduleFromManifest(opened.loaded, opened.world) };
}

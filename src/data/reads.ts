/**
 * Which input files a data-set build read, so the build cache (data/cache.ts)
 * can key a built data set by exactly those files' contents.
 */
const active: Set<string>[] = [];

/** Record that `file` was read (called by the CSV and YAML readers). */
export function noteRead(file: string): void {
  for (const set of active) set.add(file);
}

/** Run `fn`, returning its value and every file read while it ran. */
export function trackReads<T>(fn: () => T): { value: T; files: string[] } {
  const files = new Set<string>();
  active.push(files);
  try {
    return { value: fn(), files: [...files] };
  } finally {
    active.splice(active.indexOf(files), 1);
  }
}

/**
 * One warning channel, deduplicated (after Observable Plot's `warn`). Library
 * code reports solver fallbacks and data repairs here; shells decide where the
 * text goes, tests capture it.
 */
type Sink = (message: string) => void;

let sink: Sink = (message) => process.stderr.write(`warning: ${message}\n`);
const seen = new Set<string>();
const recorders: string[][] = [];

/** Emit a warning once per distinct message. */
export function warn(message: string): void {
  for (const r of recorders) r.push(message);
  if (seen.has(message)) return;
  seen.add(message);
  sink(message);
}

/** Route warnings elsewhere; returns a function restoring the previous sink. Clears the dedup memory. */
export function setWarningSink(next: Sink): () => void {
  const previous = sink;
  sink = next;
  seen.clear();
  return () => {
    sink = previous;
    seen.clear();
  };
}

/** Run `fn` collecting the warnings it emits (for tests and for JSON output). */
export function collectWarnings<T>(fn: () => T): { value: T; warnings: string[] } {
  const warnings: string[] = [];
  const restore = setWarningSink((m) => warnings.push(m));
  try {
    return { value: fn(), warnings };
  } finally {
    restore();
  }
}

/** Run `fn` noting every warning it emits (deduplicated or not) while still emitting them; for caches that replay them. */
export function recordWarnings<T>(fn: () => T): { value: T; warnings: string[] } {
  const warnings: string[] = [];
  recorders.push(warnings);
  try {
    return { value: fn(), warnings };
  } finally {
    recorders.splice(recorders.indexOf(warnings), 1);
  }
}

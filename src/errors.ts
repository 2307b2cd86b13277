/**
 * Typed errors. User mistakes (bad files, bad arguments) are `InputError`s and
 * carry where the problem is; a solver that stops short throws
 * `ConvergenceError` with what it reached. Shells print `message` on one line.
 */

/** Where a bad value sits: a file's line and column (1-based lines, as an editor shows them), or a field of a spec or request. */
export interface Location {
  file?: string;
  line?: number;
  column?: string;
  /** Path of the field in a spec or request body ("parties", "objectives.USA.balances"); the API returns it as `field`. */
  field?: string;
}

/** Bad user input: a file, a row, a field, an argument. */
export class InputError extends Error {
  readonly location: Location;
  constructor(message: string, location: Location = {}) {
    super(formatLocated(message, location));
    this.name = 'InputError';
    this.location = location;
  }
}

/** Bad input inside a data file (CSV, manifest). Same as InputError, named for clarity at the throw site. */
export class DataError extends InputError {
  constructor(message: string, location: Location = {}) {
    super(message, location);
    this.name = 'DataError';
  }
}

/** A numerical method stopped before meeting its tolerance. */
export class ConvergenceError extends Error {
  readonly residual: number;
  readonly iterations: number;
  constructor(what: string, residual: number, iterations: number) {
    super(`${what} did not converge: residual ${residual.toExponential(3)} after ${iterations} iterations`);
    this.name = 'ConvergenceError';
    this.residual = residual;
    this.iterations = iterations;
  }
}

function formatLocated(message: string, loc: Location): string {
  if (loc.field !== undefined) message = `${loc.field}: ${message}`;
  const parts: string[] = [];
  if (loc.file !== undefined) parts.push(loc.file);
  if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc.column !== undefined) parts.push(`column "${loc.column}"`);
  return parts.length ? `${parts.join(', ')}: ${message}` : message;
}

/**
 * An error as it crosses a thread: its message and kind (`input`, `convergence` or `internal`, the kinds the server's
 * jobs report), where an input error points, and a convergence failure's figures.
 */
export interface ErrorRecord {
  message: string;
  kind: 'input' | 'convergence' | 'internal';
  location?: Location;
  residual?: number;
  iterations?: number;
}

export function errorRecord(e: unknown): ErrorRecord {
  const err = e instanceof Error ? e : new Error(String(e));
  if (err instanceof InputError) return { message: err.message, kind: 'input', location: err.location };
  if (err instanceof ConvergenceError) return { message: err.message, kind: 'convergence', residual: err.residual, iterations: err.iterations };
  return { message: err.message, kind: 'internal' };
}

/** The error a record describes, of the class its kind names, its message prefixed by `where` (e.g. "branch main: "). */
export function errorFromRecord(r: ErrorRecord, where = ''): Error {
  const message = `${where}${r.message}`;
  if (r.kind === 'convergence') return Object.assign(new ConvergenceError('', r.residual ?? NaN, r.iterations ?? 0), { message });
  // The message already names the location: keep it as the error's, without formatting it in again.
  if (r.kind === 'input') return Object.assign(new InputError(message), { location: r.location ?? {} });
  return new Error(message);
}

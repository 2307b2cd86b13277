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

/** An error as it crossed a thread (name and message, a convergence failure's figures): the class it had, for the shells. */
export interface ErrorRecord {
  name: string;
  message: string;
  residual?: number;
  iterations?: number;
}

export function errorRecord(e: unknown): ErrorRecord {
  const err = e instanceof Error ? e : new Error(String(e));
  return { name: err.name, message: err.message, ...(err instanceof ConvergenceError ? { residual: err.residual, iterations: err.iterations } : {}) };
}

/** The error a record describes, its message prefixed by `where` (e.g. "branch main: "). */
export function errorFromRecord(r: ErrorRecord, where = ''): Error {
  const message = `${where}${r.message}`;
  if (r.name === 'ConvergenceError') return Object.assign(new ConvergenceError('', r.residual ?? NaN, r.iterations ?? 0), { message });
  if (r.name === 'InputError' || r.name === 'DataError') return new InputError(message);
  return new Error(message);
}

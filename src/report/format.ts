/** Plain-text tables and number formats for terminal output. */

export interface Column<T> {
  header: string;
  value: (row: T) => string;
  /** Right-align (numbers). Default true. */
  right?: boolean;
}

/** Render rows as an aligned text table with a header rule. */
export function textTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((r) => columns.map((c) => c.value(r)));
  const widths = columns.map((c, k) => Math.max(c.header.length, ...cells.map((row) => row[k].length)));
  const line = (vals: string[]) =>
    vals.map((v, k) => (columns[k].right === false ? v.padEnd(widths[k]) : v.padStart(widths[k]))).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/** A fraction as percent text with a % sign: 0.257 -> "25.7%". The one place results turn fractions into percent text. */
export function percent(x: number, digits = 1): string {
  return `${points(x, digits)}%`;
}

/** A fraction in percentage points, without the sign: 0.257 -> "25.7" (table cells under a "%" header). */
export function points(x: number, digits = 1): string {
  return (100 * x).toFixed(digits);
}

/** A signed fixed-point number, e.g. "+0.42" / "-1.30". */
export function signed(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return String(x);
  const s = x.toFixed(digits);
  return x >= 0 && !s.startsWith('-') ? `+${s}` : s === `-${(0).toFixed(digits)}` ? `+${(0).toFixed(digits)}` : s;
}

/** A money amount in compact units: 1.23 bn, 456.7 m. */
export function money(x: number): string {
  const a = Math.abs(x);
  if (a >= 1e12) return `${(x / 1e12).toFixed(2)} tn`;
  if (a >= 1e9) return `${(x / 1e9).toFixed(2)} bn`;
  if (a >= 1e6) return `${(x / 1e6).toFixed(1)} m`;
  if (a >= 1e3) return `${(x / 1e3).toFixed(1)} k`;
  return x.toFixed(1);
}

/** What a payoff point is, and why a payoff gain and a money gain can differ in sign. */
/** Under balanced trade exports and imports move together; readers otherwise take the equal columns for a bug. */
export const BALANCED_TRADE_NOTE = 'Trade is balanced here (deficits purged), so each economy\'s exports equal its imports in value before and after, and their % changes are the same.';

export const PAYOFF_UNITS = 'Payoff points are each party\'s objective: percentage points of welfare plus its stated weights times tariff revenue and bilateral balances (in % of GDP). Money is the welfare part alone (equivalent variation), so a party that values revenue or balances can gain in payoff while losing welfare, and the two can differ in sign.';

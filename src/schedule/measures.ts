/**
 * Dated tariff measures as data: who imposes what on whom, on which goods,
 * from when, under which legal authority. A data set's `measures` file is the
 * law of an episode; `schedule.ts` turns it into the tariff of any day.
 *
 * measures.csv columns:
 *   id, announced, effective, until   dates YYYY-MM-DD; `until` is the first day no longer covered (empty: open-ended)
 *   importer                          the economy imposing the duty
 *   exporters, except                 "*" or codes separated by ";", minus `except`
 *   sectors                           "*" or sector codes (of the sector shares) separated by ";"
 *   authority                         fentanyl | s232 | s301 | reciprocal | retaliation | other
 *   action                            set (the authority's rate becomes `rate`), pause (capped at `rate` while active),
 *                                     exempt (the authority's duty is 0 while active)
 *   rate, share                       additional ad valorem rate (fraction) and the share of the flow it applies to;
 *                                     either may name a parameter instead of a number
 *   event, note                       the source event (line of the fact base's events.csv) and a one-line reason
 * Rows must be in order of announcement.
 */
import { DataError } from '../errors.js';
import { cell, numberCell, parseNumberAt, readCsv, type CsvRow, type CsvTable } from '../data/csv.js';
import { isProvenance, type Provenance } from '../data/provenance.js';
import type { FlowSource } from '../data/tables.js';

export const AUTHORITIES = ['fentanyl', 's232', 's301', 'reciprocal', 'retaliation', 'other'] as const;
export type Authority = (typeof AUTHORITIES)[number];
export const ACTIONS = ['set', 'pause', 'exempt'] as const;
export type Action = (typeof ACTIONS)[number];

export interface Measure {
  id: string;
  announced: string;
  effective: string;
  until?: string;
  importer: string;
  /** Exporters covered; '*' = all but `except`. */
  exporters: readonly string[] | '*';
  except: readonly string[];
  sectors: readonly string[] | '*';
  authority: Authority;
  action: Action;
  rate: number;
  /** The part of the covered value that pays (e.g. the non-USMCA share, the non-US content). */
  share: number;
  /**
   * The part of the cell's goods the measure is about (optional column, default 1): in a world whose sector holds
   * more than the measure names (aluminium inside non-ferrous metals, the exempt electronics inside C26). A set
   * taxes that part, an exempt frees it, and Section 232 displaces the reciprocal duty on it.
   */
  covers: number;
  /** Parameter names used for rate / share / covers, if any. */
  rateParam?: string;
  shareParam?: string;
  coversParam?: string;
  event?: string;
  note?: string;
  /** Where the row came from, for messages. */
  file?: string;
  line?: number;
}

export interface Parameter {
  name: string;
  value: number;
  kind: string;
  why: string;
  /** The day the value was known (a dated parameter may have several rows; this is the latest). */
  date?: string;
  /** A stated range around the value, which Monte Carlo may draw from (scenario `draw_parameters`). */
  low?: number;
  high?: number;
  /** A dated parameter's earlier rows, oldest first. */
  earlier?: readonly Parameter[];
}

/** Sector split of flows for product-scoped measures: importer|exporter -> shares over `sectors`. */
export interface SectorShares {
  sectors: readonly string[];
  shares: ReadonlyMap<string, Float64Array>;
  provenance: ReadonlyMap<string, Provenance>;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Check a YYYY-MM-DD date (a real calendar day). */
export function isIsoDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function dateCell(table: CsvTable, row: CsvRow, column: string, when: 'required' | 'optional' = 'required'): string | undefined {
  const v = row.values[column] ?? '';
  if (v === '' && when === 'optional') return undefined;
  if (!isIsoDate(v)) throw new DataError(`expected a date YYYY-MM-DD, found "${v}"`, { file: table.file, line: row.line, column });
  return v;
}

function listCell(v: string): readonly string[] | '*' {
  const t = v.trim();
  return t === '*' || t === '' ? '*' : t.split(';').map((s) => s.trim()).filter(Boolean);
}

/**
 * parameters.csv: name, value, kind, why, and optionally date (the day the value was known), low and high (a stated
 * range, both or neither, around the value). A name may have several rows if each is dated, in date order: the
 * latest is the parameter's value, and a scenario written as of an earlier day uses the row known then.
 */
export function readParameters(src: FlowSource): Map<string, Parameter> {
  const table = readCsv(src.file, ['name', 'value', 'kind', 'why'], src.columns);
  const out = new Map<string, Parameter>();
  for (const row of table.rows) {
    const name = cell(table, row, 'name');
    const loc = (column: string) => ({ file: table.file, line: row.line, column });
    const value = numberCell(table, row, 'value', { expected: 'a finite number' });
    const date = dateCell(table, row, 'date', 'optional');
    const bound = (column: 'low' | 'high') => ((row.values[column] ?? '').trim() === '' ? undefined : numberCell(table, row, column, { expected: `a finite number (the range's ${column} end)` }));
    const low = bound('low');
    const high = bound('high');
    if ((low === undefined) !== (high === undefined)) throw new DataError(`a range needs both low and high, found only ${low === undefined ? 'high' : 'low'}`, loc(low === undefined ? 'low' : 'high'));
    if (low !== undefined && !(low <= value && value <= high!)) throw new DataError(`expected low <= value <= high, found ${low} <= ${value} <= ${high}`, loc('low'));
    const p: Parameter = { name, value, kind: row.values.kind, why: row.values.why, ...(date ? { date } : {}), ...(low !== undefined ? { low, high } : {}) };
    const before = out.get(name);
    if (before) {
      if (!before.date || !date) throw new DataError(`duplicate parameter "${name}": rows of one parameter need a date each`, loc(before.date ? 'date' : 'name'));
      if (date <= before.date) throw new DataError(`dates out of order: ${name} dated ${date} comes after its row dated ${before.date}; list a parameter's rows in date order`, loc('date'));
      p.earlier = [...(before.earlier ?? []), { ...before, earlier: undefined }];
    }
    out.set(name, p);
  }
  return out;
}

/** The part of a measure a parameter may give: its rate, its share of the flow, or its coverage of the sector. */
export type ParameterRole = 'rate' | 'share' | 'coverage';

/**
 * A measure with the parameters it names given new values: `value(param, role)` returns one, or undefined to keep the
 * measure's own. The measure itself when nothing changes.
 */
export function withParameterValues(m: Measure, value: (param: string, role: ParameterRole) => number | undefined): Measure {
  const take = (param: string | undefined, own: number, role: ParameterRole) => (param === undefined ? own : (value(param, role) ?? own));
  const rate = take(m.rateParam, m.rate, 'rate');
  const share = take(m.shareParam, m.share, 'share');
  const covers = take(m.coversParam, m.covers, 'coverage');
  return rate === m.rate && share === m.share && covers === m.covers ? m : { ...m, rate, share, covers };
}

/**
 * The parameters as known on a day: each one's latest row dated on or before it (an undated row is always known).
 * A parameter with no row known by then is left out, so a measure naming it is refused as naming an unknown one.
 */
export function parametersKnownOn(params: ReadonlyMap<string, Parameter>, day: string): Map<string, Parameter> {
  const out = new Map<string, Parameter>();
  for (const [name, p] of params) {
    const rows = [...(p.earlier ?? []), p];
    const known = rows.filter((r) => !r.date || r.date <= day).at(-1);
    if (known) out.set(name, { ...known, earlier: undefined });
  }
  return out;
}

/** Read measures, checking codes against the world and sectors against the shares. */
export function readMeasures(src: FlowSource, codes: readonly string[], sectors: readonly string[], params: ReadonlyMap<string, Parameter>): Measure[] {
  const table = readCsv(src.file, ['id', 'announced', 'effective', 'importer', 'exporters', 'sectors', 'authority', 'action', 'rate'], src.columns);
  const known = new Set(codes);
  const ids = new Set<string>();
  const out: Measure[] = [];
  let lastAnnounced = '';
  const loc = (row: CsvRow, column: string) => ({ file: table.file, line: row.line, column });
  const code = (row: CsvRow, column: string, c: string) => {
    if (!known.has(c)) throw new DataError(`unknown economy "${c}" (known: ${codes.join(', ')})`, loc(row, column));
    return c;
  };
  const valueOrParam = (row: CsvRow, column: string, fallback: string, rule: { min: number; max?: number; expected: string }) => {
    const raw = (row.values[column] ?? '').trim() || fallback;
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(raw)) {
      const p = params.get(raw);
      if (!p) throw new DataError(`unknown parameter "${raw}" (known: ${[...params.keys()].join(', ') || 'none'})`, loc(row, column));
      if (!(p.value >= rule.min) || (rule.max !== undefined && p.value > rule.max)) throw new DataError(`parameter ${raw} = ${p.value}: expected ${rule.expected}`, loc(row, column));
      return { value: p.value, param: raw };
    }
    const value = parseNumberAt(raw, { min: rule.min, expected: rule.expected }, loc(row, column));
    if (rule.max !== undefined && value > rule.max) throw new DataError(`expected ${rule.expected}, found "${raw}"`, loc(row, column));
    return { value };
  };
  for (const row of table.rows) {
    const v = row.values;
    const id = cell(table, row, 'id');
    if (ids.has(id)) throw new DataError(`duplicate measure id "${id}"`, loc(row, 'id'));
    ids.add(id);
    const announced = dateCell(table, row, 'announced')!;
    const effective = dateCell(table, row, 'effective')!;
    const until = dateCell(table, row, 'until', 'optional');
    if (announced < lastAnnounced) throw new DataError(`dates out of order: announced ${announced} comes after a row announced ${lastAnnounced}; list measures in order of announcement`, loc(row, 'announced'));
    lastAnnounced = announced;
    if (until !== undefined && until <= effective) throw new DataError(`dates out of order: until ${until} is not after effective ${effective}`, loc(row, 'until'));
    const authority = cell(table, row, 'authority');
    if (!(AUTHORITIES as readonly string[]).includes(authority)) throw new DataError(`expected an authority (${AUTHORITIES.join(', ')}), found "${authority}"`, loc(row, 'authority'));
    const action = cell(table, row, 'action');
    if (!(ACTIONS as readonly string[]).includes(action)) throw new DataError(`expected an action (${ACTIONS.join(', ')}), found "${action}"`, loc(row, 'action'));
    const importer = code(row, 'importer', cell(table, row, 'importer'));
    const exporters = listCell(cell(table, row, 'exporters'));
    if (exporters !== '*') exporters.forEach((c) => code(row, 'exporters', c));
    const exceptList = listCell(v.except ?? '');
    const except = exceptList === '*' ? [] : exceptList.map((c) => code(row, 'except', c));
    const sectorList = listCell(cell(table, row, 'sectors'));
    if (sectorList !== '*') {
      for (const s of sectorList) if (!sectors.includes(s)) throw new DataError(`unknown sector "${s}" (known: ${sectors.join(', ') || 'none: this data set has no sector shares'})`, loc(row, 'sectors'));
    }
    const rate = valueOrParam(row, 'rate', '', { min: 0, expected: 'an additional rate >= 0 (a fraction: 0.25 = 25%) or a parameter name' });
    const share = valueOrParam(row, 'share', '1', { min: 0, max: 1, expected: 'a share of the flow in [0, 1] or a parameter name' });
    const coverage = valueOrParam(row, 'covers', '1', { min: 0, max: 1, expected: "the part of the sector's goods covered, in [0, 1], or a parameter name" });
    out.push({
      id, announced, effective, until, importer, exporters, except, sectors: sectorList,
      authority: authority as Authority, action: action as Action,
      rate: rate.value, share: share.value, covers: coverage.value, rateParam: rate.param, shareParam: share.param, coversParam: coverage.param,
      event: v.event || undefined, note: v.note || undefined, file: table.file, line: row.line,
    });
  }
  checkContradictions(out);
  return out;
}

function covers(list: readonly string[] | '*', x: string): boolean {
  return list === '*' || list.includes(x);
}

function overlap(a: Measure, b: Measure): boolean {
  if (a.importer !== b.importer) return false;
  const ex = (m: Measure, c: string) => covers(m.exporters, c) && !m.except.includes(c);
  const exporters = a.exporters === '*' ? (b.exporters === '*' ? null : b.exporters) : a.exporters;
  const anyExporter = exporters === null ? true : exporters.some((c) => ex(a, c) && ex(b, c));
  const anySector = a.sectors === '*' || b.sectors === '*' || a.sectors.some((s) => b.sectors.includes(s));
  return anyExporter && anySector;
}

/** Two `set` rows of one authority, same dates and same specificity, covering a common cell with different duties. */
export function checkContradictions(ms: Measure[]): void {
  for (let a = 0; a < ms.length; a++) {
    for (let b = a + 1; b < ms.length; b++) {
      const x = ms[a];
      const y = ms[b];
      if (x.action !== 'set' || y.action !== 'set' || x.authority !== y.authority) continue;
      if (x.effective !== y.effective || x.announced !== y.announced || specificity(x) !== specificity(y)) continue;
      if ((x.rate !== y.rate || x.share !== y.share) && overlap(x, y)) {
        throw new DataError(`measure "${y.id}" contradicts "${x.id}" (line ${x.line}): same authority, dates and scope, different duty on common goods`, { file: y.file, line: y.line, column: 'rate' });
      }
    }
  }
}

/**
 * A row naming sectors is more specific than one covering all, and one naming fewer sectors more specific than
 * one naming more (Canadian energy within all goods): it wins when both start together. Naming exporters counts more.
 */
export function specificity(m: Measure): number {
  return (m.sectors === '*' ? 0 : 1 / m.sectors.length) + (m.exporters === '*' ? 0 : 2);
}

/** Sector shares importer,exporter,sector,share[,provenance]; each pair's shares must sum to 1. */
export function readSectorShares(src: FlowSource, codes: readonly string[]): SectorShares {
  const table = readCsv(src.file, ['exporter', 'importer', 'sector', 'share'], src.columns);
  const sectors: string[] = [];
  for (const row of table.rows) if (!sectors.includes(row.values.sector)) sectors.push(cell(table, row, 'sector'));
  const shares = new Map<string, Float64Array>();
  const provenance = new Map<string, Provenance>();
  const firstLine = new Map<string, number>();
  const known = new Set(codes);
  for (const row of table.rows) {
    for (const column of ['exporter', 'importer']) {
      if (!known.has(row.values[column])) throw new DataError(`unknown economy "${row.values[column]}" (known: ${codes.join(', ')})`, { file: table.file, line: row.line, column });
    }
    const key = `${row.values.importer}|${row.values.exporter}`;
    let arr = shares.get(key);
    if (!arr) {
      arr = new Float64Array(sectors.length).fill(NaN);
      shares.set(key, arr);
      firstLine.set(key, row.line);
    }
    const s = sectors.indexOf(row.values.sector);
    if (!Number.isNaN(arr[s])) throw new DataError(`duplicate share for ${row.values.exporter}->${row.values.importer} sector ${row.values.sector}`, { file: table.file, line: row.line, column: 'sector' });
    arr[s] = numberCell(table, row, 'share', { min: 0, expected: 'a share in [0, 1]' });
    if (arr[s] > 1) throw new DataError(`expected a share in [0, 1], found "${row.values.share}"`, { file: table.file, line: row.line, column: 'share' });
    const p = row.values.provenance;
    if (p) {
      if (!isProvenance(p)) throw new DataError(`unknown provenance "${p}"`, { file: table.file, line: row.line, column: 'provenance' });
      provenance.set(key, p);
    }
  }
  for (const [key, arr] of shares) {
    const [importer, exporter] = key.split('|');
    const missing = sectors.filter((_, s) => Number.isNaN(arr[s]));
    if (missing.length) throw new DataError(`${exporter}->${importer} has no share for sector${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, { file: table.file, line: firstLine.get(key), column: 'sector' });
    const sum = arr.reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > 1e-4) throw new DataError(`the sector shares of ${exporter}->${importer} sum to ${sum.toFixed(6)}, expected 1 (they split the whole flow)`, { file: table.file, line: firstLine.get(key), column: 'share' });
  }
  return { sectors, shares, provenance };
}

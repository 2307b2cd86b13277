/**
 * Counterfactual shocks: new tariffs t' and iceberg cost factors dhat, from
 * rows or from a CSV file `exporter,importer[,sector],tariff,cost_factor`.
 * Rows left out keep the baseline; a row without sector covers every sector;
 * `*` as exporter or importer means every partner (never the domestic pair).
 * Rows apply in order, so a specific row after a `*` row overrides it.
 */
import { DataError, InputError } from '../errors.js';
import { cell, parseNumberAt, readCsv, type CsvTable } from '../data/csv.js';
import { ALL_SECTORS } from '../data/tables.js';
import { MAX_TARIFF, type World } from '../data/world.js';
import { noShock, type Shock } from './equilibrium.js';

export interface ShockRow {
  exporter: string;
  importer: string;
  /** Omit (or "ALL") for every sector. */
  sector?: string;
  /** New ad valorem tariff (0.25 = 25%); omit to keep the baseline. */
  tariff?: number;
  /** Multiplicative iceberg change; omit for 1. Infinity = prohibitive. */
  cost_factor?: number;
}

const WILDCARD = '*';

/** Apply rows to the baseline of `world`. Throws InputError for unknown codes or bad values. */
export function shockFromRows(world: World, rows: readonly ShockRow[], where: (k: number, column?: string) => { file?: string; line?: number; column?: string } = () => ({})): Shock {
  const shock = noShock(world);
  const { N, S, codes, sectors } = world;
  const ix = new Map(codes.map((c, k) => [c, k]));
  const sx = new Map(sectors.map((c, k) => [c, k]));
  const seen = new Set<string>();
  rows.forEach((row, r) => {
    const resolve = (code: string, column: string): number[] => {
      if (code === WILDCARD) return codes.map((_, k) => k);
      const k = ix.get(code);
      if (k === undefined) throw new InputError(`unknown economy "${code}"`, where(r, column));
      return [k];
    };
    const is = resolve(row.exporter, 'exporter');
    const js = resolve(row.importer, 'importer');
    let ss: number[];
    if (row.sector === undefined || row.sector === '' || row.sector === ALL_SECTORS) ss = sectors.map((_, k) => k);
    else {
      const s = sx.get(row.sector);
      if (s === undefined) throw new InputError(`unknown sector "${row.sector}" (known: ${sectors.join(', ')})`, where(r, 'sector'));
      ss = [s];
    }
    const key = `${row.exporter}|${row.importer}|${row.sector ?? ALL_SECTORS}`;
    if (seen.has(key)) throw new InputError(`duplicate shock row for ${row.exporter}->${row.importer}`, where(r, 'exporter'));
    seen.add(key);
    if (row.tariff === undefined && row.cost_factor === undefined) throw new InputError('a shock row needs a tariff, a cost_factor or both', where(r, 'tariff'));
    if (row.tariff !== undefined && !(row.tariff > -1 && row.tariff <= MAX_TARIFF)) throw new InputError(`expected a tariff above -1 and at most ${MAX_TARIFF} (0.25 = 25%), found ${row.tariff}`, where(r, 'tariff'));
    if (row.cost_factor !== undefined && !(row.cost_factor > 0) ) throw new InputError(`expected a cost_factor > 0, found ${row.cost_factor}`, where(r, 'cost_factor'));
    const single = is.length === 1 && js.length === 1;
    if (single && is[0] === js[0] && row.tariff !== undefined) throw new InputError(`a domestic flow (${row.exporter}->${row.importer}) carries no tariff`, where(r, 'tariff'));
    for (const i of is) {
      for (const j of js) {
        if (i === j && !single) continue;
        for (const s of ss) {
          const k = (i * N + j) * S + s;
          if (row.tariff !== undefined) shock.tariffs[k] = row.tariff;
          if (row.cost_factor !== undefined) shock.costFactors[k] = row.cost_factor;
        }
      }
    }
  });
  return shock;
}

/** Read a shock CSV for `world`; errors name the file, line and column. */
export function readShockCsv(file: string, world: World): Shock {
  const table = readCsv(file, ['exporter', 'importer']);
  if (!table.header.includes('tariff') && !table.header.includes('cost_factor')) {
    throw new DataError('expected a "tariff" or "cost_factor" column (or both)', { file, line: 1 });
  }
  const hasSector = table.header.includes('sector');
  const rows: ShockRow[] = table.rows.map((row) => {
    const opt = (column: string, rule: Parameters<typeof parseNumberAt>[1]): number | undefined => {
      const raw = row.values[column];
      return raw === undefined || raw === '' ? undefined : parseNumberAt(raw, rule, { file, line: row.line, column });
    };
    return {
      exporter: cell(table, row, 'exporter'),
      importer: cell(table, row, 'importer'),
      sector: hasSector ? row.values.sector || undefined : undefined,
      tariff: opt('tariff', { above: -1, max: MAX_TARIFF, expected: 'a tariff above -1 (a fraction: 0.25 = 25%), or empty' }),
      cost_factor: opt('cost_factor', { above: 0, allowInfinity: true, expected: 'a cost factor > 0 (1 = no change, inf = prohibitive), or empty' }),
    };
  });
  return shockFromRows(world, rows, (r, column) => locate(table, r, column));
}

function locate(table: CsvTable, r: number, column?: string) {
  return { file: table.file, line: table.rows[r]?.line, column };
}

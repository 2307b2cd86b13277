/**
 * Tables as an Excel workbook (exceljs), one sheet per table, with units in the headers, written
 * whole or not at all (a temporary file renamed into place). exceljs is loaded only when a workbook
 * is asked for, so no other command pays for it.
 */
import { writeFileAtomic } from './files.js';

export interface Sheet {
  name: string;
  rows: readonly Record<string, unknown>[];
}

/** A column's header with its unit, from Parley's column naming (…_pct, rates as fractions, money in the currency). */
export function headerWithUnit(column: string, currency: string): string {
  if (column.endsWith('_pct')) return `${column} (%)`;
  if (/^(rate|before|p5|p25|p75|p95|tariff|tariff_with|tariff_without)$/.test(column)) return `${column} (fraction: 0.25 = 25%)`;
  if (column === 'tariff_points' || column.startsWith('tariff_points_')) return `${column} (percentage points)`;
  if (column === 'utility') return `${column} (payoff points)`;
  if (column === 'ev' || column.startsWith('ev_') || column.endsWith('_before') || column.endsWith('_after')) return `${column} (${currency})`;
  return column;
}

/** The workbook's bytes: each sheet's columns are the union of its rows' keys, in first-seen order. */
export async function workbookBuffer(sheets: readonly Sheet[], currency: string): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Parley';
  for (const sheet of sheets) {
    const ws = wb.addWorksheet(sheet.name.slice(0, 31));
    const columns: string[] = [];
    for (const row of sheet.rows) for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k);
    ws.columns = columns.map((c) => ({ header: headerWithUnit(c, currency), key: c, width: Math.min(40, Math.max(10, headerWithUnit(c, currency).length + 2)) }));
    ws.getRow(1).font = { bold: true };
    for (const row of sheet.rows) ws.addRow(Object.fromEntries(columns.map((c) => [c, cellValue(row[c])])));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Numbers, text and booleans as themselves; anything else (objects, arrays) as its JSON. */
function cellValue(v: unknown): string | number | boolean | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

/** Write the workbook atomically (see writeFileAtomic); returns the path. */
export async function writeWorkbookAtomic(path: string, sheets: readonly Sheet[], currency: string): Promise<string> {
  const buffer = await workbookBuffer(sheets, currency);
  return writeFileAtomic(path, (write) => write(buffer));
}

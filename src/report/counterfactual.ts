/**
 * A solved counterfactual as JSON, CSV tables and a terminal table. The JSON
 * field names are the public contract of `parley counterfactual --json`.
 */
import { join } from 'node:path';
import { makeOutputDir, writeCsvAtomic } from './files.js';
import type { Equilibrium } from '../model/equilibrium.js';
import { ECONOMY_FIELDS, economyRecord, economyResults, flowResults, type EconomyRecord, type EconomyResult, type FlowResult } from '../model/results.js';

export { ECONOMY_FIELDS, type EconomyRecord };
import { money, signed, textTable } from './format.js';
import { ioEconomyResults, ioSectorResults, type IoEconomyResult, type IoSectorResult } from '../model/io-results.js';

export const FLOW_FIELDS = ['exporter', 'importer', 'sector', 'before', 'after', 'change_pct'] as const satisfies readonly (keyof FlowResult)[];


export const IO_ECONOMY_FIELDS = ['code', 'welfare_pct', 'tot_pct', 'vot_pct', 'real_wage_pct', 'real_income_pct'] as const satisfies readonly (keyof IoEconomyResult)[];
export const SECTOR_FIELDS = ['code', 'sector', 'output_before', 'output_after', 'output_pct', 'real_output_pct', 'price_pct', 'cost_pct'] as const satisfies readonly (keyof IoSectorResult)[];

export interface CounterfactualReport {
  converged: boolean;
  iterations: number;
  residual: number;
  deficits: string;
  currency: string;
  economies: EconomyRecord[];
  flows: FlowResult[];
  /**
   * Input-output worlds only: per economy, Caliendo & Parro's decomposition
   * (welfare = ToT + VoT, first order), the real wage and exact real income;
   * per sector of the economies asked for, output and price changes.
   */
  io?: { economies: IoEconomyResult[]; sectors: IoSectorResult[] };
}

export interface ReportOptions {
  /** Economies whose sector results an input-output report lists (default: every economy). */
  sectorsOf?: readonly string[];
}

export function counterfactualReport(eq: Equilibrium, options: ReportOptions = {}): CounterfactualReport {
  return {
    converged: eq.converged,
    iterations: eq.iterations,
    residual: eq.residual,
    deficits: eq.deficits,
    currency: eq.baseline.world.meta.currency,
    economies: economyResults(eq).map(economyRecord),
    flows: flowResults(eq),
    ...(eq.io ? { io: { economies: ioEconomyResults(eq), sectors: ioSectorResults(eq, options.sectorsOf) } } : {}),
  };
}

/** Terminal table of the input-output measures per economy (the `only` ones, sorted like economyTable). */
export function ioEconomyTable(rows: readonly IoEconomyResult[], only?: ReadonlySet<string>): string {
  const shown = rows.filter((r) => !only || only.has(r.code)).sort((a, b) => b.real_income_pct - a.real_income_pct);
  return textTable(shown, [
    { header: 'economy', value: (r) => r.code, right: false },
    { header: 'real income %', value: (r) => signed(r.real_income_pct, 3) },
    { header: 'real wage %', value: (r) => signed(r.real_wage_pct, 3) },
    { header: 'CP welfare %', value: (r) => signed(r.welfare_pct, 3) },
    { header: '= terms of trade', value: (r) => signed(r.tot_pct, 3) },
    { header: '+ volume of trade', value: (r) => signed(r.vot_pct, 3) },
  ]);
}

/** Terminal table of one economy's sectors, largest output change first. */
export function sectorTable(rows: readonly IoSectorResult[], code: string): string {
  const shown = rows.filter((r) => r.code === code).sort((a, b) => Math.abs(b.real_output_pct) - Math.abs(a.real_output_pct));
  return textTable(shown, [
    { header: 'sector', value: (r) => r.sector, right: false },
    { header: 'output', value: (r) => `${money(r.output_before)} -> ${money(r.output_after)}` },
    { header: 'real output %', value: (r) => signed(r.real_output_pct, 3) },
    { header: 'buyer price %', value: (r) => signed(r.price_pct, 3) },
    { header: 'input cost %', value: (r) => signed(r.cost_pct, 3) },
  ]);
}

/** One line stating how the solve ended. */
export function convergenceLine(eq: Pick<Equilibrium, 'converged' | 'iterations' | 'residual' | 'deficits'>): string {
  return `${eq.converged ? 'converged' : 'NOT CONVERGED'} in ${eq.iterations} iterations, max excess demand / output ${eq.residual.toExponential(1)}, deficits ${eq.deficits}`;
}

/** Terminal table of economies sorted by welfare change (most hurt last). `only` restricts the rows shown. */
export function economyTable(rows: readonly EconomyResult[], only?: ReadonlySet<string>): string {
  const shown = rows.filter((r) => !only || only.has(r.code)).sort((a, b) => b.welfare_pct - a.welfare_pct);
  return textTable(shown, [
    { header: 'economy', value: (r) => r.code, right: false },
    { header: 'welfare %', value: (r) => signed(r.welfare_pct, 3) },
    { header: 'real GDP %', value: (r) => signed(r.real_gdp_pct, 3) },
    { header: 'EV', value: (r) => money(r.ev) },
    { header: 'tariff revenue', value: (r) => `${money(r.tariff_revenue_before)} -> ${money(r.tariff_revenue_after)}` },
    { header: 'exports %', value: (r) => signed(r.exports_pct, 2) },
    { header: 'imports %', value: (r) => signed(r.imports_pct, 2) },
    { header: 'ToT %', value: (r) => signed(r.terms_of_trade_pct, 2) },
    { header: 'balance', value: (r) => `${money(r.trade_balance_before)} -> ${money(r.trade_balance_after)}` },
  ]);
}

/** Write economies.csv and flows.csv (and, for input-output worlds, io-economies.csv and sectors.csv) into dir, each via a temporary file and a rename, so no half-written table is left. */
export function writeCounterfactualCsv(report: CounterfactualReport, dir: string): string[] {
  makeOutputDir(dir, '--out');
  const files = [writeCsvAtomic(join(dir, 'economies.csv'), report.economies, ECONOMY_FIELDS), writeCsvAtomic(join(dir, 'flows.csv'), report.flows, FLOW_FIELDS)];
  if (report.io) files.push(writeCsvAtomic(join(dir, 'io-economies.csv'), report.io.economies, IO_ECONOMY_FIELDS), writeCsvAtomic(join(dir, 'sectors.csv'), report.io.sectors, SECTOR_FIELDS));
  return files;
}

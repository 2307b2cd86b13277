/**
 * A solved counterfactual as JSON, CSV tables and a terminal table. The JSON
 * field names are the public contract of `parley counterfactual --json`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeCsvAtomic } from './files.js';
import type { Equilibrium } from '../model/equilibrium.js';
import { ECONOMY_FIELDS, economyRecord, economyResults, flowResults, type EconomyRecord, type EconomyResult, type FlowResult } from '../model/results.js';

export { ECONOMY_FIELDS, type EconomyRecord };
import { money, signed, textTable } from './format.js';

export const FLOW_FIELDS = ['exporter', 'importer', 'sector', 'before', 'after', 'change_pct'] as const satisfies readonly (keyof FlowResult)[];


export interface CounterfactualReport {
  converged: boolean;
  iterations: number;
  residual: number;
  deficits: string;
  currency: string;
  economies: EconomyRecord[];
  flows: FlowResult[];
}


export function counterfactualReport(eq: Equilibrium): CounterfactualReport {
  return {
    converged: eq.converged,
    iterations: eq.iterations,
    residual: eq.residual,
    deficits: eq.deficits,
    currency: eq.baseline.world.meta.currency,
    economies: economyResults(eq).map(economyRecord),
    flows: flowResults(eq),
  };
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

/** Write economies.csv and flows.csv into dir, each via a temporary file and a rename, so no half-written table is left. */
export function writeCounterfactualCsv(report: CounterfactualReport, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return [writeCsvAtomic(join(dir, 'economies.csv'), report.economies, ECONOMY_FIELDS), writeCsvAtomic(join(dir, 'flows.csv'), report.flows, FLOW_FIELDS)];
}

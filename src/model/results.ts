/**
 * What a counterfactual does to each economy and each flow (MODEL.md §1,
 * "Outputs"). Money values are in the data set's currency, with world output
 * as numeraire (so "after" values are comparable with "before").
 */
import type { Baseline } from './baseline.js';
import type { Equilibrium } from './equilibrium.js';

export interface EconomyResult {
  code: string;
  name: string;
  /** 100 (What - 1), What = ((Y' + R') / (Y + R)) / Phat, Y' = what Y (plus profits' change under Krugman). */
  welfare_pct: number;
  /** 100 (Y' / Y / Phat - 1): real output (= what / Phat under Armington). */
  real_gdp_pct: number;
  /** Equivalent variation (What - 1)(Y + R), in currency units. */
  ev: number;
  /** Nominal factor income Y and what Y, and the change in the price index. */
  income_before: number;
  income_after: number;
  price_index_pct: number;
  tariff_revenue_before: number;
  tariff_revenue_after: number;
  exports_before: number;
  exports_after: number;
  exports_pct: number;
  imports_before: number;
  imports_after: number;
  imports_pct: number;
  /** Export prices over import prices: what_j over the baseline-import-weighted geometric mean of partners' what. */
  terms_of_trade_pct: number;
  /** Exports minus imports, both before tariffs (= -D). */
  trade_balance_before: number;
  trade_balance_after: number;
}

export interface FlowResult {
  exporter: string;
  importer: string;
  sector: string;
  before: number;
  after: number;
  change_pct: number;
}

/**
 * The money value of a welfare change (docs/model.md, "Money"): the change in
 * the welfare index W (a fraction: 0.01 = one percent of real income) times
 * baseline income including tariff revenue, Y + R. For a counterfactual it is
 * the equivalent variation (W - 1)(Y + R); between two outcomes A and B it is
 * EV_A - EV_B. Every table in money (counterfactual EV, a deal's gain, a lever's
 * worth) uses it.
 */
export function moneyValue(welfareChange: number, incomeWithRevenue: number): number {
  return welfareChange * incomeWithRevenue;
}

/** Baseline income including tariff revenue, Y + R (value added + R under input-output links), of economy j: what moneyValue scales. */
export function incomeWithRevenue(base: Pick<Baseline, 'income' | 'R'>, j: number): number {
  return base.income[j] + base.R[j];
}

export function economyResults(eq: Equilibrium): EconomyResult[] {
  const { baseline, what, Phat, Zp, Rp, Yp } = eq;
  const { N, S, income: Y, R, world } = baseline;
  const Z = world.Z;
  const out: EconomyResult[] = [];
  for (let j = 0; j < N; j++) {
    let expB = 0;
    let expA = 0;
    let impB = 0;
    let impA = 0;
    let lnPm = 0;
    for (let k = 0; k < N; k++) {
      if (k === j) continue;
      for (let s = 0; s < S; s++) {
        const out_ = (j * N + k) * S + s;
        const in_ = (k * N + j) * S + s;
        expB += Z[out_];
        expA += Zp[out_];
        impB += Z[in_];
        impA += Zp[in_];
        lnPm += Z[in_] * Math.log(what[k]);
      }
    }
    const Wj = (Yp[j] + Rp[j]) / (Y[j] + R[j]) / Phat[j];
    const pm = impB > 0 ? Math.exp(lnPm / impB) : 1;
    out.push({
      code: world.codes[j],
      name: world.names[j],
      welfare_pct: 100 * (Wj - 1),
      real_gdp_pct: 100 * (Yp[j] / Y[j] / Phat[j] - 1),
      ev: moneyValue(Wj - 1, incomeWithRevenue(baseline, j)),
      income_before: Y[j],
      income_after: Yp[j],
      price_index_pct: 100 * (Phat[j] - 1),
      tariff_revenue_before: R[j],
      tariff_revenue_after: Rp[j],
      exports_before: expB,
      exports_after: expA,
      exports_pct: pct(expA, expB),
      imports_before: impB,
      imports_after: impA,
      imports_pct: pct(impA, impB),
      terms_of_trade_pct: 100 * (what[j] / pm - 1),
      trade_balance_before: expB - impB,
      trade_balance_after: expA - impA,
    });
  }
  return out;
}

/** Every flow, before and after, in [i][j][s] order. */
export function flowResults(eq: Equilibrium): FlowResult[] {
  const { baseline, Zp } = eq;
  const { N, S, world } = baseline;
  const out: FlowResult[] = [];
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      for (let s = 0; s < S; s++) {
        const k = (i * N + j) * S + s;
        out.push({
          exporter: world.codes[i],
          importer: world.codes[j],
          sector: world.sectors[s],
          before: world.Z[k],
          after: Zp[k],
          change_pct: pct(Zp[k], world.Z[k]),
        });
      }
    }
  }
  return out;
}

function pct(after: number, before: number): number {
  // A zero flow stays zero in the Armington model, so 0 is exact there.
  return before > 0 ? 100 * (after / before - 1) : 0;
}

/** The per-economy fields every command reports (the public JSON contract of `economies`). */
export const ECONOMY_FIELDS = [
  'code',
  'welfare_pct',
  'real_gdp_pct',
  'ev',
  'tariff_revenue_before',
  'tariff_revenue_after',
  'exports_pct',
  'imports_pct',
  'terms_of_trade_pct',
  'trade_balance_before',
  'trade_balance_after',
] as const satisfies readonly (keyof EconomyResult)[];

export type EconomyRecord = Pick<EconomyResult, (typeof ECONOMY_FIELDS)[number]>;

export function economyRecord(r: EconomyResult): EconomyRecord {
  const out = {} as Record<string, unknown>;
  for (const k of ECONOMY_FIELDS) out[k] = r[k];
  return out as EconomyRecord;
}

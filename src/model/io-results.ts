/**
 * What an input-output counterfactual does inside each economy (MODEL.md §4,
 * "Outputs"): the real wage, exact real income, and Caliendo & Parro's
 * first-order welfare decomposition into terms of trade and volume of trade
 * (their eq. 28 and Table 2, discrete changes at baseline weights); and, per
 * sector, output and price changes.
 */
import type { Equilibrium } from './equilibrium.js';
import { baselineIncome } from './baseline.js';

export interface IoEconomyResult {
  code: string;
  /** CP's welfare: tot_pct + vot_pct, % of baseline income. First order; compare real_income_pct. */
  welfare_pct: number;
  /** Terms of trade: export-cost changes on baseline exports less import-cost changes on baseline imports, % of income. */
  tot_pct: number;
  /** Volume of trade: baseline tariffs times the change in import volumes, % of income. */
  vot_pct: number;
  /** what / Phat - 1, %. */
  real_wage_pct: number;
  /** (I' / I) / Phat - 1, %: exact real income, tariff revenue and deficits included. */
  real_income_pct: number;
}

export interface IoSectorResult {
  code: string;
  sector: string;
  /** Gross output at factory prices, before and after (currency units, world value added the numeraire). */
  output_before: number;
  output_after: number;
  /** Nominal output change, %. */
  output_pct: number;
  /** Real output (deflated by the producer's input-cost change chat), %. */
  real_output_pct: number;
  /** Change in the buyer's price index of the sector, Phat - 1, %. */
  price_pct: number;
  /** Change in the producer's input-bundle cost, chat - 1, %. */
  cost_pct: number;
}

function ioOf(eq: Equilibrium): NonNullable<Equilibrium['io']> {
  if (!eq.io) throw new Error('not an input-output equilibrium');
  return eq.io;
}

export function ioEconomyResults(eq: Equilibrium): IoEconomyResult[] {
  const io = ioOf(eq);
  const { N, S, world } = eq.baseline;
  const { Z, t } = world;
  const { chat } = io;
  const out: IoEconomyResult[] = [];
  for (let n = 0; n < N; n++) {
    let tot = 0;
    let vot = 0;
    for (let i = 0; i < N; i++) {
      if (i === n) continue;
      for (let s = 0; s < S; s++) {
        const x = (n * N + i) * S + s; // n's exports to i
        const m = (i * N + n) * S + s; // n's imports from i
        tot += Z[x] * (chat[n * S + s] - 1) - Z[m] * (chat[i * S + s] - 1);
        if (Z[m] > 0) vot += t[m] * Z[m] * (eq.Zp[m] / Z[m] - chat[i * S + s]);
      }
    }
    const I = baselineIncome(eq.baseline, n);
    out.push({
      code: world.codes[n],
      welfare_pct: (100 * (tot + vot)) / I,
      tot_pct: (100 * tot) / I,
      vot_pct: (100 * vot) / I,
      real_wage_pct: 100 * (eq.what[n] / eq.Phat[n] - 1),
      real_income_pct: 100 * (io.Ip[n] / I / eq.Phat[n] - 1),
    });
  }
  return out;
}

/** Sector results of the economies asked for (all when `codes` is undefined), economy-major. */
export function ioSectorResults(eq: Equilibrium, codes?: readonly string[]): IoSectorResult[] {
  const io = ioOf(eq);
  const { S, Ys, world } = eq.baseline;
  const wanted = codes ? codes.map((c) => world.codes.indexOf(c)) : world.codes.map((_, n) => n);
  const out: IoSectorResult[] = [];
  for (const n of wanted) {
    for (let s = 0; s < S; s++) {
      const ns = n * S + s;
      const before = Ys[ns];
      const after = io.GOp[ns];
      out.push({
        code: world.codes[n],
        sector: world.sectors[s],
        output_before: before,
        output_after: after,
        output_pct: before > 0 ? 100 * (after / before - 1) : 0,
        real_output_pct: before > 0 ? 100 * (after / before / io.chat[ns] - 1) : 0,
        price_pct: 100 * (eq.PhatS[ns] - 1),
        cost_pct: 100 * (io.chat[ns] - 1),
      });
    }
  }
  return out;
}

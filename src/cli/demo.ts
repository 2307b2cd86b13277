/**
 * `parley demo` (what `npm start` runs): the US "Liberation Day" rates of
 * 2 April 2025 on the built-in 194-economy BACI 2023 world, solved exactly.
 */
import { join } from 'node:path';
import { DATA_DIR, loadDataset } from '../data/manifest.js';
import { solveOrThrow, type Deficits } from '../model/equilibrium.js';
import { economyResults } from '../model/results.js';
import { readShockCsv } from '../model/shock.js';
import { convergenceLine, economyTable } from '../report/counterfactual.js';
import { money, signed } from '../report/format.js';

const FOCUS = new Set(['USA', 'CHN', 'JPN', 'KOR', 'VNM', 'MYS', 'SGP', 'THA', 'IDN', 'DEU', 'FRA', 'GBR', 'CAN', 'MEX', 'IND', 'BRA']);

export function demoCommand(): void {
  const started = performance.now();
  const world = loadDataset('baci-2023-ilms');
  const shockFile = join(DATA_DIR, 'baci-2023-ilms', 'shock-liberation-day.csv');
  const shock = readShockCsv(shockFile, world);
  const out = (s = '') => process.stdout.write(`${s}\n`);
  out('Parley demo: the US "reciprocal" tariffs of 2 April 2025 (USTR rates, floored at 10%)');
  out(`on ${world.meta.source} (${world.N} economies, one sector, trade elasticity 4).`);
  out();
  const results: Record<Deficits, ReturnType<typeof economyResults>> = {} as never;
  let firstLine = '';
  for (const deficits of ['fixed', 'balanced'] as const) {
    const t0 = performance.now();
    const eq = solveOrThrow(world, shock, { deficits });
    results[deficits] = economyResults(eq);
    if (deficits === 'fixed') firstLine = `${convergenceLine(eq)}; ${(performance.now() - t0).toFixed(0)} ms`;
  }
  const fixed = results.fixed;
  out('Selected economies, deficits held fixed (sorted by welfare change):');
  out(economyTable(fixed, FOCUS));
  out(firstLine);
  out();
  const us = fixed.find((r) => r.code === 'USA')!;
  const usBal = results.balanced.find((r) => r.code === 'USA')!;
  const losers = fixed.filter((r) => r.welfare_pct < 0).length;
  const worldEv = fixed.reduce((a, r) => a + r.ev, 0);
  out(`USA: welfare ${signed(us.welfare_pct, 2)}% (tariff revenue ${money(us.tariff_revenue_after)} USD), real GDP ${signed(us.real_gdp_pct, 2)}%, imports ${signed(us.imports_pct, 1)}%.`);
  out(`With deficits purged first ("balanced", as strategy uses), US welfare is ${signed(usBal.welfare_pct, 2)}%.`);
  out(`${losers} of ${world.N} economies lose; world equivalent variation ${money(worldEv)} USD.`);
  out();
  out(`All ${world.N} economies and every flow: parley counterfactual --data baci-2023-ilms --shock ${shockFile} [--json | --out DIR]`);
  out(`(${((performance.now() - started) / 1000).toFixed(1)} s in all, data loading included)`);
}

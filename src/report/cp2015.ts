/** The Caliendo & Parro (2015) replication as text and as its JSON contract. */
import { signed, textTable } from './format.js';
import { NAFTA } from '../replicate/cp2015-data.js';
import { CP_PUBLISHED, type Cp2015Result } from '../replicate/cp2015.js';
import type { IoEconomyResult } from '../model/io-results.js';

const NAMES: Record<string, string> = { MEX: 'Mexico', CAN: 'Canada', USA: 'United States' };

export function cp2015Text(r: Cp2015Result): string {
  const rows = NAFTA.map((c) => r.economies.find((e) => e.code === c)!);
  const balanced = r.deficits === 'balanced';
  const parts = [
    'Caliendo & Parro (2015), "Estimates of the Trade and Welfare Effects of NAFTA", Review of Economic Studies 82(1)',
    `31 economies x 40 sectors (20 traded), input-output linkages; NAFTA's 1993 -> 2005 tariff changes among CAN, MEX and USA; ${balanced ? 'deficits purged first (the paper\'s case)' : 'deficits kept fixed (not the paper\'s published case)'}.`,
    '',
    textTable(rows, [
      { header: 'economy', value: (e) => NAMES[e.code], right: false },
      { header: 'welfare %', value: (e) => signed(e.welfare_pct, 2) },
      { header: 'paper', value: (e) => (balanced ? signed(CP_PUBLISHED[e.code as keyof typeof CP_PUBLISHED], 2) : '-') },
      { header: 'match', value: (e) => (balanced ? (e.welfare_pct.toFixed(2) === CP_PUBLISHED[e.code as keyof typeof CP_PUBLISHED].toFixed(2) ? 'yes' : 'NO') : '-'), right: false },
      { header: 'terms of trade', value: (e) => signed(e.tot_pct, 2) },
      { header: 'volume of trade', value: (e) => signed(e.vot_pct, 2) },
      { header: 'real wage %', value: (e) => signed(e.real_wage_pct, 2) },
      { header: 'real income %', value: (e) => signed(e.real_income_pct, 2) },
    ]),
    '',
    'welfare = terms of trade + volume of trade: the paper\'s first-order measure (its eq. 28, discrete changes at',
    'baseline weights, % of income). Real income is the exact change, tariff revenue included: Mexico gives up',
    'revenue on its imports from the US and Canada, so its exact gain is far smaller than the first-order one.',
    `Solved in ${r.iterations} Newton steps (residual ${r.residual.toExponential(1)}), ${(r.ms / 1000).toFixed(2)} s.`,
  ];
  for (const n of r.notes) parts.push(`note: ${n}`);
  return parts.join('\n');
}

export interface Cp2015Json {
  paper: string;
  deficits: Cp2015Result['deficits'];
  economies: Record<string, Omit<IoEconomyResult, 'code'>>;
  published: typeof CP_PUBLISHED;
  iterations: number;
  seconds: number;
}

export function cp2015Json(r: Cp2015Result): Cp2015Json {
  return {
    paper: 'Caliendo & Parro (2015), Review of Economic Studies 82(1)',
    deficits: r.deficits,
    economies: Object.fromEntries(r.economies.map(({ code, ...rest }) => [code, rest])),
    published: CP_PUBLISHED,
    iterations: r.iterations,
    seconds: Math.round(r.ms) / 1000,
  };
}

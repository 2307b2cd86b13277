/**
 * The Liberation Day replication as text: the paper's Tables 1, 2 and 4
 * layout, then each published figure beside Parley's.
 */
import { textTable, signed } from './format.js';
import {
  LIBERATION_DAY_PUBLISHED,
  replicatedValue,
  type EconomyOutcome,
  type LiberationDayReplication,
  type LiberationDayScenario,
} from '../replicate/liberation-day.js';

interface Row {
  label: string;
  o: EconomyOutcome;
}

function block(r: LiberationDayReplication, id: LiberationDayScenario, economies: readonly string[]): string {
  const s = r.scenarios[id];
  if (!s) return '';
  const rows: Row[] = economies.map((code) => ({ label: code, o: s.economies[code] }));
  rows.push({ label: 'non-US (average)', o: { ...s.economies.USA, welfare_pct: s.non_us_welfare_pct } });
  const avgOnly = (row: Row, v: (o: EconomyOutcome) => string): string => (row.label.startsWith('non-US') ? '' : v(row.o));
  const rates = [s.us_tariff_pct !== undefined ? `US tariff ${s.us_tariff_pct.toFixed(1)}%` : '', s.retaliation_tariff_pct !== undefined ? `retaliation on the US ${s.retaliation_tariff_pct.toFixed(1)}% (China)` : '']
    .filter(Boolean)
    .join('; ');
  const head = `${s.title}${rates ? ` (${rates})` : ''}; ${s.iterations} Newton steps, residual ${s.residual.toExponential(1)}, ${s.ms.toFixed(0)} ms`;
  const table = textTable(rows, [
    { header: 'economy', value: (x) => x.label, right: false },
    { header: 'welfare %', value: (x) => signed(x.o.welfare_pct, 2) },
    { header: 'real income %', value: (x) => avgOnly(x, (o) => signed(o.real_income_pct, 2)) },
    { header: 'deficit %', value: (x) => avgOnly(x, (o) => signed(o.deficit_change_pct, 1)) },
    { header: 'employment %', value: (x) => avgOnly(x, (o) => signed(o.employment_pct, 2)) },
    { header: 'prices %', value: (x) => avgOnly(x, (o) => signed(o.prices_pct, 1)) },
    { header: 'revenue % GDP', value: (x) => avgOnly(x, (o) => o.revenue_pct_of_gdp.toFixed(2)) },
  ]);
  return `${head}\n${table}`;
}

export function liberationDayText(r: LiberationDayReplication): string {
  const parts: string[] = [];
  const p = r.parameters;
  parts.push(
    `Ignatenko, Lashkaripour, Macedoni & Simonovska (2025), "Making America Great Again? The Economic Impacts of Liberation Day Tariffs", JIE 157`,
    `replicated on ${r.economies} economies (BACI 2023, built-in baci-2023-ilms): eps ${p.eps}, kappa ${p.kappa}, psi ${+p.psi.toFixed(4)}, beta ${p.beta} (input-output model)${r.paperParameters ? '' : '; NOT the paper\'s parameters, so its published figures do not apply'}.`,
    `Welfare is the paper's (real expenditure net of the disutility of labour); real income is MODEL.md's ((wages + tariff revenue) / prices).`,
    `Prices: the expenditure-weighted world price index is the numeraire (input-output model: the income-weighted wage), as in the paper.`,
    '',
  );
  const sections: [string, LiberationDayScenario[], string[]][] = [
    ['Table 1: no retaliation', ['ustr_tax_relief', 'ustr_lump_sum', 'optimal_us'], ['USA']],
    ['Table 2: retaliation', ['reciprocal_retaliation', 'optimal_retaliation', 'optimal_and_retaliation'], ['USA', 'CHN', 'EU27']],
    ['Table 4: input-output (roundabout) model', ['io_ustr', 'io_reciprocal_retaliation'], ['USA']],
  ];
  for (const [title, ids, economies] of sections) {
    const blocks = ids.map((id) => block(r, id, economies)).filter(Boolean);
    if (!blocks.length) continue;
    parts.push(`== ${title} ==`, '', blocks.join('\n\n'), '');
  }
  const figures = r.paperParameters ? LIBERATION_DAY_PUBLISHED.filter((f) => r.scenarios[f.scenario]) : [];
  if (figures.length) {
    parts.push('== Published figures (JIE version) and Parley ==', '');
    parts.push(
      textTable(figures, [
        { header: 'figure', value: (f) => f.label, right: false },
        { header: 'paper %', value: (f) => signed(f.value, f.digits) },
        { header: 'Parley %', value: (f) => signed(replicatedValue(r, f), f.digits) },
        { header: 'unrounded', value: (f) => signed(replicatedValue(r, f), 4) },
        { header: 'match', value: (f) => (replicatedValue(r, f).toFixed(f.digits) === f.value.toFixed(f.digits) ? 'yes' : 'NO'), right: false },
      ]),
      '',
    );
  }
  parts.push(`${Object.keys(r.scenarios).length} scenarios in ${r.ms.toFixed(0)} ms (data loading excluded).`);
  return parts.join('\n');
}

/** The JSON contract of `parley replicate liberation-day --json` (and of the API). */
export function liberationDayJson(r: LiberationDayReplication): object {
  const scenarios: Record<string, unknown> = {};
  for (const [id, s] of Object.entries(r.scenarios)) {
    scenarios[id] = {
      title: s.title,
      ...(s.us_tariff_pct !== undefined ? { us_tariff_pct: s.us_tariff_pct } : {}),
      ...(s.retaliation_tariff_pct !== undefined ? { retaliation_tariff_pct: s.retaliation_tariff_pct } : {}),
      economies: s.economies,
      non_us_welfare_pct: s.non_us_welfare_pct,
      solver: { iterations: s.iterations, residual: s.residual, ms: Math.round(s.ms) },
    };
  }
  // The paper's printed figures beside Parley's, when its parameters are the paper's (the page reads them from here).
  const published = r.paperParameters
    ? LIBERATION_DAY_PUBLISHED.filter((f) => r.scenarios[f.scenario]).map((f) => ({ scenario: f.scenario, economy: f.economy || null, field: f.field, label: f.label, digits: f.digits, paper: f.value, parley: replicatedValue(r, f) }))
    : [];
  return { paper: 'Ignatenko, Lashkaripour, Macedoni & Simonovska (2025), JIE 157', parameters: r.parameters, paper_parameters: r.paperParameters, scenarios, published };
}

/** The Ossa (2014) replication as text: the paper's Tables 3-5 layout, then the abstract's figures beside Parley's. */
import { textTable, signed } from './format.js';
import { OSSA_REGION_NAMES, OSSA_REGIONS } from '../replicate/ossa2014-data.js';
import { OSSA_PUBLISHED, type OssaReplication, type OssaRow, type OssaTable } from '../replicate/ossa2014.js';

function tableText(title: string, t: OssaTable): string {
  const rows: { name: string; r: OssaRow }[] = OSSA_REGIONS.map((c, j) => ({ name: OSSA_REGION_NAMES[j], r: t.regions[c] }));
  rows.push({ name: 'Average', r: t.average });
  const ref = { nash: 'the Nash equilibrium', factual: 'factual tariffs', 'free trade': 'free trade' }[t.relativeTo];
  const head = `${title} (changes relative to ${ref}; ${(t.ms / 1000).toFixed(1)} s, ${t.steps} ${title.startsWith('Nash') ? 'rounds' : 'steps'})`;
  return `${head}\n${textTable(rows, [
    { header: 'region', value: (x) => x.name, right: false },
    { header: 'gov. welfare %', value: (x) => signed(x.r.gov_welfare_pct, 2) },
    { header: 'welfare %', value: (x) => signed(x.r.welfare_pct, 2) },
    { header: 'wage %', value: (x) => signed(x.r.wage_pct, 2) },
    { header: 'profits/wage %', value: (x) => signed(x.r.profits_wage_pct, 2) },
    { header: 'median tariff %', value: (x) => x.r.median_tariff_pct.toFixed(1) },
  ])}`;
}

export function ossaText(r: OssaReplication): string {
  const parts: string[] = [
    'Ossa (2014), "Trade Wars and Trade Talks with Data", American Economic Review 104(12)',
    `7 regions x 33 industries, Krugman model, deficits purged, tariffs in [0, 10]; ${r.pol ? 'with the political-economy weights (government welfare)' : 'without political economy (government welfare = welfare)'}.`,
    '',
  ];
  if (r.optimal) parts.push(tableText('Table 3: optimal tariffs (by partner x industry)', r.optimal), '');
  if (r.optimal_mfn) parts.push(tableText('Optimal MFN tariffs (one per industry)', r.optimal_mfn), '');
  if (r.nash) parts.push(tableText('Nash tariffs: Table 4, the trade war', r.nash), '');
  if (r.cooperative) {
    parts.push(tableText('Table 5: cooperative tariffs from factual tariffs (equal gains)', r.cooperative.from_factual), '');
    parts.push(tableText('Table 5: cooperative tariffs from Nash tariffs (equal gains)', r.cooperative.from_nash), '');
    parts.push(tableText('Table 5: cooperative tariffs from free trade (equal gains)', r.cooperative.from_free_trade), '');
  }
  const figures = OSSA_PUBLISHED.filter((f) => f.get(r) !== undefined);
  if (r.pol && figures.length) {
    parts.push('The paper\'s abstract and Parley:', '');
    parts.push(
      textTable(figures, [
        { header: 'figure', value: (f) => f.label, right: false },
        { header: 'paper %', value: (f) => f.value.toFixed(f.digits) },
        { header: 'Parley %', value: (f) => f.get(r)!.toFixed(f.digits) },
        { header: 'unrounded', value: (f) => f.get(r)!.toFixed(3) },
        { header: 'match', value: (f) => (f.get(r)!.toFixed(f.digits) === f.value.toFixed(f.digits) ? 'yes' : 'NO'), right: false },
      ]),
      '',
    );
  }
  for (const n of r.notes) parts.push(`note: ${n}`);
  parts.push(`All problems in ${(r.ms / 1000).toFixed(1)} s.`);
  return parts.join('\n');
}

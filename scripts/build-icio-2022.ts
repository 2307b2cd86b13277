/**
 * Maintainer script: build data/icio-2022, the 81-economy x 28-sector world
 * with input-output linkages, from the shared source folders (OECD ICIO 2022
 * with Teti's tariffs, WIOD 2013's 2011 IO structure, WITS 2023 for the food
 * repair). Parley never reads those folders at run time: this writes derived
 * files with their citations into data/icio-2022, and the loader reads those.
 *
 *   flows.csv              exporter,importer,sector,value (USD million, basic prices, domestic included)
 *   tariffs.csv            exporter,importer,sector,rate,provenance (non-zero and repaired cells)
 *   elasticities.csv       sector,eps_BSY,...,eps_U4 (the eight published sets)
 *   io-value-added.csv     economy,sector,share,structure_from,provenance
 *   io-inputs.csv          economy,input,sector,share,provenance
 *   economies.csv          code,name
 *   repairs.csv            what each repair changed, one row per rule and importer
 *   manifest.yaml          the data set, with one note per repair rule (counts from this run)
 *   episode-13x14.yaml     an aggregation to the episode's 13 regions x 14 sectors (for --aggregate)
 *
 * Run: node --import tsx scripts/build-icio-2022.ts [SHARED_DATA_DIR]   (default ../shared/data)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { DATA_DIR } from '../src/data/datasets.js';

const shared = resolve(process.argv[2] ?? join(DATA_DIR, '..', '..', 'shared', 'data'));
const out = join(DATA_DIR, 'icio-2022');
const read = (file: string): Record<string, string>[] => parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true });
const write = (name: string, rows: Record<string, string | number>[]) => writeFileSync(join(out, name), stringify(rows, { header: true }));
const round = (x: number, digits: number) => Number(x.toFixed(digits));

// ---- ICIO flows and Teti tariffs ----
const icio = join(shared, 'icio-2022-teti');
const codes = read(join(icio, 'countries.csv')).map((r) => r.code);
const sectorRows = read(join(icio, 'sectors.csv'));
const sectors = sectorRows.map((r) => r.sector);
const goods = new Set(sectorRows.filter((r) => r.kind === 'goods').map((r) => r.sector));
const sector14 = new Map(sectorRows.map((r) => [r.sector, r.sector14]));
const N = codes.length;
const S = sectors.length;
const ix = new Map(codes.map((c, k) => [c, k]));
const sx = new Map(sectors.map((c, k) => [c, k]));
const Z = new Float64Array(N * N * S);
const T = new Float64Array(N * N * S);
for (const r of read(join(icio, 'flows_tariffs_2022.csv'))) {
  const k = (ix.get(r.exporter)! * N + ix.get(r.importer)!) * S + sx.get(r.sector)!;
  Z[k] = Math.max(0, Number(r.flow_usd_m));
  T[k] = r.exporter === r.importer ? 0 : Number(r.tariff);
}
const cell = (i: number, j: number, s: number) => (i * N + j) * S + s;
const estimated = new Uint8Array(N * N * S);
const repairs: Record<string, string | number>[] = [];

// Repair 1: services carry no tariff (spurious small rates from a few HS lines mapped to service codes).
const serv = sx.get('SERV')!;
let servFixed = 0;
for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) if (T[cell(i, j, serv)] !== 0) {
  T[cell(i, j, serv)] = 0;
  servFixed++;
}
repairs.push({ rule: 'services-zero', importer: '*', cells: servFixed, what: 'services (SERV) tariffs set to 0: Teti maps a few HS lines to service ISIC codes' });

// Repair 2: missing GTD cells. The ROW aggregate has no rate anywhere, and for CHN, KOR, VNM, THA and IDN some
// cells of partners without a trade agreement are stored as 0. Both take the importer's median rate in the
// sector over its "tariff-paying" partners (those paying a positive rate on at least half of the goods they ship).
const row = ix.get('ROW')!;
const flagged = new Set(['CHN', 'KOR', 'VNM', 'THA', 'IDN'].map((c) => ix.get(c)!));
const goodsIdx = sectors.map((s, k) => (goods.has(s) ? k : -1)).filter((k) => k >= 0);
function paysTariffs(i: number, j: number): boolean {
  let withFlow = 0;
  let positive = 0;
  for (const s of goodsIdx) if (Z[cell(i, j, s)] > 0) {
    withFlow++;
    if (T[cell(i, j, s)] > 0) positive++;
  }
  return withFlow > 0 && positive * 2 >= withFlow;
}
const median = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length ? (v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2) : 0;
};
for (let j = 0; j < N; j++) {
  const payers = codes.map((_, i) => i).filter((i) => i !== j && i !== row && paysTariffs(i, j));
  let rowCells = 0;
  let gapCells = 0;
  for (const s of goodsIdx) {
    const m = median(payers.map((i) => T[cell(i, j, s)]).filter((x) => x > 0));
    if (m <= 0) continue;
    if (j !== row && Z[cell(row, j, s)] > 0 && T[cell(row, j, s)] === 0) {
      T[cell(row, j, s)] = m;
      estimated[cell(row, j, s)] = 1;
      rowCells++;
    }
    if (!flagged.has(j)) continue;
    for (const i of payers) {
      if (Z[cell(i, j, s)] > 0 && T[cell(i, j, s)] === 0) {
        T[cell(i, j, s)] = m;
        estimated[cell(i, j, s)] = 1;
        gapCells++;
      }
    }
  }
  if (rowCells) repairs.push({ rule: 'row-median', importer: codes[j], cells: rowCells, what: 'imports from ROW (no GTD rate): the importer\'s median rate in the sector over its tariff-paying partners' });
  if (gapCells) repairs.push({ rule: 'gap-median', importer: codes[j], cells: gapCells, what: 'zero cells of tariff-paying partners (GTD gaps): the importer\'s median rate in the sector over those partners' });
}

// Repair 3: food (C10T12) averages food with tobacco without weights, so duty peaks leak in. Where WITS 2023 AHS
// (trade-weighted, "Food") has the importer, use its rate on the exporter (or on "RestOfTheWorld" for exporters
// WITS does not list); elsewhere the lower of the GTD food rate and the pair's own crop and animal (A01) rate.
const witsName: Record<string, string> = { USA: 'United States', CAN: 'Canada', MEX: 'Mexico', CHN: 'China', JPN: 'Japan', IND: 'India', BRA: 'Brazil', GBR: 'United Kingdom' };
const EU27 = ['AUT', 'BEL', 'BGR', 'CYP', 'CZE', 'DEU', 'DNK', 'ESP', 'EST', 'FIN', 'FRA', 'GRC', 'HRV', 'HUN', 'IRL', 'ITA', 'LTU', 'LUX', 'LVA', 'MLT', 'NLD', 'POL', 'PRT', 'ROU', 'SVK', 'SVN', 'SWE'];
for (const c of EU27) witsName[c] = 'EuropeanUnion';
const witsFood = new Map<string, number>();
for (const r of read(join(shared, 'wits-2023-ahs', 'tariffs.csv'))) {
  if (r.Product !== 'Food') continue;
  const name = (x: string) => x.split('---')[0].trim();
  witsFood.set(`${name(r['Reporter Name'])}|${name(r['Partner Name'])}`, Number(r['Weighted Average']) / 100);
}
const food = sx.get('C10T12')!;
const a01 = sx.get('A01')!;
for (let j = 0; j < N; j++) {
  const reporter = witsName[codes[j]];
  let changed = 0;
  for (let i = 0; i < N; i++) {
    if (i === j) continue;
    const k = cell(i, j, food);
    let rate: number;
    if (reporter) {
      const partner = witsName[codes[i]];
      if (partner === reporter) rate = 0; // inside the EU
      else rate = witsFood.get(`${reporter}|${partner ?? 'RestOfTheWorld'}`) ?? witsFood.get(`${reporter}|RestOfTheWorld`)!;
    } else {
      rate = Math.min(T[k], T[cell(i, j, a01)]);
    }
    if (rate !== T[k]) {
      T[k] = rate;
      estimated[k] = 1;
      changed++;
    }
  }
  if (changed) repairs.push({ rule: reporter ? 'food-wits' : 'food-a01-cap', importer: codes[j], cells: changed, what: reporter ? 'food (C10T12): WITS 2023 AHS trade-weighted Food rate of the importer on the partner (or on its rest of the world)' : 'food (C10T12): the lower of the GTD food rate and the pair\'s A01 rate' });
}

// ---- IO structure from WIOD 2011, by the 14-sector bridge ----
const wiod = join(shared, 'wiod-2013-io');
const industry14 = new Map(read(join(wiod, 'industries.csv')).map((r) => [r.industry, r.sector14]));
const S14 = [...new Set(sectorRows.map((r) => r.sector14))];
const s14x = new Map(S14.map((c, k) => [c, k]));
const M = S14.length;
const wiodGO = new Map<string, number>(); // country|industry -> gross output
for (const r of read(join(wiod, 'industry_accounts_2011.csv'))) wiodGO.set(`${r.country}|${r.industry}`, Number(r.gross_output_usd_m));
const wiodCountries = [...new Set([...wiodGO.keys()].map((k) => k.split('|')[0]))];
/** Input values into each 14-sector, per WIOD country: inputs[c][K * M + S] and go[c][S]. */
const inputs = new Map<string, Float64Array>();
const go14 = new Map<string, Float64Array>();
for (const c of wiodCountries) {
  inputs.set(c, new Float64Array(M * M));
  const g = new Float64Array(M);
  for (const [key, v] of wiodGO) if (key.startsWith(`${c}|`)) g[s14x.get(industry14.get(key.split('|')[1])!)!] += v;
  go14.set(c, g);
}
for (const r of read(join(wiod, 'io_cost_shares_2011.csv'))) {
  const using = wiodGO.get(`${r.country}|${r.using_industry}`) ?? 0;
  const K = s14x.get(industry14.get(r.input_industry)!)!;
  const J = s14x.get(industry14.get(r.using_industry)!)!;
  inputs.get(r.country)![K * M + J] += Number(r.cost_share) * using;
}
const wiodCode = (c: string) => (c === 'ROU' ? 'ROM' : wiodCountries.includes(c) ? c : 'RoW');
// Absorption of each ICIO sector by each economy: splits a 14-sector input share over its ICIO sectors.
const absorb = new Float64Array(N * S);
const GO = new Float64Array(N * S);
for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) for (let s = 0; s < S; s++) {
  absorb[j * S + s] += Z[cell(i, j, s)] * (1 + T[cell(i, j, s)]);
  GO[i * S + s] += Z[cell(i, j, s)];
}
const gva = new Float64Array(N * S);
const gamma = new Float64Array(N * S * S); // [n][k][s]
const gammaScaled = new Uint8Array(N * S * S);
const gvaScaled = new Uint8Array(N * S);
const valueAddedRows: Record<string, string | number>[] = [];
let inputCellsScaled = 0;
let inputValueRemoved = 0;
const scaledEconomies = new Set<string>();
for (let n = 0; n < N; n++) {
  const w = wiodCode(codes[n]);
  const inp = inputs.get(w)!;
  const g = go14.get(w)!;
  const groupAbsorb = new Float64Array(M);
  const groupSize = new Float64Array(M);
  for (let k = 0; k < S; k++) {
    groupAbsorb[s14x.get(sector14.get(sectors[k])!)!] += absorb[n * S + k];
    groupSize[s14x.get(sector14.get(sectors[k])!)!] += 1;
  }
  for (let s = 0; s < S; s++) {
    const J = s14x.get(sector14.get(sectors[s])!)!;
    let used = 0;
    for (let k = 0; k < S; k++) {
      const K = s14x.get(sector14.get(sectors[k])!)!;
      const share14 = g[J] > 0 ? inp[K * M + J] / g[J] : 0;
      const split = groupAbsorb[K] > 0 ? absorb[n * S + k] / groupAbsorb[K] : 1 / groupSize[K];
      gamma[(n * S + k) * S + s] = share14 * split;
      used += share14 * split;
    }
    gva[n * S + s] = 1 - used;
  }
  // Final demand must not be negative: where 2011 input shares ask for more of a good than the economy buys in
  // 2022, that input's shares are scaled down to what it buys and the rest counted as value added.
  for (let k = 0; k < S; k++) {
    let inter = 0;
    for (let s = 0; s < S; s++) inter += gamma[(n * S + k) * S + s] * GO[n * S + s];
    if (inter <= absorb[n * S + k] || inter === 0) continue;
    const f = absorb[n * S + k] / inter;
    inputValueRemoved += inter - absorb[n * S + k];
    for (let s = 0; s < S; s++) {
      const c = (n * S + k) * S + s;
      if (gamma[c] > 0) {
        gva[n * S + s] += gamma[c] * (1 - f);
        gamma[c] *= f;
        gammaScaled[c] = 1;
        gvaScaled[n * S + s] = 1;
      }
    }
    inputCellsScaled++;
    scaledEconomies.add(codes[n]);
  }
  for (let s = 0; s < S; s++) valueAddedRows.push({ economy: codes[n], sector: sectors[s], share: Number(gva[n * S + s].toPrecision(12)), structure_from: w === 'RoW' ? 'WIOD RoW (proxy)' : `WIOD ${w}`, provenance: gvaScaled[n * S + s] ? 'estimated' : 'derived' });
}
let intermediate = 0;
for (let k = 0; k < N * S; k++) intermediate += (1 - gva[k]) * GO[k];
repairs.push({
  rule: 'io-input-scaled',
  importer: '*',
  cells: inputCellsScaled,
  what: `economy-input cells in ${scaledEconomies.size} economies where 2011 input shares ask for more of a good than the economy bought in 2022 (mostly mining, split from WIOD's one mining sector): shares scaled down to what it bought (final demand 0) and the rest counted as value added, ${((100 * inputValueRemoved) / (intermediate + inputValueRemoved)).toFixed(1)}% of intermediate input value`,
});

// ---- Write ----
const names = new Map(read(join(DATA_DIR, 'baci-2023', 'countries_194_gdp.csv')).map((r) => [r.iso3, r.name]));
write('economies.csv', codes.map((c) => ({ code: c, name: c === 'ROW' ? 'Rest of the world' : names.get(c) ?? c })));
const flowRows: Record<string, string | number>[] = [];
const tariffRows: Record<string, string | number>[] = [];
for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) for (let s = 0; s < S; s++) {
  const k = cell(i, j, s);
  if (Z[k] > 0 || i === j) flowRows.push({ exporter: codes[i], importer: codes[j], sector: sectors[s], value: Z[k] });
  if (T[k] !== 0 || estimated[k]) tariffRows.push({ exporter: codes[i], importer: codes[j], sector: sectors[s], rate: Number(T[k].toPrecision(10)), provenance: estimated[k] ? 'estimated' : 'reported' });
}
write('flows.csv', flowRows);
write('tariffs.csv', tariffRows);
write('elasticities.csv', sectorRows.map((r) => ({ sector: r.sector, ...Object.fromEntries(Object.keys(r).filter((c) => c.startsWith('eps_')).map((c) => [c, r[c]])) })));
write('io-value-added.csv', valueAddedRows);
const inputRows: Record<string, string | number>[] = [];
for (let n = 0; n < N; n++) for (let k = 0; k < S; k++) for (let s = 0; s < S; s++) {
  const v = gamma[(n * S + k) * S + s];
  if (v > 0) inputRows.push({ economy: codes[n], input: sectors[k], sector: sectors[s], share: Number(v.toPrecision(12)), provenance: gammaScaled[(n * S + k) * S + s] ? 'estimated' : 'derived' });
}
write('io-inputs.csv', inputRows);
write('repairs.csv', repairs);
const byRule = new Map<string, { cells: number; importers: string[]; what: string }>();
for (const r of repairs) {
  const e = byRule.get(String(r.rule)) ?? { cells: 0, importers: [], what: String(r.what) };
  e.cells += Number(r.cells);
  e.importers.push(String(r.importer));
  byRule.set(String(r.rule), e);
}
const proxied = codes.filter((c) => wiodCode(c) === 'RoW');
const notes = [
  ...[...byRule.entries()].map(([rule, e]) => `repair ${rule}: ${e.cells} cells${e.importers[0] === '*' ? '' : ` (${e.importers.length} importers${e.importers.length <= 12 ? `: ${e.importers.join(', ')}` : ''})`}: ${e.what}; marked estimated`),
  `input-output structure: WIOD 2013 release, 2011 (Timmer et al. 2015), by the 14-sector bridge; ${proxied.length} economies WIOD lacks take WIOD RoW's structure: ${proxied.join(' ')}`,
  'tariffs are those of 2021 (Teti stops there), statutory applied rates: no Section 232/301 duties, no 2018-19 retaliation, nothing of 2025',
];
// The 13 regions and 14 sectors of the April 2025 episode (data/episode-2025-1s), for --aggregate.
const episodeRegions = ['USA', 'JPN', 'CHN', 'KOR', 'VNM', 'MYS', 'SGP', 'THA', 'IDN', 'EU', 'CAN', 'MEX', 'ROW'];
const bySector14 = new Map<string, string[]>();
for (const r of sectorRows) bySector14.set(r.sector14, [...(bySector14.get(r.sector14) ?? []), r.sector]);
writeFileSync(
  join(out, 'episode-13x14.yaml'),
  `# icio-2022 at the 13 regions of the April 2025 episode and the 14 sectors of the ICIO-WIOD bridge.
# Use: parley counterfactual --data icio-2022 --aggregate data/icio-2022/episode-13x14.yaml ...
# (ROW here is ICIO's ROW plus every economy not named: Taiwan is in it, unlike episode-2025-1s's BACI-based ROW.)
economies:
  EU: [${EU27.join(', ')}]
  ROW: '*'
sectors:
${[...bySector14.entries()].map(([g, ms]) => `  ${g}: [${ms.join(', ')}]`).join('\n')}
order: [${episodeRegions.join(', ')}]
`,
);
const yamlList = (xs: string[]) => xs.map((x) => `  - ${JSON.stringify(x)}`).join('\n');
writeFileSync(
  join(out, 'manifest.yaml'),
  `# Built by scripts/build-icio-2022.ts from the OECD ICIO 2022 (with Teti's tariffs), WIOD 2013 and WITS 2023 source
# folders; see SOURCE.md. Do not edit by hand: re-run the script.
name: icio-2022
title: OECD ICIO 2022, 81 economies x 28 sectors, with input-output links (WIOD 2011) and applied tariffs (Teti GTD, 2021)
currency: USD million
year: 2022
source: SOURCE.md
economies: economies.csv
flows: { file: flows.csv, provenance: reported }
tariffs: tariffs.csv
# Default: Fontagne, Guimbard & Orefice (2022), tariff-based product-level elasticities; the other sets are selectable.
elasticities: { file: elasticities.csv, columns: { eps_FGO: eps } }
elasticity_sets: elasticities.csv
io: { value_added: io-value-added.csv, inputs: io-inputs.csv }
notes:
${yamlList(notes)}
`,
);
process.stdout.write(`wrote ${out}: ${flowRows.length} flows, ${tariffRows.length} tariffs (${estimated.reduce((a, b) => a + b, 0)} estimated), ${inputRows.length} input shares\n`);

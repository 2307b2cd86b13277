/**
 * Maintainer script: derive the tables of data/episode-2025-1s that are computed
 * from other shipped files (never from ../shared), so the derivation can be
 * re-run and reviewed:
 *   baseline-tariffs.csv   pre-2025 applied tariffs among the 13 regions
 *   us-import-shares.csv   sector split of US imports per exporter region
 *   parameters.csv         the row "row_annex_i_rate" (ROW's Annex I rate)
 * Run: node --import tsx scripts/build-episode-2025-1s.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { readCsv } from '../src/data/csv.js';
import { DATA_DIR } from '../src/data/manifest.js';

const dir = join(DATA_DIR, 'episode-2025-1s');
const facts = join(DATA_DIR, 'tariff-episode-2025');
const regions = readCsv(join(dir, 'regions.csv'), ['code']).rows.map((r) => r.values.code);
const manifest = readFileSync(join(dir, 'manifest.yaml'), 'utf8');
const euMembers = /EU: \[([A-Z, ]+)\]/.exec(manifest)![1].split(',').map((s) => s.trim());

// 1. Baseline tariffs. Sources: baseline-tariffs.csv and countries.csv of the fact base.
// Line 4 of that file has an unquoted comma in its "kind" field; only the first three fields are read.
const base = parse(readFileSync(join(facts, 'baseline-tariffs.csv'), 'utf8'), { relax_column_count: true, from_line: 2 }).map((f: string[]) => ({ importer: f[0], exporter: f[1], rate: f[2], kind: f[4] }));
const usOnChina = Number(base.find((r) => r.importer === 'USA' && r.exporter === 'CHN')!.rate);
const chinaOnUs = Number(base.find((r) => r.importer === 'CHN' && r.exporter === 'USA')!.rate);
const usOverall = Number(base.find((r) => r.importer === 'USA' && r.exporter === 'ALL' && r.kind.startsWith('overall'))!.rate);
const partnerMfn = new Map(
  readCsv(join(facts, 'countries.csv'), ['iso', 'partner_simple_avg_mfn_pct']).rows
    .filter((r) => r.values.partner_simple_avg_mfn_pct !== '' && r.values.iso !== 'USA')
    .map((r) => [r.values.iso, Number(r.values.partner_simple_avg_mfn_pct) / 100]),
);
const tariffRows: Record<string, string | number>[] = [];
for (const importer of regions) {
  for (const exporter of regions) {
    if (importer === exporter) continue;
    let rate = 0;
    let provenance = 'estimated';
    let source = 'no sourced figure: zero';
    if (importer === 'USA' && exporter === 'CHN') [rate, provenance, source] = [usOnChina, 'reported', 'PIIE (Bown): US average tariff on China at 20 Jan 2025, MFN + Section 301'];
    else if (importer === 'USA') [rate, provenance, source] = [usOverall, 'estimated', 'Yale Budget Lab overall US effective rate at 1 Jan 2025, used for every partner other than China (partner detail not sourced)'];
    else if (importer === 'CHN' && exporter === 'USA') [rate, provenance, source] = [chinaOnUs, 'derived', "PIIE (Bown): China's average tariff on US goods at 20 Jan 2025 (32.6 - 11.4)"];
    else if (partnerMfn.has(importer)) [rate, provenance, source] = [partnerMfn.get(importer)!, 'reported', `${importer} simple-average MFN as stated in EO 14257, applied to all its imports (simple, not trade-weighted; preferences ignored)`];
    tariffRows.push({ exporter, importer, rate, provenance, source });
  }
}
writeFileSync(join(dir, 'baseline-tariffs.csv'), stringify(tariffRows, { header: true }));

// 2. Sector shares of US imports (Yale Budget Lab / Census 2024, 8 partner groups).
const groups = readCsv(join(DATA_DIR, 'us-imports-by-sector', 'us_imports_2024_by_region_sector.csv'), ['partner', 'sector', 'value_usd']).rows.map((r) => r.values);
const groupOf: Record<string, { groups: string[]; provenance: string; basis: string }> = {
  CHN: { groups: ['CHN'], provenance: 'reported', basis: 'own shares' },
  CAN: { groups: ['CAN'], provenance: 'reported', basis: 'own shares' },
  MEX: { groups: ['MEX'], provenance: 'reported', basis: 'own shares' },
  JPN: { groups: ['JPN'], provenance: 'reported', basis: 'own shares' },
  EU: { groups: ['EU27'], provenance: 'reported', basis: 'own shares (EU27)' },
  KOR: { groups: ['FTA_OTHER'], provenance: 'estimated', basis: "shares of Yale's FTA_OTHER group (KOR, SGP, AUS, CHL, ...)" },
  SGP: { groups: ['FTA_OTHER'], provenance: 'estimated', basis: "shares of Yale's FTA_OTHER group (KOR, SGP, AUS, CHL, ...)" },
  VNM: { groups: ['ROW_NONFTA'], provenance: 'estimated', basis: "shares of Yale's ROW_NONFTA group (VNM, MYS, THA, IDN, TWN, IND, ...)" },
  MYS: { groups: ['ROW_NONFTA'], provenance: 'estimated', basis: "shares of Yale's ROW_NONFTA group (VNM, MYS, THA, IDN, TWN, IND, ...)" },
  THA: { groups: ['ROW_NONFTA'], provenance: 'estimated', basis: "shares of Yale's ROW_NONFTA group (VNM, MYS, THA, IDN, TWN, IND, ...)" },
  IDN: { groups: ['ROW_NONFTA'], provenance: 'estimated', basis: "shares of Yale's ROW_NONFTA group (VNM, MYS, THA, IDN, TWN, IND, ...)" },
  ROW: { groups: ['GBR', 'FTA_OTHER', 'ROW_NONFTA'], provenance: 'estimated', basis: 'pooled shares of GBR, FTA_OTHER and ROW_NONFTA' },
};
const sectors = ['vehicles_parts', 'steel_aluminium', 'electronics', 'energy', 'pharma', 'other'];
const shareRows: Record<string, string | number>[] = [];
for (const exporter of regions.filter((r) => r !== 'USA')) {
  const g = groupOf[exporter];
  const value = (s: string) => groups.filter((r) => g.groups.includes(r.partner) && r.sector === s).reduce((a, r) => a + Number(r.value_usd), 0);
  const total = sectors.reduce((a, s) => a + value(s), 0);
  const shares = sectors.map((s) => Math.round((value(s) / total) * 1e6) / 1e6);
  shares[sectors.length - 1] = Math.round((1 - shares.slice(0, -1).reduce((a, b) => a + b, 0)) * 1e6) / 1e6; // exact sum 1 after rounding
  sectors.forEach((sector, k) => shareRows.push({ exporter, importer: 'USA', sector, share: shares[k], provenance: g.provenance, basis: g.basis }));
}
writeFileSync(join(dir, 'us-import-shares.csv'), stringify(shareRows, { header: true }));

// 3. ROW's Annex I rate: members' rates weighted by their 2023 exports to the US (BACI).
const annex = new Map<string, number>();
for (const r of readCsv(join(DATA_DIR, 'baci-2023-ilms', 'ilms2025_us_liberation_day_tariffs_194.csv'), ['iso3', 'model_us_tariff']).rows) annex.set(r.values.iso3, Number(r.values.model_us_tariff));
for (const r of readCsv(join(facts, 'events.csv'), ['target', 'action_type', 'rate_after_pct', 'effective_date']).rows) {
  const v = r.values;
  if (v.action_type === 'impose' && /^[A-Z]{3}$/.test(v.target) && (v.effective_date === '2025-04-09' || v.effective_date === '2025-04-05')) {
    const rate = Number(v.rate_after_pct) / 100;
    const calc = annex.get(v.target);
    if (calc !== undefined && Math.abs(calc - rate) > 1e-9) console.log(`note: ${v.target} Annex I ${rate} (events.csv line ${r.line}) vs ILMS calculator ${calc}; using Annex I`);
    annex.set(v.target, rate);
  }
}
const named = new Set([...regions, ...euMembers]);
let num = 0;
let den = 0;
for (const r of readCsv(join(DATA_DIR, 'baci-2023', 'baci2023_goods_194x194.csv'), ['exporter', 'importer', 'value_usd']).rows) {
  const v = r.values;
  if (v.importer !== 'USA' || named.has(v.exporter)) continue;
  const rate = annex.get(v.exporter) ?? 0.1;
  num += rate * Number(v.value_usd);
  den += Number(v.value_usd);
}
const rowRate = Math.round((num / den) * 1e4) / 1e4;
const params = readFileSync(join(dir, 'parameters.csv'), 'utf8').split('\n').filter((l) => l && !l.startsWith('row_annex_i_rate,'));
params.push(`row_annex_i_rate,${rowRate},derived,"Annex I rates of the ROW members (events.csv where listed, else the ILMS copy of the USTR calculator floored at 10%; Taiwan is absent from BACI) weighted by their 2023 goods exports to the US in BACI (USD ${(den / 1e9).toFixed(1)} bn). Written by scripts/build-episode-2025-1s.ts",,,`);
writeFileSync(join(dir, 'parameters.csv'), `${params.join('\n')}\n`);
console.log(`baseline-tariffs.csv: ${tariffRows.length} rows; us-import-shares.csv: ${shareRows.length} rows; ROW Annex I rate ${rowRate}`);

/**
 * Maintainer script: derive the computed tables of data/episode-2025 from shipped data only (icio-2022,
 * episode-2025-1s, tariff-episode-2025, us-imports-by-sector, baci-2023, baci-2023-ilms; never ../shared), so every
 * number can be re-derived and reviewed:
 *   baseline-tariffs.csv  every importer's applied tariff by partner and sector: Teti's GTD 2021 (icio-2022, repaired)
 *                         aggregated to the 13 regions and 20 sectors, flow-weighted; plus the US Section 301 duties on
 *                         China and China's 2018-19 retaliation, which the GTD leaves out
 *   goods-pair-totals.csv each region pair's goods trade in BACI 2023 (ICIO 2022 where BACI misses it), to which the
 *                         loader scales the pair's ICIO goods flows
 *   measures.csv          the dated 2025 measures of episode-2025-1s, each on the sectors it names
 *   parameters.csv        episode-2025-1s's parameters, ROW's Annex I rate for this ROW, and the coverage shares
 * Run: node --import tsx scripts/build-episode-2025.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { aggregateWorld, expandRest } from '../src/data/aggregate.js';
import { readCsv } from '../src/data/csv.js';
import { DATA_DIR, openDataset, readManifest } from '../src/data/manifest.js';
import { ijs } from '../src/data/world.js';

const dir = join(DATA_DIR, 'episode-2025');
const { manifest } = readManifest(join(dir, 'manifest.yaml'));
const fine = openDataset('icio-2022').world;
const order = readCsv(join(dir, 'regions.csv'), ['code', 'name']).rows.map((r) => r.values.code);
const economies = expandRest(manifest.aggregate!, fine.codes, order, 'aggregate');
const sectorGroups = expandRest(manifest.aggregate_sectors!, fine.sectors, [], 'aggregate_sectors');
const world = aggregateWorld(fine, { economies, sectors: sectorGroups, order });
const { N, S, codes, sectors, Z } = world;
const GOODS = sectors.filter((s) => s !== 'SERV');
const at = (i: string, j: string, s: string) => ijs(N, S, codes.indexOf(i), codes.indexOf(j), sectors.indexOf(s));
const groupOf = (fineCode: string) => Object.entries(economies).find(([, m]) => m.includes(fineCode))?.[0] ?? fineCode;
const sectorOf = (fineSector: string) => Object.entries(sectorGroups).find(([, m]) => m.includes(fineSector))![0];

// 1. Teti's tariffs aggregated (flow-weighted, as aggregateWorld does), with the share of each cell's flow whose
//    rate icio-2022 repaired (its provenance "estimated").
const estimatedFlow = new Float64Array(N * N * S);
for (const r of readCsv(join(DATA_DIR, 'icio-2022', 'tariffs.csv'), ['exporter', 'importer', 'sector', 'rate', 'provenance']).rows) {
  const v = r.values;
  if (v.provenance !== 'estimated') continue;
  const i = fine.codes.indexOf(v.exporter);
  const j = fine.codes.indexOf(v.importer);
  const s = fine.sectors.indexOf(v.sector);
  const gi = groupOf(v.exporter);
  const gj = groupOf(v.importer);
  if (gi === gj) continue;
  estimatedFlow[at(gi, gj, sectorOf(v.sector))] += fine.Z[ijs(fine.N, fine.S, i, j, s)];
}

// 2. The US Section 301 duties on China, by sector: statutory rates (Lists 1-3 at 25%, List 4A at 7.5%; List 4B was
//    never imposed) times the part of the sector's US imports from China each covers. The coverage is an estimate.
const S301: Record<string, { c25: number; c75: number; why: string }> = {
  PHARMA: { c25: 0, c75: 0, why: 'medicines were kept off the lists' },
  TEX: { c25: 0.2, c75: 0.6, why: 'fabrics on List 3; most apparel and footwear on List 4A, the rest on List 4B' },
  ELECTRONICS: { c25: 0.35, c75: 0.1, why: 'components and instruments on Lists 1-3; phones, laptops and consoles on List 4B' },
  OTHMAN: { c25: 0.4, c75: 0.2, why: 'furniture on List 3; toys and sports goods mostly on List 4B' },
  SERV: { c25: 0, c75: 0, why: 'services: no tariff' },
};
const s301 = (s: string) => S301[s] ?? { c25: 1, c75: 0, why: 'industrial and agri-food goods: Lists 1-3 cover nearly all lines' };

// 3. China's 2018-19 retaliation on the US: one increment on every goods sector, so that the trade-weighted rate at
//    the model's own flows equals the fact base's 21.2% (PIIE, Bown: China's average tariff on US goods at 20 Jan 2025).
const facts = parse(readFileSync(join(DATA_DIR, 'tariff-episode-2025', 'baseline-tariffs.csv'), 'utf8'), { relax_column_count: true, from_line: 2 }) as string[][];
const chinaOnUs = Number(facts.find((f) => f[0] === 'CHN' && f[1] === 'USA')![2]);
const usOnChinaBown = Number(facts.find((f) => f[0] === 'USA' && f[1] === 'CHN')![2]);
const weighted = (i: string, j: string, rate: (s: string) => number) => {
  let num = 0;
  let den = 0;
  for (const s of GOODS) {
    num += Z[at(i, j, s)] * rate(s);
    den += Z[at(i, j, s)];
  }
  return num / den;
};
const tetiChnOnUsa = weighted('USA', 'CHN', (s) => world.t[at('USA', 'CHN', s)]);
const retaliation = chinaOnUs - tetiChnOnUsa;

const rows: Record<string, string | number>[] = [];
for (const importer of codes) {
  for (const exporter of codes) {
    if (importer === exporter) continue;
    for (const sector of sectors) {
      const k = at(exporter, importer, sector);
      let rate = world.t[k];
      const est = Z[k] > 0 ? estimatedFlow[k] / Z[k] : 0;
      let provenance = est > 0.5 ? 'estimated' : 'reported';
      let source = est > 0 ? `Teti GTD 2021 via icio-2022, flow-weighted; ${(100 * est).toFixed(0)}% of the flow at rates icio-2022 repaired` : 'Teti GTD 2021 via icio-2022, flow-weighted';
      if (sector === 'SERV') [rate, provenance, source] = [0, 'reported', 'services: no tariff'];
      else if (importer === 'USA' && exporter === 'CHN') {
        const c = s301(sector);
        rate += 0.25 * c.c25 + 0.075 * c.c75;
        provenance = 'estimated';
        source = `Teti GTD 2021 + Section 301: 25% on ${(100 * c.c25).toFixed(0)}% and 7.5% on ${(100 * c.c75).toFixed(0)}% of the sector (${c.why}; coverage estimated)`;
      } else if (importer === 'CHN' && exporter === 'USA') {
        rate += retaliation;
        provenance = 'derived';
        source = `Teti GTD 2021 + ${(100 * retaliation).toFixed(2)} points of 2018-19 retaliation on every good, so that China's trade-weighted rate on US goods is ${(100 * chinaOnUs).toFixed(1)}% (PIIE, Bown, 20 Jan 2025)`;
      }
      if (rate === 0 && sector === 'SERV') continue;
      if (rate === 0 && Z[k] === 0) continue;
      rows.push({ exporter, importer, sector, rate: +rate.toFixed(6), provenance, source });
    }
  }
}
writeFileSync(join(dir, 'baseline-tariffs.csv'), stringify(rows, { header: true }));
const usOnChina = weighted('CHN', 'USA', (s) => Number(rows.find((r) => r.importer === 'USA' && r.exporter === 'CHN' && r.sector === s)?.rate ?? 0));

// 4. ROW's Annex I rate for this ROW (ICIO's, Taiwan included): members' rates (events.csv where listed, else the
//    ILMS copy of the USTR calculator, at least 10%) weighted by their 2022 goods exports to the US in ICIO.
const annex = new Map<string, number>();
for (const r of readCsv(join(DATA_DIR, 'baci-2023-ilms', 'ilms2025_us_liberation_day_tariffs_194.csv'), ['iso3', 'model_us_tariff']).rows) annex.set(r.values.iso3, Number(r.values.model_us_tariff));
for (const r of readCsv(join(DATA_DIR, 'tariff-episode-2025', 'events.csv'), ['target', 'action_type', 'rate_after_pct', 'effective_date']).rows) {
  const v = r.values;
  if (v.action_type === 'impose' && /^[A-Z]{3}$/.test(v.target) && (v.effective_date === '2025-04-09' || v.effective_date === '2025-04-05')) annex.set(v.target, Number(v.rate_after_pct) / 100);
}
let num = 0;
let den = 0;
const usa = fine.codes.indexOf('USA');
for (const member of economies.ROW) {
  const i = fine.codes.indexOf(member);
  let x = 0;
  for (let s = 0; s < fine.S; s++) if (fine.sectors[s] !== 'SERV') x += fine.Z[ijs(fine.N, fine.S, i, usa, s)];
  num += Math.max(0.1, annex.get(member) ?? 0.1) * x;
  den += x;
}
const rowRate = Math.round((num / den) * 1e4) / 1e4;

// 5. Parameters: episode-2025-1s's, ROW's rate for this ROW, and the coverage shares of the measures below.
const params = readFileSync(join(DATA_DIR, 'episode-2025-1s', 'parameters.csv'), 'utf8').trim().split('\n').filter((l) => !l.startsWith('row_annex_i_rate,'));
params.push(
  `row_annex_i_rate,${rowRate},derived,"Annex I rates of ICIO's ROW members (events.csv where listed, Taiwan's 32% among them; else the ILMS copy of the USTR calculator, at least 10%) weighted by their 2022 goods exports to the US in ICIO (USD ${(den / 1e3).toFixed(1)} bn). Written by scripts/build-episode-2025.ts",,,`,
  'vehicles_share_of_autos,0.6,assumption,"Finished vehicles as a share of the AUTOS sector (C29: vehicles, trailers and parts) in US imports; Section 232 reached vehicles on 3 April and parts on 3 May 2025 (events.csv line 10). Not sourced by HS line: a stated assumption, range 0.5-0.7.",,0.5,0.7',
  'aluminium_share_of_nonferrous,0.3,assumption,"Aluminium as a share of NONFER (C24B: aluminium, copper, nickel, zinc, precious metals) in US imports; Section 232 reached aluminium (12 March), copper only from 1 August 2025. us-imports-by-sector has non-ferrous metals at USD 76.6 bn in 2024 with no HS split: a stated assumption, range 0.2-0.45.",,0.2,0.45',
  'electronics_exempt_share,0.8,assumption,"Share of ELECTRONICS (C26) covered by the 11 April exemption list (HTS 8471, 8517.13, 8542 and others). us-imports-by-sector calls its electronics sector a superset of the list; no HS split is shipped: a stated assumption, range 0.6-0.95.",,0.6,0.95',
);
writeFileSync(join(dir, 'parameters.csv'), `${params.join('\n')}\n`);

// 6. Measures: each episode-2025-1s row on the sectors it names ("*" stays: the manifest's `services` keep SERV out).
const SECTORS: Record<string, { sectors: string[]; covers?: string }[]> = {
  '*': [{ sectors: ['*'] }],
  energy: [{ sectors: ['ENERGY', 'PETRO'] }],
  pharma: [{ sectors: ['PHARMA'] }],
  'energy;pharma': [{ sectors: ['ENERGY', 'PETRO', 'PHARMA'] }],
  electronics: [{ sectors: ['ELECTRONICS'], covers: 'electronics_exempt_share' }],
  steel_aluminium: [{ sectors: ['STEEL'] }, { sectors: ['NONFER'], covers: 'aluminium_share_of_nonferrous' }],
  vehicles_parts: [{ sectors: ['AUTOS'], covers: 'vehicles_share_of_autos' }],
};
const measures = parse(readFileSync(join(DATA_DIR, 'episode-2025-1s', 'measures.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
const out: Record<string, string>[] = [];
for (const m of measures) {
  const parts = SECTORS[m.sectors];
  if (!parts) throw new Error(`measure ${m.id}: no sector mapping for "${m.sectors}"`);
  parts.forEach((p, k) => {
    const row = { ...m, id: k === 0 ? m.id : `${m.id}-${p.sectors[0].toLowerCase()}`, sectors: p.sectors.join(';'), covers: p.covers ?? '' };
    out.push(row);
  });
  // Parts joined vehicles on 3 May: from then the whole sector pays (USMCA-compliant parts stayed exempt).
  if (m.id === 's232-autos') out.push({ ...m, id: 's232-auto-parts', effective: '2025-05-03', sectors: 'AUTOS', covers: '', note: 'Parts from 3 May (announced with vehicles on 26 March): the whole AUTOS sector pays from then' });
}
writeFileSync(join(dir, 'measures.csv'), stringify(out, { header: true, columns: [...Object.keys(measures[0]).slice(0, 12), 'covers', 'event', 'note'] }));

// 7. Goods totals per pair from BACI 2023 (CEPII; FOB values of reported trade, re-exports included), summed over each
//    region's members: BACI economies ICIO lacks belong to ROW (they are in ICIO's ROW). Two kinds of member pair take
//    ICIO 2022's goods flow instead, so that no region pair loses a member's trade: members BACI lacks (Taiwan, Sao
//    Tome and Principe) and BACI's gaps (a zero where ICIO has trade: KOR-VNM, KOR-POL, POL-VNM and the like, where
//    neither partner reported 2023 data in HS2022).
const fineGoods = fine.sectors.map((_, s) => s).filter((s) => fine.sectors[s] !== 'SERV');
const icioGoods = (a: number, b: number) => fineGoods.reduce((v, s) => v + fine.Z[ijs(fine.N, fine.S, a, b, s)], 0);
const regionOfBaci = (iso: string) => (fine.codes.includes(iso) ? groupOf(iso) : groupOf('ROW'));
const baci = new Map<string, number>();
for (const r of readCsv(join(DATA_DIR, 'baci-2023', 'baci2023_goods_194x194.csv'), ['exporter', 'importer', 'value_usd']).rows) {
  const v = r.values;
  if (v.exporter !== v.importer) baci.set(`${v.exporter}|${v.importer}`, Number(v.value_usd) / 1e6);
}
const baciCodes = new Set([...baci.keys()].map((k) => k.split('|')[0]));
const pair = new Map<string, { baci: number; gaps: number; absent: number }>();
const add = (gi: string, gj: string, part: 'baci' | 'gaps' | 'absent', v: number) => {
  if (gi === gj || !(v > 0)) return;
  const key = `${gi}|${gj}`;
  const p = pair.get(key) ?? { baci: 0, gaps: 0, absent: 0 };
  p[part] += v;
  pair.set(key, p);
};
for (const [key, v] of baci) {
  const [a, b] = key.split('|');
  add(regionOfBaci(a), regionOfBaci(b), 'baci', v);
}
for (let a = 0; a < fine.N; a++) {
  for (let b = 0; b < fine.N; b++) {
    const [ca, cb] = [fine.codes[a], fine.codes[b]];
    if (a === b || ca === 'ROW' || cb === 'ROW') continue;
    if (!baciCodes.has(ca) || !baciCodes.has(cb)) add(groupOf(ca), groupOf(cb), 'absent', icioGoods(a, b));
    else if (!(baci.get(`${ca}|${cb}`)! > 0)) add(groupOf(ca), groupOf(cb), 'gaps', icioGoods(a, b));
  }
}
// ICIO's ROW aggregate trades with Taiwan and Sao Tome too; those flows are inside our ROW (domestic), so only its
// trade with members BACI lacks that lie outside ROW would need adding, and there are none.
// KOR and VNM did not report 2023 trade in HS2022, and ROW holds other such economies (RUS, PHL, ARG, BGD, IRN, DZA)
// and ICIO's unsplit ROW (Gulf oil exporters among it), whose gaps cannot be filled member by member: BACI's KOR<->ROW
// and VNM<->ROW miss much of their trade (ROW->KOR 123 bn against ICIO's 221 bn), so those four pairs keep ICIO's value.
const NON_REPORTERS = ['KOR', 'VNM'];
const keepsIcio = (i: string, j: string) => (NON_REPORTERS.includes(i) && j === 'ROW') || (NON_REPORTERS.includes(j) && i === 'ROW');
const totals: Record<string, string | number>[] = [];
for (const i of codes) {
  for (const j of codes) {
    const p = pair.get(`${i}|${j}`);
    if (!p) continue;
    let icio = 0;
    for (const s of GOODS) icio += Z[at(i, j, s)];
    const parts = [`BACI 2023 ${p.baci.toFixed(0)}`, ...(p.gaps > 0 ? [`ICIO 2022 where BACI has a gap ${p.gaps.toFixed(0)}`] : []), ...(p.absent > 0 ? [`ICIO 2022 for members BACI lacks ${p.absent.toFixed(0)}`] : [])];
    const value = keepsIcio(i, j) ? icio : p.baci + p.gaps + p.absent;
    const source = keepsIcio(i, j) ? `ICIO 2022 kept: ${i === 'ROW' ? j : i} did not report 2023 data in HS2022 and ROW's gaps cannot be filled by member (BACI would give ${parts.join(' + ')})` : parts.join(' + ');
    totals.push({ exporter: i, importer: j, value: +value.toFixed(3), icio_2022: +icio.toFixed(3), factor: +(value / icio).toFixed(4), source });
  }
}
writeFileSync(join(dir, 'goods-pair-totals.csv'), stringify(totals, { header: true }));
const factors = totals.map((r) => Number(r.factor)).sort((a, b) => a - b);
const jpnUsa = totals.find((r) => r.exporter === 'JPN' && r.importer === 'USA')!;

console.log(`episode-2025: ${N} economies x ${S} sectors; ROW has ${economies.ROW.length} ICIO economies`);
console.log(`baseline-tariffs.csv: ${rows.length} rows; USA on CHN ${(100 * usOnChina).toFixed(1)}% trade-weighted at the model's flows (Bown's 20 Jan 2025 figure: ${(100 * usOnChinaBown).toFixed(1)}%); CHN on USA ${(100 * chinaOnUs).toFixed(1)}% (Teti alone ${(100 * tetiChnOnUsa).toFixed(2)}%, retaliation +${(100 * retaliation).toFixed(2)} points)`);
console.log(`measures.csv: ${out.length} rows; ROW Annex I rate ${rowRate}`);
console.log(`goods-pair-totals.csv: ${totals.length} pairs, factors ${factors[0]}-${factors[factors.length - 1]} (median ${factors[factors.length >> 1]}); JPN->USA ${jpnUsa.icio_2022} -> ${jpnUsa.value}`);

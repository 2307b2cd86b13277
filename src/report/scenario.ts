/**
 * A scenario run as a report a journalist can read in two minutes
 * (report.md, also printed), its JSON (the web page's input) and CSV tables.
 * Every number comes from the ScenarioResult; nothing is recomputed here.
 */
import { join } from 'node:path';
import type { EconomyRecord } from '../model/results.js';
import type { IoSectorResult } from '../model/io-results.js';
import type { BranchResult, ScenarioResult } from '../scenario/run.js';
import type { CoalitionsResult, NegotiationWithBands, WarResult } from '../run/results.js';
import { calibrationDraws, type CalibrationResult } from '../run/calibrate.js';
import type { Percentiles } from '../strategy/uncertainty.js';
import { makeOutputDir, writeAtomic, writeCsvAtomic, writeJsonAtomic } from './files.js';
import { writeWorkbookAtomic } from './xlsx.js';
import { BALANCED_TRADE_NOTE, money, PAYOFF_UNITS, percent, signed } from './format.js';

/** A negotiation question's result: the run's contract plus the levers the branch did not offer. */
type Deal = NegotiationWithBands & { levers_unavailable?: string[] };
interface Effects {
  against: string;
  deficits: string;
  economies: EconomyRecord[];
  /** The focus sectors in the focus economies, on worlds with input-output links. */
  sectors?: IoSectorResult[];
}
interface TariffRow {
  importer: string;
  exporter: string;
  rate: number;
}
type Coalitions = Partial<CoalitionsResult> & { skipped?: string };
type War = WarResult;

const pct = percent;
const band = (q: Partial<Percentiles> | null | undefined, f: (x: number) => string) => (q && q.p5 !== undefined ? ` (90%: ${f(q.p5)} to ${f(q.p95!)})` : '');

function md(rows: string[][]): string {
  const [head, ...body] = rows;
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function question<T>(b: BranchResult, id: string): { at: string; title?: string; result: T } | undefined {
  return b.questions.find((q) => q.id === id) as { at: string; title?: string; result: T } | undefined;
}

function byType<T>(b: BranchResult, type: string): { id: string; at: string; title?: string; result: T }[] {
  return b.questions.filter((q) => q.type === type) as { id: string; at: string; title?: string; result: T }[];
}

function effectsTable(e: Effects): string {
  const rows = [...e.economies].sort((a, b) => b.welfare_pct - a.welfare_pct);
  return md([
    ['economy', 'welfare %', 'real GDP %', 'exports %', 'imports %', 'tariff revenue', 'EV'],
    ...rows.map((r) => [r.code, signed(r.welfare_pct, 3), signed(r.real_gdp_pct, 3), signed(r.exports_pct, 1), signed(r.imports_pct, 1), `${money(r.tariff_revenue_before)} -> ${money(r.tariff_revenue_after)}`, money(r.ev)]),
  ]);
}

function dealSection(id: string, title: string | undefined, at: string, d: Deal): string {
  const out: string[] = [];
  const [a, b] = d.parties;
  out.push(`### ${title ?? id} (from ${at})`);
  if (!d.converged) out.push('NOT CONVERGED: the bargaining search stopped with a projected gradient above its tolerance; the terms below are where it stopped, not a solution.');
  if (!d.agreement.reached) {
    out.push(`No agreement: no terms give both ${a} and ${b} more than disagreement (${d.disagreement.kind}).`);
    return out.join('\n\n');
  }
  const lines = dealLines(d.agreement.tariffs);
  const issues = Object.entries(d.agreement.issues).map(([k, v]) => `${k} ${v.toFixed(3)}`);
  out.push(`Predicted deal (bargaining weights ${d.parties.map((p) => `${p} ${d.theta[p].toFixed(2)}`).join(', ')}):\n\n${lines.map((l) => `- ${l}`).join('\n')}${issues.length ? `\n- linked issues: ${issues.join(', ')}` : ''}`);
  out.push(md([
    ['', ...d.parties],
    ['payoff if talks fail (payoff points)', ...d.parties.map((p) => signed(d.disagreement.utility[p], 3))],
    ['payoff gain from the deal (payoff points)', ...d.parties.map((p) => signed(d.gains[p], 4))],
    [`welfare gain in money (${d.currency})`, ...d.parties.map((p) => money(d.ev[p]))],
  ]));
  out.push(PAYOFF_UNITS);
  if (d.levers.length) {
    out.push(`What each lever is worth to its owner (the deal with it minus the deal without it). The tariff is the one the other side imposes on the owner, trade-weighted over the pairs in the deal; a bloc lever compares the bloc's bargain with bargaining alone:`);
    let outside = false;
    // A band is over the draws; the central value is at the central parameters, so a skewed lever can lie outside it.
    const withBand = (x: number, q: Partial<Percentiles> | null | undefined, f: (v: number) => string) => {
      const off = !!q && q.p5 !== undefined && (x < q.p5 - 1e-12 || x > q.p95! + 1e-12);
      outside ||= off;
      return `${f(x)}${off ? '*' : ''}${band(q, f)}`;
    };
    out.push(md([
      ['lever', 'owner', 'tariff on owner: with it -> without', 'tariff points', `welfare in money (${d.currency})`, 'payoff points'],
      ...d.levers.map((l) => [
        l.name,
        l.owner,
        l.without.reached ? `${pct(l.tariff_with)} -> ${pct(l.tariff_without)}` : `${pct(l.tariff_with)} -> no deal`,
        withBand(l.tariff_points, l.tariff_points_band, (x) => signed(x, 2)),
        withBand(l.ev, l.ev_band, money),
        withBand(l.utility, l.utility_band, (x) => signed(x, 4)),
      ]),
    ]));
    out.push(`Welfare differences below 1e-9 of income are shown as 0: that is the bargain's resolution, so a lever valued only in payoff points (a linked issue such as defence) shows its worth in the last column.${outside ? ' * The central value, computed at the central parameters, lies outside the 90% band of the draws: the lever\'s value is not symmetric in the uncertain parameters, so the draws\' spread does not centre on it.' : ''}`);
  }
  if (d.levers_unavailable?.length) out.push(`Not on the table on this branch: ${d.levers_unavailable.join(', ')}.`);
  if (d.patience_sweep.length) {
    const key = d.agreement.tariffs[0];
    const rows = d.patience_sweep.map((p) => `${p.party} at r = ${p.discount_rate.toFixed(3)}: ${pct(p.tariffs.find((t) => t.importer === key.importer && t.exporter === key.exporter && t.sector === key.sector)!.rate)}`);
    out.push(`Patience (discount rate per year; the other's fixed), ${key.importer} tariff on ${key.exporter}${key.sector === 'ALL' ? '' : ` (${key.sector})`} in the deal: ${rows.join('; ')}.`);
  }
  if (d.frontier.length) out.push(`Bargaining frontier (${a}, ${b} payoffs): ${d.frontier.map(([x, y]) => `(${x.toFixed(3)}, ${y.toFixed(3)})`).join(' ')}; disagreement (${d.disagreement.utility[a].toFixed(3)}, ${d.disagreement.utility[b].toFixed(3)}).`);
  if (d.uncertainty) out.push(`Bands: 5th to 95th percentile of ${d.uncertainty.draws} Monte Carlo draws (${d.uncertainty.failures.length} failed).`);
  return out.join('\n\n');
}

type DealRow = Deal['agreement']['tariffs'][number];

/**
 * The deal's tariffs, a line per pair and sector. In sectors, each pair leads with its trade-weighted ALL row; sectors
 * sharing one rate in the deal (the goods not bargained apart) are one line, not one each.
 */
function dealLines(rows: readonly DealRow[]): string[] {
  const line = (t: DealRow, label: string) => `${t.importer} on ${t.exporter}${label}: ${pct(t.before)} now, **${pct(t.rate)}** in the deal${band(t, pct)}`;
  if (!rows.some((t) => t.sector === 'ALL') || rows.every((t) => t.sector === 'ALL')) return rows.map((t) => line(t, t.sector === 'ALL' ? '' : ` (${t.sector})`));
  const out: string[] = [];
  for (const all of rows.filter((t) => t.sector === 'ALL')) {
    out.push(line(all, ', all goods, trade-weighted'));
    const sectors = rows.filter((t) => t.sector !== 'ALL' && t.importer === all.importer && t.exporter === all.exporter);
    const shared = sectors.filter((t) => sectors.filter((u) => u.rate === t.rate).length > 1);
    for (const t of sectors.filter((x) => !shared.includes(x))) out.push(line(t, ` (${t.sector})`));
    if (shared.length) out.push(`${all.importer} on ${all.exporter} (${shared.length} goods sectors at one rate): **${pct(shared[0].rate)}** in the deal${band(shared[0], pct)}`);
  }
  return out;
}

/** The tariff a deal is summarised by: its first pair's trade-weighted ALL row in sectors, else its first row. */
function headline(d: Deal): DealRow {
  return d.agreement.tariffs.find((t) => t.sector === 'ALL') ?? d.agreement.tariffs[0];
}

/**
 * A calibration: its weights with their bands, the fit, and the tariffs it fits worst. `usedFrom` is the calibrate
 * question whose weights the player weighs in the scenario (this one, another, or none: its stated objective).
 */
function calibrationMarkdown(c: CalibrationResult, id: string, usedFrom: string | undefined): string {
  const weights = Object.entries(c.weights).filter(([name]) => name !== 'welfare');
  const rows = [...c.tariffs].sort((x, y) => Math.abs(y.implied - y.observed) - Math.abs(x.implied - x.observed));
  const label = (t: CalibrationResult['tariffs'][number]) => (t.sector === 'ALL' ? t.exporter : `${t.exporter} ${t.sector}`);
  return [
    `The weights under which ${c.player}'s tariffs announced by ${c.at} are closest to its best response (welfare's weight 1; ${c.fit.method === 'distance' ? 'bands from standard errors' : 'bootstrap bands'}): ${weights.map(([name, w]) => `${name} ${w.value.toFixed(3)}${w.p5 === null ? ' (exactly identified)' : Number.isFinite(w.p5) && Number.isFinite(w.p95) ? ` (90%: ${w.p5.toFixed(3)} to ${w.p95!.toFixed(3)})` : ' (band not identified)'}`).join(', ')}.`,
    `Fit: the implied tariffs are ${c.fit.mean_abs_gap_points.toFixed(1)} points from the observed on average${c.fit.converged ? '' : ' (the implied best response did NOT converge)'}.${usage(c, id, usedFrom)}`,
    md([['tariff on', 'observed', 'implied', 'gap (points)'], ...rows.slice(0, 12).map((t) => [label(t), pct(t.observed), pct(t.implied), signed(100 * (t.implied - t.observed), 1)])]),
  ].join('\n\n');
}

/** Whether the scenario weighs a calibration's objective, and how its Monte Carlo draws treat the weights (run/calibrate.ts calibratedObjective). */
function usage(c: CalibrationResult, id: string, usedFrom: string | undefined): string {
  if (usedFrom === undefined) return ` The objective is reported, not used: ${c.player}'s stated weights drive the talks.`;
  if (usedFrom !== id) return ` The objective is reported, not used: ${c.player} weighs ${usedFrom}'s.`;
  const draws = {
    each: 'Monte Carlo draws each weight over its band',
    'balances-together': 'Monte Carlo draws each weight over its band, the balances\' once for all the partners',
    central: 'Monte Carlo draws keep the central weights, since a partner\'s weight sums two estimates',
  }[calibrationDraws(Object.keys(c.weights))];
  return ` ${c.player} weighs this objective in the scenario's other questions (actors.${c.player}.objective_from; ${draws}).`;
}

/** A war's tariffs a row per pair: in sectors, each pair's trade-weighted row speaks for it (its sector rows are in the JSON). */
function warPairs(w: War): War['tariffs'] {
  return w.tariffs.some((t) => t.sector === 'ALL') ? w.tariffs.filter((t) => t.sector === 'ALL') : w.tariffs;
}

/** Which of these players weigh an objective a calibration estimated, said after a strategic answer. */
function calibratedNote(r: ScenarioResult, players: string[]): string {
  const all = [...new Set(players)];
  const from = all.filter((p) => r.objectives_from?.[p]);
  const rest = from.length < all.length ? `; ${all.filter((p) => !from.includes(p)).join(', ')}'s as stated` : '';
  return from.length ? ` Objectives: ${from.map((p) => `${p}'s as calibrated (${r.objectives_from![p]})`).join(', ')}${rest}.` : '';
}

/** The report as Markdown. */
export function scenarioMarkdown(r: ScenarioResult): string {
  const out: string[] = [];
  const main = r.branches.find((b) => b.name === 'main') ?? r.branches[0];
  // The scenario's focus: whose welfare the summaries show, and the reference economy of tariff tables.
  const focus = r.focus.economies;
  const ref = r.focus.reference;
  out.push(`# ${r.title}`);
  const sets = r.elasticity_set === undefined ? '' : typeof r.elasticity_set === 'string' ? `, trade elasticities: set ${r.elasticity_set}` : `, trade elasticities: set ${r.elasticity_set.values[0]} (Monte Carlo draws pick among ${r.elasticity_set.values.join(', ')})`;
  const drawn = r.drawn_parameters?.length ? `; the draws also take ${r.drawn_parameters.map((p) => `${p.name} (${p.value}, range ${p.low}-${p.high})`).join(', ')} from triangular distributions over their stated ranges` : '';
  out.push(`Data: \`${r.data}\` (content hash ${r.data_hash.slice(0, 12)})${sets}${drawn}, deficits ${r.deficits === 'balanced' ? 'purged first ("balanced", as Ossa 2014)' : r.deficits}, seed ${r.seed}. Payoffs are welfare changes in % of income (governments' objectives add revenue, balances and linked issues as stated in the scenario). Branch shown: ${main.name}.`);
  for (const t of byType<TariffRow[]>(main, 'tariffs')) {
    out.push(`## ${t.title ?? t.id}`);
    const partners = [...new Set(t.result.map((x) => (x.importer === ref ? x.exporter : x.importer)))].filter((p) => p !== ref);
    const rate = (i: string, e: string) => t.result.find((x) => x.importer === i && x.exporter === e)?.rate;
    out.push(md([['partner', `${ref} tariff on it`, `its tariff on ${ref}`], ...partners.map((p) => [p, pct(rate(ref, p) ?? NaN), pct(rate(p, ref) ?? NaN)])]));
  }
  for (const e of byType<Effects>(main, 'counterfactual')) {
    out.push(`## ${e.title ?? e.id}`);
    const ec = e.result.economies;
    const get = (c: string) => ec.find((x) => x.code === c)?.welfare_pct;
    const losers = ec.filter((x) => x.welfare_pct < 0).length;
    out.push(`Against the tariffs of ${e.result.against}: welfare ${focus.map((c) => `${c} ${signed(get(c) ?? NaN, 2)}%`).join(', ')}; ${losers} of ${ec.length} economies lose.`);
    out.push(effectsTable(e.result));
    if (e.result.deficits === 'balanced') out.push(BALANCED_TRADE_NOTE);
    if (e.result.sectors?.length) {
      const rows = e.result.sectors;
      out.push(`By sector: real output (gross output deflated by the sector's input costs) and the buyers' price of the sector's goods, % change.`);
      out.push(md([['sector', ...focus.flatMap((c) => [`${c} output %`, `${c} price %`])], ...(r.focus.sectors ?? [...new Set(rows.map((x) => x.sector))]).map((sec) => [sec, ...focus.flatMap((c) => {
        const row = rows.find((x) => x.code === c && x.sector === sec);
        return row ? [signed(row.real_output_pct, 2), signed(row.price_pct, 2)] : ['', ''];
      })])]));
    }
  }
  for (const w of byType<War>(main, 'war')) {
    out.push(`## ${w.title ?? w.id}`);
    const pairs = warPairs(w.result);
    out.push(`${w.result.converged ? 'Converged' : 'NOT converged'} after ${w.result.rounds} rounds: ${pairs.map((t) => `${t.importer} on ${t.exporter} ${pct(t.rate)}`).join(', ')}. Welfare: ${w.result.economies.filter((x) => w.result.tariffs.some((t) => t.importer === x.code)).map((x) => `${x.code} ${signed(x.welfare_pct, 2)}%`).join(', ')} (against the status quo of ${w.at}, deficits purged).${calibratedNote(r, w.result.tariffs.map((t) => t.importer))}`);
  }
  for (const c of byType<CalibrationResult>(main, 'calibrate')) {
    out.push(`## ${c.title ?? c.id}`);
    out.push(calibrationMarkdown(c.result, c.id, r.objectives_from?.[c.result.player]));
  }
  const negs = byType<Deal>(main, 'negotiate');
  if (negs.length) out.push('## Trade talks');
  for (const n of negs) out.push(dealSection(n.id, n.title, n.at, n.result));
  for (const c of byType<Coalitions>(main, 'coalitions')) {
    out.push(`## ${c.title ?? c.id}`);
    if (c.result.skipped || !c.result.structures) {
      out.push(c.result.skipped ?? 'not computed');
      continue;
    }
    const codes = [c.result.counterpart!, ...c.result.members!];
    out.push(md([
      ['structure', ...codes.map((x) => `${x} payoff`), 'stable?'],
      ...c.result.structures.map((s) => [s.blocs.map((b) => b.join('+')).join(' / '), ...codes.map((x) => `${signed(s.utility[x], 3)}${x in s.gain_from_joining && s.gain_from_joining[x] !== 0 ? ` (${signed(s.gain_from_joining[x], 3)} from its bloc)` : ''}`), s.stable ? 'yes' : `no: ${s.would_leave.join(', ')} would leave`]),
    ]));
  }
  if (r.branches.length > 1) {
    out.push('## Branches side by side');
    const negId = negs[0]?.id;
    const effId = byType<Effects>(main, 'counterfactual')[0]?.id;
    const warId = byType<War>(main, 'war')[0]?.id;
    const rows = r.branches.map((b) => {
      const d = negId ? question<Deal>(b, negId)?.result : undefined;
      const e = effId ? question<Effects>(b, effId)?.result : undefined;
      const war = warId ? question<War>(b, warId)?.result : undefined;
      const key = d ? headline(d) : undefined;
      const w = (c: string) => e?.economies.find((x) => x.code === c)?.welfare_pct;
      return [
        `**${b.name}**: ${b.title}`,
        d ? (d.agreement.reached ? pct(key!.rate) : `no deal (${pct(key!.before)})`) : '',
        d ? d.parties.map((p) => `${p} ${signed(d.gains[p], 3)}`).join(', ') : '',
        ...focus.map((c) => (w(c) === undefined ? '' : signed(w(c)!, 3))),
        ...(warId ? [war ? warPairs(war).map((t) => pct(t.rate)).join(' / ') : ''] : []),
      ];
    });
    const mainDeal = negId ? question<Deal>(main, negId)?.result : undefined;
    const key = mainDeal ? headline(mainDeal) : undefined;
    const mainWar = warId ? question<War>(main, warId)!.result : undefined;
    const warHeader = mainWar ? [`war: ${warPairs(mainWar).map((t) => `${t.importer} on ${t.exporter}`).join(' / ')}`] : [];
    out.push(md([['branch', key ? `${key.importer} tariff on ${key.exporter}${mainDeal!.agreement.tariffs.some((t) => t.sector !== 'ALL') ? ' (all goods, trade-weighted)' : ''} in the deal` : 'deal', 'gains from the deal', ...focus.map((c) => `${c} welfare %`), ...warHeader], ...rows]));
    out.push(r.branches.filter((b) => b.name !== 'main').map((b) => `- **${b.name}**: ${b.why}`).join('\n'));
  }
  out.push('## Sources and assumptions');
  out.push(r.sources.map((s) => `- ${s.date} ${s.id} (${s.type}): ${s.source ? s.source : `ASSUMPTION: ${s.assumption}`}`).join('\n'));
  return `${out.join('\n\n')}\n`;
}

/** report.md, report.json, CSV tables and report.xlsx (one sheet per table) in `dir`, each written atomically. */
export async function writeScenarioOutputs(dir: string, r: ScenarioResult): Promise<string[]> {
  makeOutputDir(dir, '--out');
  const economies: Record<string, unknown>[] = [];
  const tariffs: Record<string, unknown>[] = [];
  const deals: Record<string, unknown>[] = [];
  const levers: Record<string, unknown>[] = [];
  for (const b of r.branches) {
    for (const q of b.questions) {
      const res = q.result as Partial<Effects & Deal> & { length?: number };
      if (q.type === 'counterfactual') for (const e of (res as Effects).economies) economies.push({ branch: b.name, question: q.id, at: q.at, ...e });
      if (q.type === 'tariffs') for (const t of q.result as TariffRow[]) tariffs.push({ branch: b.name, question: q.id, at: q.at, importer: t.importer, exporter: t.exporter, rate: t.rate });
      if (q.type === 'negotiate') {
        const d = q.result as Deal;
        for (const t of d.agreement.tariffs) deals.push({ branch: b.name, question: q.id, reached: d.agreement.reached, importer: t.importer, exporter: t.exporter, sector: t.sector, before: t.before, rate: t.rate, p5: t.p5 ?? '', p25: t.p25 ?? '', p75: t.p75 ?? '', p95: t.p95 ?? '' });
        for (const l of d.levers) levers.push({ branch: b.name, question: q.id, lever: l.name, owner: l.owner, tariff_with: l.tariff_with, tariff_without: l.tariff_without, tariff_points: l.tariff_points, ev: l.ev, utility: l.utility, tariff_points_p5: l.tariff_points_band?.p5 ?? '', tariff_points_p95: l.tariff_points_band?.p95 ?? '', ev_p5: l.ev_band?.p5 ?? '', ev_p95: l.ev_band?.p95 ?? '' });
      }
    }
  }
  const currency = (r.branches[0]?.questions.map((q) => (q.result as { currency?: string } | undefined)?.currency).find(Boolean)) ?? 'units of the data';
  return [
    writeAtomic(join(dir, 'report.md'), scenarioMarkdown(r)),
    writeJsonAtomic(join(dir, 'report.json'), r),
    writeCsvAtomic(join(dir, 'economies.csv'), economies),
    writeCsvAtomic(join(dir, 'tariffs.csv'), tariffs),
    writeCsvAtomic(join(dir, 'deals.csv'), deals),
    writeCsvAtomic(join(dir, 'levers.csv'), levers),
    await writeWorkbookAtomic(join(dir, 'report.xlsx'), [{ name: 'economies', rows: economies }, { name: 'tariffs', rows: tariffs }, { name: 'deals', rows: deals }, { name: 'levers', rows: levers }], currency),
  ];
}

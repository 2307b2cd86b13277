// The Parley web page: a thin shell over the HTTP API (the same library the CLI calls). It knows no
// scenario, economy or data set by name: it reads them from the scenario's result (its focus, data,
// questions and negotiation specs), so every built-in scenario renders with no change here.
import * as echarts from 'echarts';
import type { NegotiationWithBands, UncertaintySummary } from '../src/run/results.js';
import type { BranchResult, ScenarioResult } from '../src/scenario/run.js';
import type { CounterfactualReport } from '../src/report/counterfactual.js';
import type { TariffCell } from '../src/schedule/schedule.js';

/** A negotiation question's result: the deal (with bands where Monte Carlo ran) and the central spec it came from. */
type Negotiation = NegotiationWithBands & { spec: NegotiationSpec; uncertainty?: UncertaintySummary };
/** The parts of a negotiation spec the controls change (the rest goes back to the API as it came). */
interface NegotiationSpec {
  parties: string[];
  outside_options?: { name: string; probability: number }[];
  issues?: { name: string }[];
  coalitions?: { id: string }[];
  patience?: Record<string, number>;
  levers?: string[];
  [key: string]: unknown;
}
interface Job<T> {
  status: string;
  result: T;
  error?: string;
  progress?: { done: number; total: number } | null;
}
interface SweepResult {
  axes: { path: string; values?: (number | string)[] }[];
  outputs: string[];
  points: { index: number; values: Record<string, number | string>; outputs: Record<string, number | null>; error?: string }[];
}
interface PaperFigure {
  scenario: string;
  economy: string | null;
  field: string;
  digits: number;
  paper: number;
}
interface PaperRun {
  scenarios: Record<string, { title: string; economies: Record<string, Record<string, number>>; non_us_welfare_pct: number }>;
  published: PaperFigure[];
}
type EconomyRow = { code: string; welfare_pct: number };

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const pct = (x: number, d = 1) => `${(100 * x).toFixed(d)}%`;
const status = (s: string) => ($('status').textContent = s);

/** A server started with --token prints the page's address with #token=...; the page sends it on every API call. */
const token = new URLSearchParams(location.hash.slice(1)).get('token');
const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};

async function api<T>(path: string, body?: unknown, method?: 'DELETE'): Promise<T> {
  const r = await fetch(path, method ? { method, headers: auth } : body === undefined ? { headers: auth } : { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const j = await r.json();
  if (!r.ok) throw new Error(j.error ?? `HTTP ${r.status}`);
  return j as T;
}

/** Submit a job and poll it to the end, reporting progress; `onId` learns its id (to cancel it). */
async function job<T>(path: string, body: unknown, label: string, onId?: (id: string) => void): Promise<T> {
  const { job: id } = await api<{ job: string }>(path, body);
  onId?.(id);
  for (;;) {
    const j = await api<Job<T>>(`/api/jobs/${id}`);
    if (j.status === 'done') return j.result;
    if (j.status !== 'running' && j.status !== 'queued') throw new Error(j.error ?? j.status);
    if (j.progress) status(`${label}: ${j.progress.done}/${j.progress.total}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

const charts = {
  heat: echarts.init($('heatmap')),
  welfare: echarts.init($('welfare')),
  frontier: echarts.init($('frontier')),
  branches: echarts.init($('branch-chart')),
  sweep: echarts.init($('sweep-chart')),
};
window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));
// The charts, for the browser console and the page tests (a canvas cannot be read back otherwise).
(window as unknown as { parleyCharts: typeof charts }).parleyCharts = charts;

/** The scenario on show: its name, data set, focus and date, and the deal's spec the levers change. */
const state = {
  scenario: '',
  data: '',
  date: '',
  focus: { economies: [] as string[], reference: '' },
  spec: null as NegotiationSpec | null,
};

/** What the page shows now, for export. */
const view = { tariffs: [] as { date: string; importer: string; exporter: string; rate: number }[], welfare: [] as EconomyRow[], deal: null as Negotiation | null, paper: null as PaperRun['scenarios'] | null };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, children: (Node | string)[] = []): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  for (const c of children) e.append(c);
  return e;
}

function drawHeat(date: string, rates: TariffCell[]): void {
  const all = rates.filter((r) => r.sector === 'ALL');
  const codes = [...new Set(all.map((r) => r.importer))];
  view.tariffs = all.map((r) => ({ date, importer: r.importer, exporter: r.exporter, rate: r.rate }));
  $('heat-date').textContent = date;
  charts.heat.setOption(
    {
      tooltip: { formatter: (p: { value: number[] }) => `${codes[p.value[1]]} on ${codes[p.value[0]]}: ${p.value[2].toFixed(1)}%` },
      grid: { left: 50, right: 10, top: 26, bottom: 90 },
      // Every code labelled, turned 45 degrees so 13 of them fit a phone's width.
      xAxis: { type: 'category', data: codes, name: 'exporter (tariff in %)', nameLocation: 'middle', nameGap: 36, axisLabel: { fontSize: 10, interval: 0, rotate: 45 } },
      yAxis: { type: 'category', data: codes, name: 'importer', axisLabel: { fontSize: 10, interval: 0 } },
      visualMap: { min: 0, max: 150, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120, text: ['150%', '0%'] },
      series: [{ type: 'heatmap', data: all.map((r) => [codes.indexOf(r.exporter), codes.indexOf(r.importer), 100 * r.rate]), label: { show: codes.length <= 13, fontSize: 8, formatter: (p: { value: number[] }) => p.value[2].toFixed(0) } }],
    },
    true,
  );
}

/** The tariffs in force on a date; returns them (the what-if starts from the reference economy's). */
async function showTariffs(date: string): Promise<TariffCell[]> {
  const t = await api<{ rates: TariffCell[] }>(`/api/tariffs?data=${encodeURIComponent(state.data)}&at=${date}`);
  drawHeat(date, t.rates);
  return t.rates;
}

function drawWelfare(economies: EconomyRow[], caption: string, bands?: Record<string, [number, number]>): void {
  const rows = [...economies].sort((a, b) => a.welfare_pct - b.welfare_pct);
  view.welfare = rows.map((r) => ({ code: r.code, welfare_pct: r.welfare_pct }));
  $('welfare-caption').textContent = caption;
  // The bands drawn, as data on the chart's element (the canvas itself cannot be read back).
  $('welfare').dataset.bands = JSON.stringify(bands ?? {});
  charts.welfare.setOption(
    {
      tooltip: {},
      grid: { left: 50, right: 20, top: 10, bottom: 42 },
      xAxis: { type: 'value', name: 'welfare change, %', nameLocation: 'middle', nameGap: 24 },
      yAxis: { type: 'category', data: rows.map((r) => r.code), axisLabel: { fontSize: 10, interval: 0 } },
      series: [
        { type: 'bar', data: rows.map((r) => +r.welfare_pct.toFixed(3)), itemStyle: { color: (p: { value: number }) => (p.value < 0 ? '#c0392b' : '#2e86c1') } },
        // 5th-95th percentile whiskers where Monte Carlo ran.
        ...(bands
          ? [
              {
                type: 'custom',
                name: '90% band',
                data: rows.map((r, k) => (bands[r.code] ? [bands[r.code][0], k, bands[r.code][1]] : [NaN, k, NaN])),
                renderItem: (_: unknown, api: { coord: (v: number[]) => number[]; value: (i: number) => number }) => {
                  const lo = api.coord([api.value(0), api.value(1)]);
                  const hi = api.coord([api.value(2), api.value(1)]);
                  if (!Number.isFinite(lo[0]) || !Number.isFinite(hi[0])) return null;
                  const style = { stroke: '#1d2433', lineWidth: 2 };
                  return {
                    type: 'group',
                    children: [
                      { type: 'line', shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style },
                      { type: 'line', shape: { x1: lo[0], y1: lo[1] - 5, x2: lo[0], y2: lo[1] + 5 }, style },
                      { type: 'line', shape: { x1: hi[0], y1: hi[1] - 5, x2: hi[0], y2: hi[1] + 5 }, style },
                    ],
                  };
                },
                z: 10,
              },
            ]
          : []),
      ],
    },
    true,
  );
}

/** The deal's tariff of the first party on the second (all sectors). */
function dealTariff(d: Negotiation): Negotiation['agreement']['tariffs'][number] | undefined {
  const [a, b] = d.parties;
  return d.agreement.tariffs.find((x) => x.importer === a && x.exporter === b && x.sector === 'ALL') ?? d.agreement.tariffs.find((x) => x.importer === a && x.exporter === b);
}

function drawDeal(d: Negotiation): void {
  view.deal = d;
  const [a, b] = d.parties;
  const t = dealTariff(d);
  const gains = d.parties.map((p) => `${p} ${d.gains[p].toFixed(4)}`).join(', ');
  const tariff = t ? `${a}'s tariff on ${b} ${pct(t.rate)} (now ${pct(t.before)})` : 'no tariff of theirs moves';
  $('deal').textContent = d.agreement.reached ? `Predicted deal: ${tariff}; payoff gains ${gains} (payoff points: welfare % plus the weighted revenue and balances each side values).` : `No deal: nothing beats disagreement for both${t ? ` (${a}'s tariff on ${b} stays ${pct(t.before)})` : ''}.`;
  const dis = [d.disagreement.utility[a], d.disagreement.utility[b]];
  charts.frontier.setOption(
    {
      tooltip: {},
      legend: { bottom: 0 },
      grid: { left: 60, right: 20, top: 26, bottom: 50 },
      xAxis: { type: 'value', name: `${a} payoff (points)`, nameLocation: 'middle', nameGap: 28, scale: true },
      yAxis: { type: 'value', name: `${b} payoff (points)`, scale: true },
      series: [
        { name: 'frontier', type: 'line', data: d.frontier, symbolSize: 5 },
        { name: 'disagreement', type: 'scatter', data: [dis], symbolSize: 12 },
        { name: 'deal', type: 'scatter', data: d.agreement.reached ? [[d.utility[a], d.utility[b]]] : [], symbolSize: 14, symbol: 'diamond' },
      ],
    },
    true,
  );
  const levers = (d.levers ?? []).map((l) => {
    const without = l.without.reached ? pct(l.tariff_without) : 'no deal';
    return `${l.name} (${l.owner}): tariff on ${l.owner} ${pct(l.tariff_with)} with it, ${without} without (${l.tariff_points >= 0 ? '+' : ''}${l.tariff_points.toFixed(2)} points), payoff ${l.utility >= 0 ? '+' : ''}${l.utility.toFixed(4)} points`;
  });
  $('lever-values').textContent = levers.length ? `Lever values: ${levers.join('; ')}.` : '';
}

/** One control per lever the negotiation's spec has: each outside option's probability, each issue, each coalition, each party's patience. */
function leverControls(spec: NegotiationSpec): void {
  const box = $('levers');
  box.querySelectorAll('label').forEach((l) => l.remove());
  $('levers-error').textContent = '';
  const slider = (id: string, text: string, value: number, min: number, max: number, step: number) => {
    const input = el('input', { id, type: 'range', min: String(min), max: String(max), step: String(step), value: String(value) });
    // What the slider shows is what is sent: the value as the range snapped it to its step.
    const out = el('output', { id: `${id}-value`, textContent: Number(input.value).toFixed(2) });
    input.addEventListener('input', () => (out.textContent = Number(input.value).toFixed(2)));
    input.addEventListener('change', () => void renegotiate());
    box.append(el('label', {}, [`${text} `, out, input]));
  };
  const check = (id: string, text: string, checked: boolean) => {
    const input = el('input', { id, type: 'checkbox', checked });
    input.addEventListener('change', () => void renegotiate());
    box.append(el('label', {}, [input, ` ${text}`]));
  };
  for (const o of spec.outside_options ?? []) slider(`option-${o.name}`, `${o.name} probability`, o.probability, 0, 1, 0.05);
  for (const i of spec.issues ?? []) check(`issue-${i.name}`, `${i.name} on the table`, true);
  for (const c of spec.coalitions ?? []) check(`coalition-${c.id}`, `value the ${c.id} coalition`, false);
  for (const [party, r] of Object.entries(spec.patience ?? {})) slider(`patience-${party}`, `${party}'s discount rate`, r, 0.02, 0.6, 0.02);
}

/** The negotiation spec as the lever controls set it now. */
function currentSpec(): NegotiationSpec | null {
  const base = state.spec;
  if (!base) return null;
  const num = (id: string) => Number(($(id) as HTMLInputElement).value);
  const on = (id: string) => ($(id) as HTMLInputElement).checked;
  return {
    ...base,
    outside_options: (base.outside_options ?? []).map((o) => ({ ...o, probability: num(`option-${o.name}`) })),
    issues: (base.issues ?? []).filter((i) => on(`issue-${i.name}`)),
    ...(base.patience ? { patience: Object.fromEntries(Object.keys(base.patience).map((p) => [p, num(`patience-${p}`)])) } : {}),
    levers: (base.coalitions ?? []).filter((c) => on(`coalition-${c.id}`)).map((c) => c.id),
  };
}

/** Requests whose answers may be outdated by a newer one: only the latest of each kind is drawn. */
const latest = { deal: 0, whatIf: 0 };

/** Re-compute the deal with the levers as the controls say. */
async function renegotiate(): Promise<void> {
  const spec = currentSpec();
  if (!spec) return;
  const ask = ++latest.deal;
  status('Re-computing the deal…');
  try {
    const d = await api<Negotiation>('/api/strategy/negotiate', spec);
    if (ask !== latest.deal) return; // a newer setting has been asked since
    drawDeal(d);
    $('levers-error').textContent = '';
    status('Deal re-computed.');
  } catch (e) {
    if (ask !== latest.deal) return;
    // Next to the controls, and it stays until the next answer.
    $('levers-error').textContent = `Could not compute the deal: ${(e as Error).message}`;
    status('The deal could not be computed (see the levers).');
  }
}

let whatIfTimer: ReturnType<typeof setTimeout> | undefined;
/** The reference economy's tariff on a partner set by the slider, everything else as on the scenario's date. */
function whatIf(): void {
  const v = Number(($('whatif') as HTMLInputElement).value);
  const partner = ($('whatif-partner') as HTMLSelectElement).value;
  const importer = state.focus.reference;
  $('whatif-value').textContent = `${v}%`;
  clearTimeout(whatIfTimer);
  whatIfTimer = setTimeout(async () => {
    const ask = ++latest.whatIf;
    status('Solving the what-if…');
    try {
      const r = await api<CounterfactualReport>('/api/counterfactual', { data: state.data, at: state.date, deficits: 'balanced', shock: [{ exporter: partner, importer, tariff: v / 100 }] });
      if (ask !== latest.whatIf) return;
      drawWelfare(r.economies, `${importer}'s tariff on ${partner} at ${v}% instead of the ${state.date} rate (everything else as on ${state.date}).`);
      $('whatif-error').textContent = '';
      status('What-if solved.');
    } catch (e) {
      if (ask !== latest.whatIf) return;
      $('whatif-error').textContent = `What-if failed: ${(e as Error).message}`;
      status('The what-if failed (see below the slider).');
    }
  }, 250);
}

/** The what-if controls for the reference economy and its focus partners, starting at the rates of the date. */
function whatIfControls(rates: TariffCell[]): void {
  const importer = state.focus.reference;
  const partners = state.focus.economies.filter((c) => c !== importer);
  const rateOn = (p: string) => rates.find((r) => r.importer === importer && r.exporter === p && r.sector === 'ALL')?.rate ?? 0;
  // Start on the partner it taxes most: the question of the day.
  const first = [...partners].sort((x, y) => rateOn(y) - rateOn(x))[0];
  const select = $('whatif-partner') as HTMLSelectElement;
  select.replaceChildren(...partners.map((p) => el('option', { value: p, textContent: p, selected: p === first })));
  $('whatif-importer').textContent = importer;
  const slider = $('whatif') as HTMLInputElement;
  const setFrom = () => {
    const r = Math.round((100 * rateOn(select.value)) / 5) * 5;
    slider.max = String(Math.max(150, r));
    slider.value = String(r);
    $('whatif-value').textContent = `${r}%`;
  };
  select.onchange = () => {
    setFrom();
    whatIf();
  };
  setFrom();
}

/** The deal under uncertainty, at the levers as set now: Monte Carlo on the trade elasticity, then welfare bands. */
async function uncertainty(): Promise<void> {
  const current = currentSpec();
  if (!current) return;
  const spec = { ...current, frontier: 0, eps: { dist: 'lognormal', median: 4, sigma: 0.2 }, monte_carlo: { draws: 40, seed: 1 } };
  const cancel = $('uncertainty-cancel') as HTMLButtonElement;
  cancel.hidden = false;
  try {
    const r = await job<Negotiation>('/api/strategy/negotiate', spec, 'Monte Carlo', (id) => {
      cancel.onclick = () => void api(`/api/jobs/${id}`, undefined, 'DELETE').catch(() => {});
    });
    const p = r.uncertainty!.percentiles;
    const bands: Record<string, [number, number]> = {};
    const rows = r.parties.map((c) => ({ code: c, welfare_pct: r.welfare[c] }));
    for (const c of r.parties) if (p[`welfare.${c}`]) bands[c] = [p[`welfare.${c}`].p5, p[`welfare.${c}`].p95];
    drawWelfare(rows, `Welfare at the predicted ${r.parties.join('-')} deal, with 90% bands from ${r.uncertainty!.draws} Monte Carlo draws (trade elasticity lognormal around 4).`, bands);
    drawDeal(r);
    status('Monte Carlo done.');
  } catch (e) {
    status(`Monte Carlo stopped: ${(e as Error).message}`);
  } finally {
    cancel.hidden = true;
  }
}

/** The trade elasticities a sweep runs over (its rows). */
const SWEEP_EPS = [2, 3, 4, 5, 6, 7, 8];

/** Levers a sweep can run over (its columns): each outside option's probability, each party's patience and revenue weight. */
function sweepLevers(spec: NegotiationSpec): { path: string; label: string; values: number[] }[] {
  const steps = (from: number, to: number, n: number) => Array.from({ length: n }, (_, k) => Number((from + ((to - from) * k) / (n - 1)).toFixed(3)));
  return [
    ...(spec.outside_options ?? []).map((o, k) => ({ path: `outside_options[${k}].probability`, label: `${o.name} probability`, values: steps(0, 1, 6) })),
    ...Object.keys(spec.patience ?? {}).map((p) => ({ path: `patience.${p}`, label: `${p}'s discount rate`, values: steps(0.05, 0.55, 6) })),
    ...spec.parties.map((p) => ({ path: `objectives.${p}.revenue`, label: `${p}'s weight on tariff revenue`, values: steps(0, 0.5, 6) })),
  ];
}

/** The sweep button says how many points it will compute. */
function sweepButton(leverValues: number): void {
  $('sweep-run').textContent = `Sweep (${SWEEP_EPS.length} x ${leverValues} points)`;
}

function sweepControls(spec: NegotiationSpec): void {
  const levers = sweepLevers(spec);
  ($('sweep-axis') as HTMLSelectElement).replaceChildren(...levers.map((l) => el('option', { value: l.path, textContent: l.label })));
  ($('sweep-party') as HTMLSelectElement).replaceChildren(...spec.parties.map((p) => el('option', { value: p, textContent: p })));
  sweepButton(levers[0]?.values.length ?? 0);
  $('sweep-error').textContent = '';
  charts.sweep.clear();
}

/** The sweep as a heat map: the lever's values across, the elasticities down, the party's payoff as colour. */
async function sweep(): Promise<void> {
  const current = currentSpec();
  if (!current) return;
  const lever = sweepLevers(current).find((l) => l.path === ($('sweep-axis') as HTMLSelectElement).value);
  const party = ($('sweep-party') as HTMLSelectElement).value;
  if (!lever) return;
  $('sweep-error').textContent = '';
  try {
    const spec: Record<string, unknown> = { ...current, frontier: 0, sweep: false };
    delete spec.monte_carlo;
    const output = `utility.${party}`;
    const r = await job<SweepResult>('/api/sweep', { kind: 'negotiate', spec, vary: [{ path: 'eps', values: SWEEP_EPS }, { path: lever.path, values: lever.values }], outputs: [output] }, 'Sweep');
    const cells = r.points.map((p) => [lever.values.indexOf(p.values[lever.path] as number), SWEEP_EPS.indexOf(p.values.eps as number), p.outputs[output]] as [number, number, number | null]);
    const known = cells.map((c) => c[2]).filter((v): v is number => v !== null);
    const failed = r.points.filter((p) => p.error).length;
    charts.sweep.setOption(
      {
        tooltip: { formatter: (p: { value: [number, number, number] }) => `${lever.label} ${lever.values[p.value[0]]}, elasticity ${SWEEP_EPS[p.value[1]]}: payoff ${p.value[2].toFixed(4)}` },
        grid: { left: 50, right: 10, top: 28, bottom: 84 },
        xAxis: { type: 'category', data: lever.values.map(String), name: lever.label, nameLocation: 'middle', nameGap: 28, axisLabel: { fontSize: 10, interval: 0 } },
        yAxis: { type: 'category', data: SWEEP_EPS.map(String), name: 'elasticity', axisLabel: { fontSize: 10, interval: 0 } },
        visualMap: { min: Math.min(...known), max: Math.max(...known), calculable: false, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120, text: [`${party} payoff high`, 'low'], precision: 3 },
        series: [{ type: 'heatmap', data: cells.filter((c) => c[2] !== null) }],
      },
      true,
    );
    status(`Sweep done: ${r.points.length} points${failed ? `, ${failed} failed` : ''}.`);
  } catch (e) {
    $('sweep-error').textContent = `The sweep failed: ${(e as Error).message}`;
    status('The sweep failed (see below its button).');
  }
}

function download(name: string, data: Blob): void {
  const a = el('a', { href: URL.createObjectURL(data), download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
}

function exportCsv(): void {
  const lines = ['table,key,value'];
  for (const r of view.welfare) lines.push(`welfare_pct,${r.code},${r.welfare_pct}`);
  for (const r of view.tariffs) lines.push(`tariff ${r.date},${r.importer} on ${r.exporter},${r.rate}`);
  if (view.deal) for (const t of view.deal.agreement.tariffs) lines.push(`deal,${t.importer} on ${t.exporter}${t.sector && t.sector !== 'ALL' ? ` ${t.sector}` : ''},${t.rate}`);
  download('parley-view.csv', new Blob([`${lines.join('\n')}\n`], { type: 'text/csv' }));
}

/** The view as an Excel workbook: the server writes it (one sheet per table, units in the headers). */
async function exportXlsx(): Promise<void> {
  const sheets = [
    { name: 'welfare', rows: view.welfare.map((r) => ({ code: r.code, welfare_pct: r.welfare_pct })) },
    { name: 'tariffs', rows: view.tariffs.map((r) => ({ date: r.date, importer: r.importer, exporter: r.exporter, rate: r.rate })) },
    ...(view.deal ? [{ name: 'deal', rows: view.deal.agreement.tariffs.map((t) => ({ importer: t.importer, exporter: t.exporter, sector: t.sector, before: t.before, rate: t.rate })) }] : []),
  ];
  try {
    const r = await fetch('/api/export/xlsx', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ sheets, currency: view.deal?.currency }) });
    if (!r.ok) throw new Error((await r.json()).error ?? `HTTP ${r.status}`);
    download('parley-view.xlsx', await r.blob());
  } catch (e) {
    status(`Export failed: ${(e as Error).message}`);
  }
}

function timeline(sources: ScenarioResult['sources']): void {
  const ol = $('timeline');
  ol.replaceChildren();
  for (const s of sources) {
    const b = el('button', { type: 'button', textContent: `${s.date} ${s.id} (${s.type})`, title: s.source ?? `assumption: ${s.assumption}` });
    b.setAttribute('aria-pressed', 'false');
    b.addEventListener('click', () => {
      ol.querySelectorAll('button').forEach((x) => x.setAttribute('aria-pressed', 'false'));
      b.setAttribute('aria-pressed', 'true');
      void showTariffs(s.date);
    });
    ol.append(el('li', {}, [b]));
  }
}

/** The question results of one type on a branch, typed by what the caller expects. */
function answers<T>(b: BranchResult, type: string): T[] {
  return b.questions.filter((q) => q.type === type).map((q) => q.result as T);
}

/** Branches side by side: the deal's tariff and each focus economy's welfare at the first counterfactual. */
function branchTable(result: ScenarioResult): void {
  const table = $('branches');
  const first = answers<Negotiation>(result.branches[0], 'negotiate')[0];
  const [a, b] = first?.parties ?? [];
  const head = ['branch', ...(first ? [`${a} tariff on ${b} in the deal`] : []), ...result.focus.economies.map((c) => `${c} welfare %`)];
  table.querySelector('thead')!.replaceChildren(el('tr', {}, head.map((h) => el('th', { textContent: h }))));
  const rows = result.branches.map((br) => {
    const deal = answers<Negotiation>(br, 'negotiate')[0];
    const eff = answers<CounterfactualReport>(br, 'counterfactual')[0];
    const t = deal ? dealTariff(deal) : undefined;
    const w = (c: string) => eff?.economies.find((e) => e.code === c)?.welfare_pct?.toFixed(3) ?? '';
    const cells = [`${br.name}: ${br.title}`, ...(first ? [deal && t ? (deal.agreement.reached ? pct(t.rate) : `no deal (${pct(t.before)})`) : ''] : []), ...result.focus.economies.map(w)];
    return el('tr', {}, cells.map((c) => el('td', { textContent: c })));
  });
  table.querySelector('tbody')!.replaceChildren(...rows);
  // The same comparison as a chart: each focus economy's welfare on each branch.
  const welfareOn = (br: BranchResult, c: string) => answers<CounterfactualReport>(br, 'counterfactual')[0]?.economies.find((e) => e.code === c)?.welfare_pct ?? null;
  charts.branches.setOption(
    {
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 60, right: 10, top: 26, bottom: 60 },
      xAxis: { type: 'category', data: result.branches.map((br) => br.name), axisLabel: { fontSize: 10, interval: 0, rotate: 20 } },
      yAxis: { type: 'value', name: 'welfare change, %' },
      series: result.focus.economies.map((c) => ({ name: c, type: 'bar', data: result.branches.map((br) => welfareOn(br, c)) })),
    },
    true,
  );
}

/** The Liberation Day replication: one column per figure the paper publishes, the paper's value in brackets. */
async function paper(): Promise<void> {
  status('Running the Liberation Day paper\'s scenarios…');
  const r = await api<PaperRun>('/api/replications/liberation-day');
  view.paper = r.scenarios;
  const columns = [...new Map(r.published.map((f) => [`${f.economy}|${f.field}`, f])).values()];
  const label = (f: PaperFigure) => `${f.economy ?? 'non-US average'} ${f.field.replace(/_pct$/, ' %').replace(/_/g, ' ')}`;
  const table = $('paper');
  table.querySelector('thead')!.replaceChildren(el('tr', {}, ['scenario', ...columns.map(label)].map((h) => el('th', { textContent: h }))));
  const rows = Object.entries(r.scenarios).map(([id, s]) => {
    const cells = columns.map((col) => {
      const v = col.economy === null ? s.non_us_welfare_pct : s.economies[col.economy]?.[col.field];
      if (v === undefined) return '';
      const fig = r.published.find((f) => f.scenario === id && f.economy === col.economy && f.field === col.field);
      return `${v.toFixed(col.digits)}${fig ? ` [${fig.paper.toFixed(col.digits)}]` : ''}`;
    });
    return el('tr', {}, [s.title, ...cells].map((c) => el('td', { textContent: c })));
  });
  table.querySelector('tbody')!.replaceChildren(...rows);
  status('Paper replicated.');
}

/** Where a scenario comes from: a built-in name, or text from the editor (saved as a run when it completes). */
type ScenarioSource = { scenario: string } | { text: string };

/** Load a scenario: its main line first (a few seconds), then every branch for the comparison. */
async function load(source: ScenarioSource): Promise<void> {
  const label = 'scenario' in source ? source.scenario : 'the edited scenario';
  status(`Running ${label}…`);
  // A page view is not a saved run (save: false); edited text the user runs is. The server reuses an identical earlier run.
  const main = await job<ScenarioResult>('/api/scenarios/run', { ...source, branch: 'main', draws: 0, save: false }, 'Running the scenario');
  await showMain(main, main.branches[0]);
  status('Ready. The branches are being computed…');
  branchTable(await job<ScenarioResult>('/api/scenarios/run', { ...source, draws: 0, save: 'text' in source }, 'Computing the branches'));
  if ('text' in source) await savedRuns();
  status('Ready.');
}

/** A saved run, as it was computed: nothing is run again. */
async function loadRun(id: string): Promise<void> {
  status('Opening the saved run…');
  const run = await api<{ name: string; spec: string; created_at: string; result: ScenarioResult }>(`/api/runs/${encodeURIComponent(id)}`);
  const r = run.result;
  await showMain(r, r.branches.find((b) => b.name === 'main') ?? r.branches[0]);
  branchTable(r);
  const spec = JSON.parse(run.spec) as { text?: string; scenario?: string };
  if (spec.text !== undefined) ($('yaml') as HTMLTextAreaElement).value = spec.text;
  else if (spec.scenario) await editorText(spec.scenario);
  status(`Showing the run saved ${run.created_at}.`);
}

/** The main line of a scenario result: title, timeline, tariffs, welfare and the talks with their levers. */
async function showMain(r: ScenarioResult, branch: BranchResult): Promise<void> {
  const effects = branch.questions.find((q) => q.type === 'counterfactual');
  Object.assign(state, { scenario: r.scenario, data: r.data, focus: r.focus, date: effects?.at ?? branch.questions[0]?.at ?? '' });
  $('scenario-title').textContent = r.title;
  document.title = `Parley: ${r.title}`;
  timeline(r.sources);
  whatIfControls(await showTariffs(state.date));
  if (effects) drawWelfare((effects.result as CounterfactualReport).economies, `${effects.title ?? `The tariffs of ${effects.at} against the scenario's baseline`} (deficits purged first).`);
  const talksQ = branch.questions.find((q) => q.type === 'negotiate');
  const talks = talksQ?.result as Negotiation | undefined;
  $('h-talks').textContent = talksQ?.title ?? 'Talks';
  state.spec = talks?.spec ?? null;
  if (talks) {
    leverControls(talks.spec);
    sweepControls(talks.spec);
    drawDeal(talks);
  }
}

/** The picker's second group: scenario runs the user saved (newest first), opened as they were computed. */
async function savedRuns(): Promise<void> {
  const runs = (await api<{ id: string; kind: string; name: string; created_at: string }[]>('/api/runs')).filter((r) => r.kind === 'scenario');
  const picker = $('scenario') as HTMLSelectElement;
  picker.querySelector('optgroup[data-saved]')?.remove();
  if (!runs.length) return;
  const group = el('optgroup', { label: 'Saved runs' });
  group.dataset.saved = '';
  group.replaceChildren(...runs.map((r) => el('option', { value: `run:${r.id}`, textContent: `${r.name}, saved ${r.created_at.slice(0, 16).replace('T', ' ')}` })));
  picker.append(group);
}

/** The editor: a built-in scenario's YAML to start from, checked as it changes. */
async function editorText(name: string): Promise<void> {
  const r = await fetch(`/api/scenarios/${encodeURIComponent(name)}/text`, { headers: auth });
  ($('yaml') as HTMLTextAreaElement).value = r.ok ? await r.text() : '';
  $('yaml-check').textContent = '';
}

let checkTimer: ReturnType<typeof setTimeout> | undefined;
let checkAsk = 0;
/** Check the edited text as the user types (debounced): the same errors as the CLI, with line and field. */
function checkEdited(): void {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(async () => {
    const ask = ++checkAsk;
    const out = $('yaml-check');
    try {
      const r = await api<{ scenario: string; events: number; questions: number; branches: string[] }>('/api/scenarios/check', { text: ($('yaml') as HTMLTextAreaElement).value });
      if (ask !== checkAsk) return;
      out.classList.remove('invalid');
      out.textContent = `Valid: ${r.scenario}, ${r.events} events, ${r.questions} questions, branches ${r.branches.join(', ')}.`;
    } catch (e) {
      if (ask !== checkAsk) return;
      out.classList.add('invalid');
      out.textContent = (e as Error).message;
    }
  }, 400);
}

async function start(): Promise<void> {
  $('whatif').addEventListener('input', whatIf);
  $('export-csv').addEventListener('click', exportCsv);
  $('export-xlsx').addEventListener('click', () => void exportXlsx());
  $('uncertainty').addEventListener('click', () => void uncertainty());
  $('sweep-run').addEventListener('click', () => void sweep());
  $('sweep-axis').addEventListener('change', () => {
    const lever = state.spec && sweepLevers(state.spec).find((l) => l.path === ($('sweep-axis') as HTMLSelectElement).value);
    if (lever) sweepButton(lever.values.length);
  });
  $('paper-run').addEventListener('click', () => void paper().catch((e) => status(`Error: ${(e as Error).message}`)));
  $('export-json').addEventListener('click', () => download('parley-view.json', new Blob([`${JSON.stringify(view, null, 2)}\n`], { type: 'application/json' })));
  const { scenarios, default: first } = await api<{ scenarios: { name: string; title: string }[]; default: string }>('/api/scenarios');
  const picker = $('scenario') as HTMLSelectElement;
  const builtIn = el('optgroup', { label: 'Built-in scenarios' });
  builtIn.replaceChildren(...scenarios.map((s) => el('option', { value: s.name, textContent: s.name, title: s.title, selected: s.name === first })));
  picker.replaceChildren(builtIn);
  void savedRuns().catch(() => undefined);
  picker.addEventListener('change', () => {
    const failed = (e: unknown) => status(`Error: ${(e as Error).message}`);
    if (picker.value.startsWith('run:')) return void loadRun(picker.value.slice(4)).catch(failed);
    void editorText(picker.value);
    void load({ scenario: picker.value }).catch(failed);
  });
  $('yaml').addEventListener('input', checkEdited);
  $('yaml-run').addEventListener('click', () => void load({ text: ($('yaml') as HTMLTextAreaElement).value }).catch((e) => status(`Error: ${(e as Error).message}`)));
  void editorText(first);
  await load({ scenario: first });
}

start().catch((e) => status(`Error: ${(e as Error).message}`));

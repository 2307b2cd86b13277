// The Parley web page: a thin shell over the HTTP API (the same library the CLI calls).
import * as echarts from 'echarts';

type Json = Record<string, any>;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const pct = (x: number, d = 1) => `${(100 * x).toFixed(d)}%`;
const status = (s: string) => ($('status').textContent = s);

/** A server started with --token prints the page's address with #token=...; the page sends it on every API call. */
const token = new URLSearchParams(location.hash.slice(1)).get('token');
const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};

async function api(path: string, body?: unknown): Promise<Json> {
  const r = await fetch(path, body === undefined ? { headers: auth } : { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const j = await r.json();
  if (!r.ok) throw new Error(j.error ?? `HTTP ${r.status}`);
  return j;
}

/** Submit a job and poll it to the end, reporting progress. */
async function job(path: string, body: unknown, label: string): Promise<Json> {
  const { job: id } = await api(path, body);
  for (;;) {
    const j = await api(`/api/jobs/${id}`);
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
};
window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));

/** What the page shows now, for export. */
const view: Json = { tariffs: [], welfare: [], deal: null, paper: null };

function drawHeat(date: string, rates: Json[]): void {
  const all = rates.filter((r) => r.sector === 'ALL');
  const codes = [...new Set(all.map((r) => r.importer))];
  view.tariffs = all.map((r) => ({ date, importer: r.importer, exporter: r.exporter, rate: r.rate }));
  $('heat-date').textContent = date;
  charts.heat.setOption(
    {
      tooltip: { formatter: (p: any) => `${codes[p.value[1]]} on ${codes[p.value[0]]}: ${p.value[2].toFixed(1)}%` },
      grid: { left: 50, right: 10, top: 10, bottom: 60 },
      xAxis: { type: 'category', data: codes, name: 'exporter', nameLocation: 'middle', nameGap: 28, axisLabel: { fontSize: 10 } },
      yAxis: { type: 'category', data: codes, name: 'importer', axisLabel: { fontSize: 10 } },
      visualMap: { min: 0, max: 150, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120, text: ['150%', '0%'] },
      series: [{ type: 'heatmap', data: all.map((r) => [codes.indexOf(r.exporter), codes.indexOf(r.importer), 100 * r.rate]), label: { show: codes.length <= 13, fontSize: 8, formatter: (p: any) => p.value[2].toFixed(0) } }],
    },
    true,
  );
}

async function showTariffs(date: string): Promise<void> {
  const t = await api(`/api/tariffs?data=episode-2025&at=${date}`);
  drawHeat(date, t.rates);
}

function drawWelfare(economies: Json[], caption: string, bands?: Record<string, [number, number]>): void {
  const rows = [...economies].sort((a, b) => a.welfare_pct - b.welfare_pct);
  view.welfare = rows.map((r) => ({ code: r.code, welfare_pct: r.welfare_pct }));
  $('welfare-caption').textContent = caption;
  // The bands drawn, as data on the chart's element (the canvas itself cannot be read back).
  $('welfare').dataset.bands = JSON.stringify(bands ?? {});
  charts.welfare.setOption(
    {
      tooltip: {},
      grid: { left: 50, right: 20, top: 10, bottom: 30 },
      xAxis: { type: 'value', name: '%' },
      yAxis: { type: 'category', data: rows.map((r) => r.code), axisLabel: { fontSize: 10 } },
      series: [
        { type: 'bar', data: rows.map((r) => +r.welfare_pct.toFixed(3)), itemStyle: { color: (p: any) => (p.value < 0 ? '#c0392b' : '#2e86c1') } },
        // 5th-95th percentile whiskers where Monte Carlo ran.
        ...(bands
          ? [
              {
                type: 'custom',
                name: '90% band',
                data: rows.map((r, k) => (bands[r.code] ? [bands[r.code][0], k, bands[r.code][1]] : [NaN, k, NaN])),
                renderItem: (_: unknown, api: any) => {
                  const lo = api.coord([api.value(0), api.value(1)]);
                  const hi = api.coord([api.value(2), api.value(1)]);
                  if (!Number.isFinite(lo[0]) || !Number.isFinite(hi[0])) return null;
                  const style = { stroke: '#1d2433', lineWidth: 2 };
                  return { type: 'group', children: [
                    { type: 'line', shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style },
                    { type: 'line', shape: { x1: lo[0], y1: lo[1] - 5, x2: lo[0], y2: lo[1] + 5 }, style },
                    { type: 'line', shape: { x1: hi[0], y1: hi[1] - 5, x2: hi[0], y2: hi[1] + 5 }, style },
                  ] };
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

function drawDeal(d: Json): void {
  view.deal = d;
  const t = d.agreement.tariffs.find((x: Json) => x.importer === 'USA' && x.exporter === 'JPN');
  $('deal').textContent = d.agreement.reached ? `Predicted deal: US tariff on Japan ${pct(t.rate)} (now ${pct(t.before)}); Japan gains ${d.gains.JPN.toFixed(4)}, the US ${d.gains.USA.toFixed(4)} (welfare points).` : `No deal: nothing beats disagreement for both (US tariff on Japan stays ${pct(t.before)}).`;
  const dis = [d.disagreement.utility.USA, d.disagreement.utility.JPN];
  charts.frontier.setOption(
    {
      tooltip: {},
      legend: { bottom: 0 },
      grid: { left: 60, right: 20, top: 10, bottom: 50 },
      xAxis: { type: 'value', name: 'US payoff', scale: true },
      yAxis: { type: 'value', name: 'Japan payoff', scale: true },
      series: [
        { name: 'frontier', type: 'line', data: d.frontier, symbolSize: 5 },
        { name: 'disagreement', type: 'scatter', data: [dis], symbolSize: 12 },
        { name: 'deal', type: 'scatter', data: d.agreement.reached ? [[d.utility.USA, d.utility.JPN]] : [], symbolSize: 14, symbol: 'diamond' },
      ],
    },
    true,
  );
  const levers = (d.levers ?? []).map((l: Json) => `${l.name}: ${l.tariff_points >= 0 ? '+' : ''}${l.tariff_points.toFixed(2)} tariff points for ${l.owner}`);
  $('lever-values').textContent = levers.length ? `Lever values: ${levers.join('; ')}.` : '';
}

let baseSpec: Json | null = null;

/** Re-compute the deal with the levers as the controls say. */
async function renegotiate(): Promise<void> {
  if (!baseSpec) return;
  const card = Number(($('card') as HTMLInputElement).value);
  const patience = Number(($('patience') as HTMLInputElement).value);
  $('card-value').textContent = card.toFixed(2);
  $('patience-value').textContent = patience.toFixed(2);
  const keep = (name: string) => (name === 'defence' ? ($('defence') as HTMLInputElement).checked : name === 'decoupling' ? ($('decoupling') as HTMLInputElement).checked : true);
  const spec = {
    ...baseSpec,
    outside_options: (baseSpec.outside_options ?? []).map((o: Json) => (o.name === 'china-card' ? { ...o, probability: card } : o)),
    issues: (baseSpec.issues ?? []).filter((i: Json) => keep(i.name)),
    patience: { ...baseSpec.patience, JPN: patience },
    levers: ($('asean') as HTMLInputElement).checked ? ['asean-bloc'] : [],
  };
  status('Re-computing the deal…');
  try {
    drawDeal(await api('/api/strategy/negotiate', spec));
    status('Deal re-computed.');
  } catch (e) {
    status(`Could not compute the deal: ${(e as Error).message}`);
  }
}

let whatIfTimer: ReturnType<typeof setTimeout> | undefined;
function whatIf(): void {
  const v = Number(($('whatif') as HTMLInputElement).value);
  $('whatif-value').textContent = `${v}%`;
  clearTimeout(whatIfTimer);
  whatIfTimer = setTimeout(async () => {
    status('Solving the what-if…');
    try {
      const r = await api('/api/counterfactual', { data: 'episode-2025', at: '2025-04-21', deficits: 'balanced', shock: [{ exporter: 'CHN', importer: 'USA', tariff: v / 100 }] });
      drawWelfare(r.economies, `US tariff on China at ${v}% instead of the 21 April rate (everything else as on 21 April).`);
      status('What-if solved.');
    } catch (e) {
      status(`What-if failed: ${(e as Error).message}`);
    }
  }, 250);
}

/** The deal under uncertainty: Monte Carlo on the trade elasticity and the China card, then welfare bands. */
async function uncertainty(): Promise<void> {
  if (!baseSpec) return;
  const spec = { ...baseSpec, frontier: 0, eps: { dist: 'lognormal', median: 4, sigma: 0.2 }, monte_carlo: { draws: 40, seed: 1 } };
  try {
    const r = await job('/api/strategy/negotiate', spec, 'Monte Carlo');
    const p = r.uncertainty.percentiles as Record<string, Json>;
    const bands: Record<string, [number, number]> = {};
    const rows = r.parties.map((c: string) => ({ code: c, welfare_pct: r.welfare[c] }));
    for (const c of r.parties) if (p[`welfare.${c}`]) bands[c] = [p[`welfare.${c}`].p5, p[`welfare.${c}`].p95];
    drawWelfare(rows, `Welfare at the predicted US-Japan deal, with 90% bands from ${r.uncertainty.draws} Monte Carlo draws (trade elasticity lognormal around 4).`, bands);
    drawDeal(r);
    status('Monte Carlo done.');
  } catch (e) {
    status(`Monte Carlo failed: ${(e as Error).message}`);
  }
}

function download(name: string, text: string, type: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

function exportCsv(): void {
  const lines = ['table,key,value'];
  for (const r of view.welfare) lines.push(`welfare_pct,${r.code},${r.welfare_pct}`);
  for (const r of view.tariffs) lines.push(`tariff ${r.date},${r.importer} on ${r.exporter},${r.rate}`);
  if (view.deal) for (const t of view.deal.agreement.tariffs) lines.push(`deal,${t.importer} on ${t.exporter},${t.rate}`);
  download('parley-view.csv', `${lines.join('\n')}\n`, 'text/csv');
}

function timeline(sources: Json[]): void {
  const ol = $('timeline');
  ol.innerHTML = '';
  for (const s of sources) {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = `${s.date} ${s.id} (${s.type})`;
    b.title = s.source ?? `assumption: ${s.assumption}`;
    b.setAttribute('aria-pressed', 'false');
    b.addEventListener('click', () => {
      ol.querySelectorAll('button').forEach((x) => x.setAttribute('aria-pressed', 'false'));
      b.setAttribute('aria-pressed', 'true');
      void showTariffs(s.date);
    });
    li.appendChild(b);
    ol.appendChild(li);
  }
}

function branchTable(result: Json): void {
  const tbody = $('branches').querySelector('tbody')!;
  tbody.innerHTML = '';
  for (const b of result.branches) {
    const deal = b.questions.find((q: Json) => q.type === 'negotiate')?.result;
    const eff = b.questions.find((q: Json) => q.type === 'counterfactual')?.result;
    const t = deal?.agreement.tariffs.find((x: Json) => x.importer === 'USA' && x.exporter === 'JPN');
    const w = (c: string) => eff?.economies.find((e: Json) => e.code === c)?.welfare_pct?.toFixed(3) ?? '';
    const tr = document.createElement('tr');
    for (const cell of [`${b.name}: ${b.title}`, deal ? (deal.agreement.reached ? pct(t.rate) : `no deal (${pct(t.before)})`) : '', w('JPN'), w('CHN')]) {
      const td = document.createElement('td');
      td.textContent = cell;
      tr.appendChild(td);
    }
    tbody.appendChild(tr);
  }
}

async function paper(): Promise<void> {
  status('Running the Liberation Day paper\'s scenarios…');
  const r = await api('/api/replications/liberation-day');
  view.paper = r.scenarios;
  const tbody = $('paper').querySelector('tbody')!;
  tbody.innerHTML = '';
  for (const [id, s] of Object.entries(r.scenarios as Record<string, Json>)) {
    // The paper's printed figure, from the API's `published` list, in brackets beside Parley's.
    const cite = (economy: string | null, field: string, v: number, d: number) => {
      const fig = (r.published as Json[]).find((f) => f.scenario === id && f.economy === economy && f.field === field);
      return `${v.toFixed(d)}${fig ? ` [${fig.paper.toFixed(d)}]` : ''}`;
    };
    const tr = document.createElement('tr');
    const cells = [s.title, cite('USA', 'welfare_pct', s.economies.USA.welfare_pct, 2), cite('CHN', 'welfare_pct', s.economies.CHN.welfare_pct, 2), s.economies.EU27.welfare_pct.toFixed(2), cite(null, 'non_us_welfare_pct', s.non_us_welfare_pct, 2), cite('USA', 'prices_pct', s.economies.USA.prices_pct, 1)];
    for (const c of cells) {
      const td = document.createElement('td');
      td.textContent = c;
      tr.appendChild(td);
    }
    tbody.appendChild(tr);
  }
  status('Paper replicated.');
}

async function start(): Promise<void> {
  $('whatif').addEventListener('input', whatIf);
  for (const id of ['card', 'patience']) $(id).addEventListener('change', () => void renegotiate());
  for (const id of ['defence', 'decoupling', 'asean']) $(id).addEventListener('change', () => void renegotiate());
  $('export-csv').addEventListener('click', exportCsv);
  $('uncertainty').addEventListener('click', () => void uncertainty());
  $('paper-run').addEventListener('click', () => void paper().catch((e) => status(`Error: ${(e as Error).message}`)));
  $('export-json').addEventListener('click', () => download('parley-view.json', `${JSON.stringify(view, null, 2)}\n`, 'application/json'));
  await showTariffs('2025-04-21');
  // The main line first (a few seconds), then every branch for the comparison.
  const main = await job('/api/scenarios/run', { scenario: 'april-2025', branch: 'main', draws: 0 }, 'Running the scenario');
  const branch = main.branches[0];
  timeline(main.sources);
  const eff = branch.questions.find((q: Json) => q.id === 'effects-apr21').result;
  drawWelfare(eff.economies, 'The tariffs of 21 April against the end of 2024 (deficits purged first).');
  const talks = branch.questions.find((q: Json) => q.type === 'negotiate').result;
  baseSpec = talks.spec;
  const card = baseSpec?.outside_options?.find((o: Json) => o.name === 'china-card');
  if (card) ($('card') as HTMLInputElement).value = String(card.probability);
  $('card-value').textContent = Number(card?.probability ?? 0).toFixed(2);
  drawDeal(talks);
  status('Ready. The branches are being computed…');
  const all = await job('/api/scenarios/run', { scenario: 'april-2025', draws: 0 }, 'Computing the branches');
  branchTable(all);
  status('Ready.');
}

start().catch((e) => status(`Error: ${(e as Error).message}`));

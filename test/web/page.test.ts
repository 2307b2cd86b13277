/**
 * The web page in Debian's Chromium (playwright-core), every check at a
 * desktop's and at a phone's size: it loads the April 2025 scenario and draws
 * the charts, a lever changes the predicted deal, the what-if slider changes
 * the welfare chart, errors stay next to their control, a late answer never
 * overwrites a newer one, a long job shows progress and can be cancelled, the
 * editor checks, runs and saves, saved runs reopen from the picker, page views
 * are not saved, exports download. After each step the page must be no wider than
 * the screen and no chart's axis labels may overlap; a screenshot of each step
 * is kept in test-artifacts/<size>/.
 */
import { test, after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp, WEB_DIR } from '../../src/server/app.js';
import { RunStore } from '../../src/server/store.js';
import { ROOT } from '../helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `no browser at ${CHROMIUM} (apt-get install -y chromium; .ci/run does)`;
if (skip) console.log(`# SKIPPED browser tests: ${skip}`);

let server: ServerType;
let browser: Browser;
let base = '';
const store = new RunStore(':memory:');
const { app, jobs } = createApp({ store });

before(async () => {
  if (skip) return;
  if (!existsSync(join(WEB_DIR, 'index.html'))) {
    const { build } = await import('vite');
    await build({ configFile: join(ROOT, 'vite.config.ts'), root: join(ROOT, 'web'), logLevel: 'warn' });
  }
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
});

after(async () => {
  await browser?.close();
  server?.close();
  await jobs.close();
  store.close();
});

/** The two sizes every check runs at (a phone: iPhone 12-14's CSS viewport). */
const SIZES = [
  { name: 'desktop', viewport: { width: 1280, height: 800 }, isMobile: false },
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true },
];

/** Every category axis of every chart: does each label fit in its slot? Returns the ones that do not. */
function overlappingLabels(): string[] {
  type Chart = { getOption(): Record<string, { type?: string; data?: (string | { value: string })[]; axisLabel?: { fontSize?: number; rotate?: number } }[]>; convertToPixel(finder: object, value: string): number };
  const charts = (window as unknown as { parleyCharts: Record<string, Chart> }).parleyCharts;
  const ctx = document.createElement('canvas').getContext('2d')!;
  const bad: string[] = [];
  for (const [name, chart] of Object.entries(charts)) {
    const option = chart.getOption();
    for (const dim of ['xAxis', 'yAxis'] as const) {
      for (const [index, axis] of (option[dim] ?? []).entries()) {
        const labels = (axis.data ?? []).map((d) => (typeof d === 'string' ? d : d.value));
        if (axis.type !== 'category' || labels.length < 2) continue;
        const size = axis.axisLabel?.fontSize ?? 12;
        ctx.font = `${size}px sans-serif`;
        const gap = Math.abs(chart.convertToPixel({ [`${dim}Index`]: index }, labels[1]) - chart.convertToPixel({ [`${dim}Index`]: index }, labels[0]));
        const angle = ((axis.axisLabel?.rotate ?? 0) * Math.PI) / 180;
        const widest = Math.max(...labels.map((l) => ctx.measureText(l).width));
        // Labels side by side need their width; stacked or rotated labels need a line's height across the slot.
        const need = dim === 'xAxis' && angle === 0 ? widest : size * 1.1;
        const room = dim === 'xAxis' && angle !== 0 ? gap * Math.sin(angle) : gap;
        if (room < need) bad.push(`${name} ${dim}: ${labels.length} labels, ${room.toFixed(1)}px each, need ${need.toFixed(1)}px`);
      }
    }
  }
  return bad;
}

for (const size of SIZES) {
  describe(`at ${size.name} size (${size.viewport.width} x ${size.viewport.height})`, () => {
    let page: Page;
    const artefacts = join(ROOT, 'test-artifacts', size.name);

    before(async () => {
      if (skip) return;
      page = await browser.newPage({ viewport: size.viewport, isMobile: size.isMobile, hasTouch: size.isMobile, acceptDownloads: true });
      // No network beyond our own server.
      await page.route('**/*', (route) => (route.request().url().startsWith(base) ? route.continue() : route.abort()));
      mkdirSync(artefacts, { recursive: true });
    });

    after(async () => {
      await page?.close();
    });

    /** After each step: a screenshot kept as an artefact; nothing wider than the screen; no chart labels on top of each other. */
    async function step(name: string): Promise<void> {
      await page.waitForTimeout(200);
      await page.screenshot({ path: join(artefacts, `${name}.png`), fullPage: true });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `${name}: the page is ${overflow}px wider than the screen`);
      assert.deepEqual(await page.evaluate(overlappingLabels), [], `${name}: chart labels overlap`);
    }

    test('the page loads the scenario and draws the timeline, heat map, welfare chart and frontier', { skip, timeout: 120000 }, async () => {
      const savedBefore = store.list().length;
      await page.goto(base);
      await page.waitForFunction(() => document.getElementById('status')!.textContent!.startsWith('Ready'), null, { timeout: 90000 });
      for (const id of ['heatmap', 'welfare', 'frontier']) assert.ok(await page.locator(`#${id} canvas`).count(), `${id} has a chart`);
      await page.waitForFunction(() => document.getElementById('status')!.textContent === 'Ready.', null, { timeout: 90000 });
      assert.ok(await page.locator('#branch-chart canvas').count(), 'the branches are compared in a chart too');
      assert.ok((await page.locator('#timeline button').count()) > 30, 'timeline of events');
      assert.match((await page.locator('#deal').textContent())!, /Predicted deal: USA's tariff on JPN|No deal/);
      assert.equal(store.list().length, savedBefore, 'a page view is not a saved run');
      assert.match((await page.locator('link[rel="icon"]').getAttribute('href'))!, /^data:image\/svg\+xml,/, 'a favicon, inline');
      // The controls come from the negotiation's spec: its outside options, issues, coalitions and patience.
      for (const id of ['issue-defence', 'issue-decoupling', 'coalition-asean-bloc', 'patience-JPN']) assert.equal(await page.locator(`#${id}`).count(), 1, `control ${id}`);
      // A slider shows the value it sends (the range snaps to its step).
      const shown = await page.locator('#option-china-card-value').textContent();
      assert.equal(shown, Number(await page.locator('#option-china-card').inputValue()).toFixed(2));
      await step('first-screen');
      // A click on an event shows the tariffs of its date.
      await page.locator('#timeline button', { hasText: '2025-04-09 pause' }).click();
      await page.waitForFunction(() => document.getElementById('heat-date')!.textContent === '2025-04-09');
    });

    test('a lever changes the predicted deal', { skip, timeout: 60000 }, async () => {
      const before = await page.locator('#deal').textContent();
      await page.locator('#issue-decoupling').uncheck();
      await page.waitForFunction((b) => document.getElementById('deal')!.textContent !== b && document.getElementById('status')!.textContent === 'Deal re-computed.', before, { timeout: 45000 });
      assert.notEqual(await page.locator('#deal').textContent(), before);
      await step('lever');
    });

    test('the what-if slider changes the welfare chart', { skip, timeout: 60000 }, async () => {
      const slider = page.locator('#whatif');
      await slider.focus();
      await slider.fill('0');
      await page.waitForFunction(() => document.getElementById('welfare-caption')!.textContent!.includes('at 0%'), null, { timeout: 45000 });
      assert.equal(await page.locator('#whatif-value').textContent(), '0%');
      await step('what-if');
    });

    test('the scenario editor checks YAML as you type, with the line and field of a mistake', { skip, timeout: 60000 }, async () => {
      const editor = page.locator('#yaml');
      const text = await editor.inputValue();
      assert.match(text, /^scenario: april-2025-1s$/m);
      await editor.fill(text.replace('baseline: 2024-12-31', 'baseline: 2024-13-31'));
      await page.waitForFunction(() => document.getElementById('yaml-check')!.classList.contains('invalid'), null, { timeout: 30000 });
      assert.match((await page.locator('#yaml-check').textContent())!, /line \d+: field "baseline"/);
      await editor.fill(text);
      await page.waitForFunction(() => document.getElementById('yaml-check')!.textContent!.startsWith('Valid: april-2025'), null, { timeout: 30000 });
      await step('editor');
    });

    test('export downloads the view as CSV', { skip, timeout: 30000 }, async () => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-csv').click()]);
      assert.equal(download.suggestedFilename(), 'parley-view.csv');
      const text = readFileSync((await download.path())!, 'utf8');
      assert.match(text, /^table,key,value\n/);
      assert.match(text, /welfare_pct,USA,/);
      await step('export-csv');
    });

    test('export downloads the view as an XLSX workbook, one sheet per table with units in the headers', { skip, timeout: 30000 }, async () => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-xlsx').click()]);
      assert.equal(download.suggestedFilename(), 'parley-view.xlsx');
      const { default: ExcelJS } = await import('exceljs');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile((await download.path())!);
      assert.deepEqual(wb.worksheets.map((w) => w.name).slice(0, 2), ['welfare', 'tariffs']);
      assert.ok((wb.getWorksheet('welfare')!.getRow(1).values as unknown[]).includes('welfare_pct (%)'));
      assert.ok(wb.getWorksheet('welfare')!.rowCount > 5);
      await step('export-xlsx');
    });

    test('a failed deal is reported next to the levers and stays there until the next answer', { skip, timeout: 60000 }, async () => {
      await page.route('**/api/strategy/negotiate', (route) => route.fulfill({ status: 422, contentType: 'application/json', body: JSON.stringify({ error: 'the bargaining search did not converge (test)' }) }));
      await page.locator('#issue-defence').uncheck();
      await page.waitForFunction(() => document.getElementById('levers-error')!.textContent!.includes('did not converge (test)'), null, { timeout: 30000 });
      await page.waitForTimeout(1500);
      assert.match((await page.locator('#levers-error').textContent())!, /Could not compute the deal: the bargaining search did not converge \(test\)/, 'still shown');
      await step('lever-error');
      await page.unroute('**/api/strategy/negotiate');
      await page.locator('#issue-defence').check();
      await page.waitForFunction(() => document.getElementById('status')!.textContent === 'Deal re-computed.', null, { timeout: 45000 });
      assert.equal(await page.locator('#levers-error').textContent(), '');
    });

    test('a what-if answer that arrives after a newer one is not drawn', { skip, timeout: 60000 }, async () => {
      // The first request is held back until the second has been answered.
      let held = 0;
      await page.route('**/api/counterfactual', async (route) => {
        if (held++ === 0) await new Promise((r) => setTimeout(r, 2500));
        await route.continue();
      });
      const slider = page.locator('#whatif');
      await slider.fill('10');
      await page.waitForTimeout(600);
      await slider.fill('60');
      await page.waitForFunction(() => document.getElementById('welfare-caption')!.textContent!.includes('at 60%'), null, { timeout: 30000 });
      await page.waitForTimeout(3000);
      assert.equal(held, 2, 'two requests were made');
      assert.match((await page.locator('#welfare-caption').textContent())!, /at 60%/, 'the late answer for 10% was dropped');
      assert.equal(await page.locator('#whatif-value').textContent(), '60%');
      await page.unroute('**/api/counterfactual');
      await step('what-if-superseded');
    });

    test('a long Monte Carlo shows its progress and can be cancelled', { skip, timeout: 90000 }, async () => {
      // Made long (2,000 draws) and unique to this page, so it cannot join an earlier job.
      await page.route('**/api/strategy/negotiate', (route) => {
        const body = JSON.parse(route.request().postData() ?? '{}');
        if (!body.monte_carlo) return route.continue();
        return route.continue({ postData: JSON.stringify({ ...body, monte_carlo: { draws: 2000, seed: size.viewport.width } }) });
      });
      await page.locator('#uncertainty').click();
      await page.waitForFunction(() => /^Monte Carlo: \d+\/2000$/.test(document.getElementById('status')!.textContent!), null, { timeout: 60000 });
      assert.ok(await page.locator('#uncertainty-cancel').isVisible());
      const [cancelled] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'DELETE' && r.url().includes('/api/jobs/')), page.locator('#uncertainty-cancel').click()]);
      assert.equal(cancelled.status(), 200);
      await page.waitForFunction(() => document.getElementById('status')!.textContent!.startsWith('Monte Carlo stopped'), null, { timeout: 30000 });
      assert.ok(!(await page.locator('#uncertainty-cancel').isVisible()), 'the cancel button goes away');
      await page.unroute('**/api/strategy/negotiate');
      await step('monte-carlo-cancelled');
    });

    test('Monte Carlo draws put uncertainty bands on the welfare chart', { skip, timeout: 120000 }, async () => {
      // The Monte Carlo runs at the levers as set now (decoupling was taken off above): its central deal is the one shown.
      const deal = await page.locator('#deal').textContent();
      await page.locator('#uncertainty').click();
      await page.waitForFunction(() => document.getElementById('status')!.textContent === 'Monte Carlo done.', null, { timeout: 110000 });
      assert.equal(await page.locator('#deal').textContent(), deal);
      assert.match((await page.locator('#welfare-caption').textContent())!, /90% bands from 40 Monte Carlo draws/);
      // The whiskers the chart drew: one 5th-95th band per party, around a spread of draws.
      const bands = JSON.parse((await page.locator('#welfare').getAttribute('data-bands'))!) as Record<string, [number, number]>;
      assert.deepEqual(Object.keys(bands).sort(), ['JPN', 'USA']);
      for (const [code, [lo, hi]] of Object.entries(bands)) assert.ok(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi, `${code} band ${lo} to ${hi}`);
      await step('monte-carlo');
    });

    test("a sweep draws a party's payoff over the trade elasticity and a lever as a heat map", { skip, timeout: 150000 }, async () => {
      const levers = await page.locator('#sweep-axis option').count();
      assert.ok(levers >= 3, `levers to sweep: ${levers}`);
      await page.locator('#sweep-party').selectOption('JPN');
      await page.locator('#sweep-run').click();
      await page.waitForFunction(() => /^Sweep done: 42 points/.test(document.getElementById('status')!.textContent!), null, { timeout: 140000 });
      const cells = await page.evaluate(() => {
        const option = (window as unknown as { parleyCharts: { sweep: { getOption: () => { series: { data: unknown[] }[] } } } }).parleyCharts.sweep.getOption();
        return option.series[0].data.length;
      });
      assert.equal(cells, 42, 'one cell per point: 7 elasticities x 6 lever values');
      assert.equal(await page.locator('#sweep-error').textContent(), '');
      await step('sweep');
    });

    test("the Liberation Day paper's scenarios fill a table with the published figures beside Parley's", { skip, timeout: 60000 }, async () => {
      await page.locator('#paper-run').click();
      await page.waitForFunction(() => document.getElementById('status')!.textContent === 'Paper replicated.', null, { timeout: 50000 });
      assert.equal(await page.locator('#paper tbody tr').count(), 8);
      assert.match((await page.locator('#paper tbody tr').first().textContent())!, /1\.13 \[1\.13\]/);
      await step('paper');
    });

    test('a run saved from the editor reopens from the picker as it was computed', { skip, timeout: 120000 }, async () => {
      const editor = page.locator('#yaml');
      await editor.fill((await editor.inputValue()).replace(/^title: .*$/m, 'title: "April 2025, as edited in the page"'));
      await page.waitForFunction(() => document.getElementById('yaml-check')!.textContent!.startsWith('Valid: april-2025'), null, { timeout: 30000 });
      await page.locator('#yaml-run').click();
      await page.waitForFunction(() => document.title.includes('as edited') && document.getElementById('status')!.textContent === 'Ready.', null, { timeout: 110000 });
      const saved = page.locator('#scenario optgroup[label="Saved runs"] option');
      await page.waitForFunction(() => document.querySelectorAll('#scenario optgroup[label="Saved runs"] option').length > 0);
      assert.match((await saved.first().textContent())!, /^april-2025-1s, saved \d{4}-\d\d-\d\d \d\d:\d\d$/);
      // Back to the built-in scenario, then the saved run: shown as saved, with nothing run again.
      await page.locator('#scenario').selectOption('april-2025-1s');
      await page.waitForFunction(() => !document.title.includes('as edited') && document.getElementById('status')!.textContent === 'Ready.', null, { timeout: 60000 });
      const posts: string[] = [];
      const count = (r: { method(): string; url(): string }) => void (r.method() === 'POST' && posts.push(r.url()));
      page.on('request', count);
      await page.locator('#scenario').selectOption((await saved.first().getAttribute('value'))!);
      await page.waitForFunction(() => document.getElementById('status')!.textContent!.startsWith('Showing the run saved'), null, { timeout: 30000 });
      assert.match(await page.title(), /as edited in the page/);
      page.off('request', count);
      // The what-if panel may ask for counterfactuals; nothing else is computed.
      assert.deepEqual(posts.filter((u) => !u.includes('/api/counterfactual')), [], 'opening a saved run computes nothing again');
      assert.match((await page.locator('#yaml').inputValue()), /as edited in the page/, 'the editor holds the saved text');
      await step('saved-run');
    });

    test('the second built-in scenario renders from the picker with its own focus, parties and controls', { skip, timeout: 150000 }, async () => {
      await page.locator('#scenario').selectOption('us-china-eu-2025');
      await page.waitForFunction(() => document.getElementById('status')!.textContent === 'Ready.' && document.title.includes('the EU'), null, { timeout: 140000 });
      assert.match((await page.locator('#deal').textContent())!, /USA's tariff on EU|No deal/);
      assert.match((await page.locator('#h-talks').textContent())!, /EU/);
      const head = await page.locator('#branches thead').textContent();
      assert.match(head!, /EU welfare %/);
      assert.doesNotMatch(head!, /JPN/);
      assert.equal(await page.locator('#whatif-importer').textContent(), 'USA');
      await step('second-scenario');
    });
  });
}

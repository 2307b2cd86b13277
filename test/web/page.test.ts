/**
 * The web page in Debian's Chromium (playwright-core): it loads the April 2025
 * scenario and draws the charts, a lever changes the predicted deal, the
 * what-if slider changes the welfare chart, export downloads a CSV; readable
 * at a phone's width. Saves a screenshot of the first screen.
 */
import { test, after, before } from 'node:test';
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
let page: Page;
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
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  // No network beyond our own server.
  await page.route('**/*', (route) => (route.request().url().startsWith(base) ? route.continue() : route.abort()));
});

after(async () => {
  await browser?.close();
  server?.close();
  await jobs.close();
  store.close();
});

test('the page loads the scenario and draws the timeline, heat map, welfare chart and frontier', { skip, timeout: 120000 }, async () => {
  await page.goto(base);
  await page.waitForFunction(() => document.getElementById('status')!.textContent!.startsWith('Ready'), null, { timeout: 90000 });
  for (const id of ['heatmap', 'welfare', 'frontier']) assert.ok(await page.locator(`#${id} canvas`).count(), `${id} has a chart`);
  await page.waitForFunction(() => document.getElementById('status')!.textContent === 'Ready.', null, { timeout: 90000 });
  assert.ok(await page.locator('#branch-chart canvas').count(), 'the branches are compared in a chart too');
  assert.ok((await page.locator('#timeline button').count()) > 30, 'timeline of events');
  assert.match((await page.locator('#deal').textContent())!, /Predicted deal: USA's tariff on JPN|No deal/);
  // The controls come from the negotiation's spec: its outside options, issues, coalitions and patience.
  for (const id of ['issue-defence', 'issue-decoupling', 'coalition-asean-bloc', 'patience-JPN']) assert.equal(await page.locator(`#${id}`).count(), 1, `control ${id}`);
  // A slider shows the value it sends (the range snaps to its step).
  const shown = await page.locator('#option-china-card-value').textContent();
  assert.equal(shown, Number(await page.locator('#option-china-card').inputValue()).toFixed(2));
  mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
  await page.screenshot({ path: join(ROOT, 'test-artifacts', 'first-screen.png') });
  // A click on an event shows the tariffs of its date.
  await page.locator('#timeline button', { hasText: '2025-04-09 pause' }).click();
  await page.waitForFunction(() => document.getElementById('heat-date')!.textContent === '2025-04-09');
});

test('a lever changes the predicted deal', { skip, timeout: 60000 }, async () => {
  const before = await page.locator('#deal').textContent();
  await page.locator('#issue-decoupling').uncheck();
  await page.waitForFunction((b) => document.getElementById('deal')!.textContent !== b && document.getElementById('status')!.textContent === 'Deal re-computed.', before, { timeout: 45000 });
  assert.notEqual(await page.locator('#deal').textContent(), before);
});

test('the what-if slider changes the welfare chart', { skip, timeout: 60000 }, async () => {
  const slider = page.locator('#whatif');
  await slider.focus();
  await slider.fill('0');
  await page.waitForFunction(() => document.getElementById('welfare-caption')!.textContent!.includes('at 0%'), null, { timeout: 45000 });
  assert.equal(await page.locator('#whatif-value').textContent(), '0%');
});

test('the scenario editor checks YAML as you type, with the line and field of a mistake', { skip, timeout: 60000 }, async () => {
  const editor = page.locator('#yaml');
  const text = await editor.inputValue();
  assert.match(text, /^scenario: april-2025$/m);
  await editor.fill(text.replace('baseline: 2024-12-31', 'baseline: 2024-13-31'));
  await page.waitForFunction(() => document.getElementById('yaml-check')!.classList.contains('invalid'), null, { timeout: 30000 });
  assert.match((await page.locator('#yaml-check').textContent())!, /line \d+: field "baseline"/);
  await editor.fill(text);
  await page.waitForFunction(() => document.getElementById('yaml-check')!.textContent!.startsWith('Valid: april-2025'), null, { timeout: 30000 });
});

test('export downloads the view as CSV', { skip, timeout: 30000 }, async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-csv').click()]);
  assert.equal(download.suggestedFilename(), 'parley-view.csv');
  const text = readFileSync((await download.path())!, 'utf8');
  assert.match(text, /^table,key,value\n/);
  assert.match(text, /welfare_pct,USA,/);
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
});

test('readable at a phone\'s width: nothing wider than the screen', { skip, timeout: 30000 }, async () => {
  await page.setViewportSize({ width: 390, height: 800 });
  await page.waitForTimeout(300);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the screen`);
});

test('Monte Carlo draws put uncertainty bands on the welfare chart', { skip, timeout: 120000 }, async () => {
  await page.setViewportSize({ width: 1280, height: 800 });
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
});

test("the Liberation Day paper's scenarios fill a table with the published figures beside Parley's", { skip, timeout: 60000 }, async () => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.locator('#paper-run').click();
  await page.waitForFunction(() => document.getElementById('status')!.textContent === 'Paper replicated.', null, { timeout: 50000 });
  assert.equal(await page.locator('#paper tbody tr').count(), 8);
  assert.match((await page.locator('#paper tbody tr').first().textContent())!, /1\.13 \[1\.13\]/);
});

test('the second built-in scenario renders from the picker with its own focus, parties and controls', { skip, timeout: 150000 }, async () => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.locator('#scenario').selectOption('us-china-eu-2025');
  await page.waitForFunction(() => document.getElementById('status')!.textContent === 'Ready.' && document.title.includes('the EU'), null, { timeout: 140000 });
  assert.match((await page.locator('#deal').textContent())!, /USA's tariff on EU|No deal/);
  assert.match((await page.locator('#h-talks').textContent())!, /EU/);
  const head = await page.locator('#branches thead').textContent();
  assert.match(head!, /EU welfare %/);
  assert.doesNotMatch(head!, /JPN/);
  assert.equal(await page.locator('#whatif-importer').textContent(), 'USA');
});

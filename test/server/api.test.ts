/**
 * The HTTP API through hono's request interface and over a real socket:
 * every endpoint, every limit (4xx naming the field), job progress and
 * cancellation, saved runs surviving a restart and a kill -9.
 */
import { openScheduledDataset } from '../../src/schedule/open.js';
import { tariffsAt } from '../../src/schedule/schedule.js';
import { solveOrThrow } from '../../src/model/equilibrium.js';
import { economyResults } from '../../src/model/results.js';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/server/app.js';
import { RunStore } from '../../src/server/store.js';
import { ROOT } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'parley-api-'));
const store = new RunStore(join(dir, 'runs.sqlite'));
const { app, jobs } = createApp({ store, limits: { bodyBytes: 20000, draws: 50, shockRows: 5, cells: 10000 } });
after(async () => {
  await jobs.close();
  store.close();
});

async function call(method: string, path: string, body?: unknown) {
  const r = await app.request(path, { method, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

async function finished(id: string, via = call) {
  for (;;) {
    const j = await via('GET', `/api/jobs/${id}`);
    if (!['queued', 'running'].includes(j.body.status)) return j.body;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const TINY = `scenario: tiny
title: One question
data: episode-2025-1s
baseline: 2024-12-31
seed: 1
focus: { economies: [USA], reference: USA }
actors: { USA: { why: test } }
events:
  - { id: e1, date: 2025-04-02, type: tariff, importer: USA, exporters: [JPN], authority: reciprocal, rate: 0.24, assumption: test }
questions:
  - { id: t, type: tariffs, at: 2025-04-21, pairs: [[USA, JPN]] }
`;

test('health, OpenAPI, data sets and tariffs', async () => {
  assert.deepEqual((await call('GET', '/health')).body, { status: 'ok' });
  const doc = (await call('GET', '/openapi.json')).body;
  assert.equal(doc.openapi, '3.1.0');
  for (const p of ['/api/datasets', '/api/tariffs', '/api/counterfactual', '/api/strategy/negotiate', '/api/scenarios/run', '/api/jobs/{id}', '/api/runs/{id}']) assert.ok(p in doc.paths, p);
  const list = (await call('GET', '/api/datasets')).body;
  assert.ok(list.some((d: { name: string; economies: number }) => d.name === 'episode-2025-1s' && d.economies === 13));
  const ep = (await call('GET', '/api/datasets/episode-2025-1s')).body;
  assert.equal(ep.data_hash.length, 64);
  const t = (await call('GET', '/api/tariffs?data=episode-2025-1s&at=2025-04-21')).body;
  const chnUs = t.rates.find((r: { importer: string; exporter: string; sector: string }) => r.importer === 'CHN' && r.exporter === 'USA' && r.sector === 'ALL');
  assert.ok(Math.abs(chnUs.rate - 1.462) < 1e-12);
});

test('counterfactual, best response and negotiation answer at once; a war is a job with progress', async () => {
  const cf = await call('POST', '/api/counterfactual', { data: 'gegravity-sample', shock: [{ exporter: 'CAN', importer: 'JPN', cost_factor: 0.9 }, { exporter: 'JPN', importer: 'CAN', cost_factor: 0.9 }], deficits: 'proportional' });
  assert.equal(cf.status, 200);
  assert.equal(cf.body.converged, true);
  const br = await call('POST', '/api/strategy/best-response', { data: 'gegravity-sample', player: 'USA', instrument: 'uniform' });
  assert.equal(br.status, 200);
  assert.ok(br.body.tariffs[0].rate > 0.1);
  const neg = await call('POST', '/api/strategy/negotiate', { parties: ['USA', 'JPN'], at: '2025-04-21', frontier: 0 });
  assert.equal(neg.status, 200);
  assert.ok('agreement' in neg.body);
  const war = await call('POST', '/api/strategy/war', { data: 'gegravity-sample', players: ['USA', 'CHN'], instrument: 'partner', among_players: true });
  assert.equal(war.status, 202);
  const done = await finished(war.body.job);
  assert.equal(done.status, 'done');
  assert.equal(done.result.converged, true);
});

test('counterfactual on the input-output world: sector results for the economies asked, a named elasticity set', async () => {
  // The default limits admit icio-2022's 183,708 flow cells (this file's app is built tighter).
  const roomy = createApp({ store });
  const call = async (method: string, path: string, body: unknown) => {
    const r = await roomy.app.request(path, { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    return { status: r.status, body: await r.json() };
  };
  after(() => roomy.jobs.close());
  const shock = [{ exporter: 'JPN', importer: 'USA', sector: 'C29', tariff: 0.25 }];
  const cf = await call('POST', '/api/counterfactual', { data: 'icio-2022', shock, elasticities: 'CP', sectors_of: ['USA', 'JPN'] });
  assert.equal(cf.status, 200);
  assert.equal(cf.body.io.sectors.length, 2 * 28);
  assert.equal(cf.body.io.economies.length, 81);
  const bad = await call('POST', '/api/counterfactual', { data: 'icio-2022', shock, elasticities: 'XX' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.field, 'elasticities');
  const who = await call('POST', '/api/counterfactual', { data: 'icio-2022', shock, sectors_of: ['ATL'] });
  assert.equal(who.status, 400);
  assert.equal(who.body.field, 'sectors_of');
});

test('a counterfactual from a date starts from the world on that date (the baseline solved forward), not the data relabelled', async () => {
  // Putting the US tariff on China back to its pre-2025 20.8% from 21 April: measured from the 21 April equilibrium,
  // it equals the ratio of the two states measured from the baseline (test/run/dated.test.ts), not China +4.3%.
  const r = await call('POST', '/api/counterfactual', { data: 'episode-2025-1s', at: '2025-04-21', deficits: 'balanced', shock: [{ exporter: 'CHN', importer: 'USA', tariff: 0.208 }] });
  assert.equal(r.status, 200);
  const { world, schedule } = openScheduledDataset('episode-2025-1s');
  const tA = tariffsAt(world, schedule, '2025-04-21').t;
  const tB = Float64Array.from(tA);
  tB[(world.codes.indexOf('CHN') * world.N + world.codes.indexOf('USA')) * world.S] = 0.208;
  const ones = new Float64Array(tA.length).fill(1);
  const wA = economyResults(solveOrThrow(world, { tariffs: tA, costFactors: ones }, { deficits: 'balanced' }));
  const wB = economyResults(solveOrThrow(world, { tariffs: tB, costFactors: ones }, { deficits: 'balanced' }));
  for (const code of ['CHN', 'USA']) {
    const j = world.codes.indexOf(code);
    const composed = 100 * ((1 + wB[j].welfare_pct / 100) / (1 + wA[j].welfare_pct / 100) - 1);
    const got = r.body.economies.find((e: { code: string }) => e.code === code).welfare_pct;
    assert.ok(Math.abs(got - composed) < 1e-8, `${code}: ${got} vs ${composed}`);
  }
});

test('a Monte Carlo job reports progress and can be cancelled', async () => {
  const r = await call('POST', '/api/strategy/negotiate', { parties: ['USA', 'JPN'], at: '2025-04-21', frontier: 0, eps: { dist: 'uniform', min: 3, max: 5 }, monte_carlo: { draws: 50, seed: 1 } });
  assert.equal(r.status, 202);
  let seen = false;
  for (let k = 0; k < 200 && !seen; k++) {
    await new Promise((res) => setTimeout(res, 100));
    const j = (await call('GET', `/api/jobs/${r.body.job}`)).body;
    seen = j.progress !== null && j.progress.done > 0;
  }
  assert.ok(seen, 'progress appeared');
  const c = await call('DELETE', `/api/jobs/${r.body.job}`);
  assert.equal(c.body.status, 'cancelled');
  assert.equal((await call('GET', `/api/jobs/${r.body.job}`)).body.status, 'cancelled');
});

test('a sweep is a job whose points are the CLI sweep\'s; too many points or a bad value is a 4xx before it queues', async () => {
  const body = { kind: 'negotiate', spec: { parties: ['USA', 'JPN'], at: '2025-04-21', frontier: 0, data: 'episode-2025-1s' }, vary: [{ path: 'eps', from: 3, to: 5, count: 2 }, { path: 'objectives.USA.revenue', values: [0, 0.3] }] };
  const r = await call('POST', '/api/sweep', body);
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const done = await finished(r.body.job);
  assert.equal(done.status, 'done', done.error);
  const { runSweep } = await import('../../src/run/sweep.js');
  const direct = await runSweep('negotiate', body.spec, 'episode-2025-1s', { axes: body.vary, design: 'grid', seed: 1 }, { workers: 1 });
  assert.deepEqual(done.result, JSON.parse(JSON.stringify(direct)));
  assert.equal(done.result.points.length, 4);
  const many = await call('POST', '/api/sweep', { ...body, vary: [{ path: 'eps', from: 3, to: 5, count: 51 }] });
  assert.equal(many.status, 413);
  assert.equal(many.body.field, 'vary');
  const bad = await call('POST', '/api/sweep', { ...body, vary: [{ path: 'frontier', values: ['many'] }] });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /sweep point 0 \(frontier=many\): field "frontier"/);
});

test('every limit and bad input is a 4xx JSON error naming the field, and the server keeps serving', async () => {
  const cases: [string, string, unknown, number, string | undefined][] = [
    ['POST', '/api/counterfactual', '{not json', 400, undefined],
    ['POST', '/api/counterfactual', { data: 'episode-2025-1s', shock: 'x' }, 400, 'shock'],
    ['POST', '/api/counterfactual', { data: '../../etc/passwd', shock: [] }, 400, 'data'],
    ['POST', '/api/counterfactual', { data: 'episode-2025-1s', shock: Array.from({ length: 6 }, () => ({ exporter: 'JPN', importer: 'USA', tariff: 0.1 })) }, 413, 'shock'],
    ['POST', '/api/counterfactual', { data: 'episode-2025-1s', shock: [{ exporter: 'XYZ', importer: 'USA', tariff: 0.1 }] }, 400, 'shock.0.exporter'],
    ['POST', '/api/strategy/negotiate', { parties: ['USA'] }, 400, 'parties'],
    ['POST', '/api/strategy/negotiate', { parties: ['USA', 'JPN'], data: '/etc/passwd' }, 400, 'data'],
    ['POST', '/api/strategy/negotiate', { parties: ['USA', 'JPN'], eps: { dist: 'normal', mean: 4, sd: 1 }, monte_carlo: { draws: 51 } }, 413, 'monte_carlo.draws'],
    ['POST', '/api/strategy/best-response', { player: 7 }, 400, 'player'],
    ['POST', '/api/strategy/war', { data: 'baci-2023', instrument: 'uniform' }, 413, 'data'],
    ['POST', '/api/scenarios/run', { scenario: '../x' }, 400, 'scenario'],
    ['POST', '/api/scenarios/run', { text: 'x'.repeat(30000) }, 413, 'body'],
    ['GET', '/api/tariffs?at=yesterday', undefined, 400, 'at'],
    ['GET', '/api/tariffs?at=2025-04-21&as_known=maybe', undefined, 400, 'as_known'],
    ['GET', '/api/datasets/..%2F..%2Fetc%2Fpasswd', undefined, 400, 'data'],
    ['GET', '/api/jobs/nope', undefined, 404, 'id'],
    ['GET', '/api/runs/nope', undefined, 404, 'id'],
    ['POST', '/api/counterfactual', { data: 'episode-2025-1s', shock: [{ exporter: 'JPN', importer: 'USA', tariff: 1e9 }] }, 400, 'shock.0.tariff'],
    ['POST', '/api/export/xlsx', { sheets: [] }, 400, 'sheets'],
    ['POST', '/api/export/xlsx', { sheets: [{ name: '../x', rows: [] }] }, 400, 'sheets.0.name'],
  ];
  for (const [method, path, body, status, field] of cases) {
    const r = await call(method, path, body);
    assert.equal(r.status, status, `${method} ${path} ${JSON.stringify(body)?.slice(0, 60)}: ${JSON.stringify(r.body)}`);
    assert.equal(typeof r.body.error, 'string');
    if (field) assert.equal(r.body.field, field, `${path}: field`);
  }
  // A scenario with a bad field is refused at submission (no job), with the line and field of the text.
  const bad = await call('POST', '/api/scenarios/run', { text: TINY.replace('2025-04-21, pairs', '2025-13-01, pairs') });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /scenario, line \d+: field "questions\.0\.at": expected a date/);
  assert.equal(bad.body.job, undefined);
  // An alias bomb in scenario text is refused at submission with its line, not expanded.
  const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
  for (let k = 1; k < 9; k++) levels.push(`${String.fromCharCode(97 + k)}: &${String.fromCharCode(97 + k)} [${Array(9).fill(`*${String.fromCharCode(96 + k)}`).join(', ')}]`);
  const bomb = await call('POST', '/api/scenarios/run', { text: levels.join('\n') });
  assert.equal(bomb.status, 400);
  assert.match(bomb.body.error, /line 2: too many YAML alias expansions/);
  // The OpenAPI document states the limits this server applies.
  const doc = JSON.stringify((await call('GET', '/openapi.json')).body);
  assert.ok(doc.includes('"maximum":50'), 'draws bounded by the limit (50 in this test server)');
  assert.ok(doc.includes('"maxItems":5'), 'shock rows bounded by the limit');
  assert.equal((await call('GET', '/health')).status, 200);
});

test('no way in: JSON bodies only, built-in scenario names only, known branches, no server paths in errors, no CORS', async () => {
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
    const r = await app.request('/api/strategy/negotiate', { method: 'POST', body: JSON.stringify({ parties: ['USA', 'JPN'] }), headers: { 'content-type': type } });
    assert.equal(r.status, 415, type);
    assert.equal((await r.json()).field, 'content-type');
  }
  // 'scripts' is a folder of the server's working directory and 'package' names a file there: neither is a scenario.
  for (const name of ['scripts', 'package', 'nope']) {
    const r = await call('POST', '/api/scenarios/run', { scenario: name });
    assert.equal(r.status, 400, name);
    assert.equal(r.body.field, 'scenario');
    assert.match(r.body.error, /unknown scenario .*built-in: april-2025, april-2025-1s, us-china-eu-2025/);
    assert.doesNotMatch(r.body.error, /\//, 'no path in the message');
  }
  const branch = await call('POST', '/api/scenarios/run', { scenario: 'april-2025', branch: 'no-such-branch' });
  assert.equal(branch.status, 400);
  assert.equal(branch.body.field, 'branch');
  assert.match(branch.body.error, /has main, pause-lapses, /);
  const cross = await app.request('/api/datasets', { headers: { origin: 'https://evil.example' } });
  assert.equal(cross.headers.get('access-control-allow-origin'), null, 'no CORS header for another origin');
  const preflight = await app.request('/api/strategy/negotiate', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
  assert.equal(preflight.headers.get('access-control-allow-origin'), null, 'no CORS preflight approval');
});

test('with a token, every API request needs it (constant-time check); without one the server is loopback-only', async () => {
  const s2 = new RunStore(join(dir, 'token.sqlite'));
  const secured = createApp({ store: s2, token: 's3cret-token' });
  try {
    assert.equal((await secured.app.request('/api/datasets')).status, 401);
    assert.equal((await secured.app.request('/api/datasets', { headers: { authorization: 'Bearer wrong-token!' } })).status, 401);
    assert.equal((await secured.app.request('/api/datasets', { headers: { authorization: 'Bearer s3cret-token' } })).status, 200);
    assert.equal((await secured.app.request('/health')).status, 200, 'health needs no token');
  } finally {
    await secured.jobs.close();
    s2.close();
  }
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test/cli/parley.ts'), 'serve', '--host', '0.0.0.0', '--db', join(dir, 'open.sqlite')], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PARLEY_TOKEN: '' }, timeout: 20000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^parley: --host 0\.0\.0\.0 is reachable from other machines: give --token/);
});

test('the editor endpoints: a built-in scenario\'s text, and a check of text with line and field', async () => {
  const r = await app.request('/api/scenarios/april-2025/text');
  assert.equal(r.status, 200);
  const text = await r.text();
  assert.match(text, /^scenario: april-2025$/m);
  const ok = await call('POST', '/api/scenarios/check', { text: TINY });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.scenario, 'tiny');
  const bad = await call('POST', '/api/scenarios/check', { text: TINY.replace('baseline: 2024-12-31', 'baseline: 2024-13-31') });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /line \d+: field "baseline"/);
  assert.equal((await app.request('/api/scenarios/..%2Fsecret/text')).status, 404);
});

test('the same question joins the job already there; a run asked without saving is not saved', async () => {
  const a = await call('POST', '/api/scenarios/run', { text: TINY, save: false });
  const b = await call('POST', '/api/scenarios/run', { text: TINY, save: false });
  assert.equal(b.body.job, a.body.job, 'one computation for one question');
  const j = await finished(a.body.job);
  assert.equal(j.status, 'done');
  assert.equal(j.run_id, undefined, 'not a saved run');
  const c = await call('POST', '/api/scenarios/run', { text: TINY, save: false });
  assert.equal(c.body.job, a.body.job, 'a finished job answers the same question again');
});

test('a scenario run is saved; it can be read, re-run to the same result, and deleted', async () => {
  const r = await call('POST', '/api/scenarios/run', { text: TINY });
  const j = await finished(r.body.job);
  assert.equal(j.status, 'done');
  const run = (await call('GET', `/api/runs/${j.run_id}`)).body;
  assert.equal(run.name, 'tiny');
  assert.equal(run.data_hash.length, 64);
  assert.ok((await call('GET', '/api/runs')).body.some((x: { id: string }) => x.id === j.run_id));
  const again = await finished((await call('POST', `/api/runs/${j.run_id}/rerun`)).body.job);
  assert.deepEqual(again.result, run.result);
  assert.equal((await call('DELETE', `/api/runs/${j.run_id}`)).status, 200);
  assert.equal((await call('GET', `/api/runs/${j.run_id}`)).status, 404);
});

// Over a real socket: a server process, killed with SIGKILL while it saves runs, then restarted.
function startServer(db: string, port: number): Promise<ChildProcess> {
  const p = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/cli/parley.ts'), 'serve', '--port', String(port), '--db', db], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    p.stdout!.on('data', (d: Buffer) => d.toString().includes('serving on') && resolve(p));
    p.on('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
}

test('over a socket: every acknowledged run survives kill -9 and a restart, intact', async () => {
  const db = join(dir, 'socket.sqlite');
  const port = 18000 + Math.floor(Math.random() * 1000);
  const base = `http://127.0.0.1:${port}`;
  const via = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(base + path, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    return { status: r.status, body: await r.json() };
  };
  let server = await startServer(db, port);
  const acknowledged: { id: string; result: unknown }[] = [];
  // Eight different runs (one question asked eight times would be one job).
  const submitted = await Promise.all(Array.from({ length: 8 }, (_, k) => via('POST', '/api/scenarios/run', { text: TINY.replace('seed: 1', `seed: ${k + 1}`) })));
  // Wait for some to be acknowledged (done with a run id), then kill the server mid-stream.
  for (const s of submitted.slice(0, 4)) {
    const j = await finished(s.body.job, via);
    if (j.run_id) acknowledged.push({ id: j.run_id, result: j.result });
  }
  server.kill('SIGKILL');
  await new Promise((r) => server.once('exit', r));
  assert.ok(acknowledged.length >= 4);
  server = await startServer(db, port);
  try {
    for (const a of acknowledged) {
      const r = await via('GET', `/api/runs/${a.id}`);
      assert.equal(r.status, 200, `run ${a.id} survived`);
      assert.deepEqual(r.body.result, a.result, 'intact');
    }
    const list = (await via('GET', '/api/runs')).body as { id: string }[];
    for (const run of list) assert.equal((await via('GET', `/api/runs/${run.id}`)).status, 200, 'no half-written run is listed');
  } finally {
    server.kill('SIGKILL');
  }
});

test('coalitions run as a job; the job time limit and the queue limit answer with the field', async () => {
  const c = await call('POST', '/api/strategy/coalitions', { data: 'gegravity-sample', counterpart: 'USA', members: ['JPN', 'CAN'], structures: [[['JPN'], ['CAN']]] });
  assert.equal(c.status, 202);
  const done = await finished(c.body.job);
  assert.equal(done.status, 'done', done.error);
  assert.equal(done.result.structures.length, 1);
  const tight = createApp({ store, limits: { jobMs: 1, queue: 1, concurrency: 1 } });
  try {
    const req = (body: unknown) => tight.app.request('/api/strategy/war', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    // Three different questions (the same one would join the job already there).
    const first = await (await req({ data: 'gegravity-sample', instrument: 'uniform' })).json();
    const second = await req({ data: 'gegravity-sample', instrument: 'uniform', upper: 5 });
    const third = await req({ data: 'gegravity-sample', instrument: 'uniform', upper: 4 });
    assert.equal(second.status, 202);
    assert.equal(third.status, 429, 'the queue holds one');
    assert.equal(third.headers.get('retry-after'), '2', 'a 429 says when to try again');
    assert.match((await third.json()).error, /queue is full/);
    for (;;) {
      const j = await (await tight.app.request(`/api/jobs/${first.job}`)).json();
      if (j.status !== 'running' && j.status !== 'queued') {
        assert.equal(j.status, 'failed');
        assert.equal(j.error_kind, 'limit');
        assert.match(j.error, /time limit/);
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await tight.jobs.close();
  }
});

test('GET /api/replications/liberation-day gives the paper scenarios; POST takes a subset and robustness parameters, range errors are 400', async () => {
  const all = await call('GET', '/api/replications/liberation-day');
  assert.equal(all.status, 200, JSON.stringify(all.body));
  assert.equal(Object.keys(all.body.scenarios).length, 8);
  assert.equal(all.body.scenarios.ustr_tax_relief.economies.USA.welfare_pct.toFixed(2), '1.13');
  assert.equal(all.body.paper_parameters, true);
  const some = await call('POST', '/api/replications/liberation-day', { only: ['reciprocal_retaliation'], eps: 8 });
  assert.equal(some.status, 200, JSON.stringify(some.body));
  assert.deepEqual(Object.keys(some.body.scenarios), ['reciprocal_retaliation']);
  assert.equal(some.body.paper_parameters, false);
  const bad = await call('POST', '/api/replications/liberation-day', { kappa: -1 });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /kappa = -1 is out of range; expected kappa >= 0/);
  const unknown = await call('POST', '/api/replications/liberation-day', { only: ['nope'] });
  assert.equal(unknown.status, 400);
});

test('a job the server was running when it stopped shows as interrupted after a restart, with no result', async () => {
  const file = join(dir, 'restart.sqlite');
  const before = new RunStore(file);
  const first = createApp({ store: before });
  const submitted = await first.app.request('/api/strategy/war', { method: 'POST', body: JSON.stringify({ data: 'gegravity-sample', instrument: 'uniform' }), headers: { 'content-type': 'application/json' } });
  const { job } = (await submitted.json()) as { job: string };
  // A second server on the same file while the first is still running the job: as after kill -9 and a restart.
  const after = new RunStore(file);
  const second = createApp({ store: after });
  const r = await second.app.request(`/api/jobs/${job}`);
  assert.equal(r.status, 200);
  const view = (await r.json()) as { status: string; result?: unknown; error_kind: string; type: string };
  assert.equal(view.status, 'interrupted');
  assert.equal(view.type, 'strategy');
  assert.equal(view.error_kind, 'interrupted');
  assert.equal(view.result, undefined, 'no partial result');
  assert.equal((await second.app.request('/api/jobs/never-was')).status, 404);
  first.jobs.cancel(job);
  await first.jobs.close();
  await second.jobs.close();
  before.close();
  after.close();
});

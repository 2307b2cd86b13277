/**
 * The HTTP API (hono): the same library functions and schemas as the CLI.
 * Every input is validated; every error is a JSON body `{ error, field? }`
 * with a 4xx status (5xx only for a fault of ours), and the server keeps
 * serving. Computations run as jobs in worker threads (jobs.ts).
 */
import { timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { DEFAULT_DATASET, isBuiltinDataset, listBuiltinDatasets } from '../data/datasets.js';
import { PROVENANCE } from '../data/provenance.js';
import { ConvergenceError, InputError } from '../errors.js';
import { tariffsJson } from '../report/tariffs.js';
import { isIsoDate } from '../schedule/measures.js';
import { tariffsAt, type Schedule } from '../schedule/schedule.js';
import { openScheduledDataset } from '../schedule/open.js';
import { SPEC_SCHEMAS, type SpecKind } from '../run/spec.js';
import { branchNames, builtinScenarioText, checkBuiltinScenario, checkScenarioText, DEFAULT_SCENARIO, isBuiltinScenario, listBuiltinScenarios, PAGE_SCENARIO } from '../scenario/load.js';
import { collectWarnings } from '../warn.js';
import type { World } from '../data/world.js';
import { counterfactualAnswer, type JobInput } from './compute.js';
import { JobManager, localJobs, QueueFullError, type Job, type JobHooks, type Jobs } from './jobs.js';
import { QueueJobs } from './queue-jobs.js';
import type { Redis } from 'ioredis';
import { openApiDocument } from './openapi.js';
import { CounterfactualBody, ExportBody, LiberationDayBody, ScenarioCheckBody, ScenarioRunBody, SweepBody } from './schemas.js';
import { checkedSweep, sweepPoints } from '../run/sweep.js';
import type { RunStore } from './store.js';

export interface Limits {
  /** Request body, bytes. */
  bodyBytes: number;
  /** Rows of a counterfactual shock. */
  shockRows: number;
  /** Monte Carlo draws per request. */
  draws: number;
  /** Scenario text, characters. */
  scenarioChars: number;
  /** Flow cells (economies x economies x sectors) of the data a request may compute on. */
  cells: number;
  /** Counterfactuals on data of at most this many cells are answered at once, in the server, without a job (a few ms each). */
  inlineCells: number;
  /** Wall time per job, ms: every branch of the built-in april-2025 takes about 1.5 minutes on 2 cores, and draws on every branch (`draws`) several times that. */
  jobMs: number;
  /** Jobs running at once, and waiting. */
  concurrency: number;
  queue: number;
}

/** What a 429 tells a client to wait before trying again. */
const RETRY_AFTER_SECONDS = 2;

/** Inputs remembered for reusing their job (the oldest is forgotten first). */
const JOB_REUSE_KEYS = 500;

export const DEFAULT_LIMITS: Limits = { bodyBytes: 256 * 1024, shockRows: 10000, draws: 2000, scenarioChars: 200000, cells: 200000, inlineCells: 5000, jobMs: 1200000, concurrency: 2, queue: 16 };

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WEB_DIR = join(ROOT, 'dist', 'web');

/** A 4xx error naming the field. */
class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 413 | 415 | 422 | 429,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

function zodError(e: z.ZodError): HttpError {
  const issue = e.issues[0];
  const field = issue.path.map(String).join('.');
  return new HttpError(400, `${field ? `field "${field}": ` : ''}${issue.message}`, field || undefined);
}

/** The field an input error names: set where the error was raised (InputError.location), carried from job workers. */
function fieldOf(location: { field?: string; column?: string } | undefined): string | undefined {
  return location?.field ?? location?.column;
}

/** A POST body: JSON only, so a form or a text/plain post from another web page is refused before it is read. */
async function jsonBody(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) throw new HttpError(415, `expected Content-Type: application/json, found "${type}"`, 'content-type');
  const text = await c.req.text();
  if (text.trim() === '') throw new HttpError(400, 'empty body: expected a JSON object');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, `malformed JSON: ${(e as Error).message}`);
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw zodError(r.error);
  return r.data;
}

function jobView(j: Job) {
  return {
    id: j.id,
    status: j.status,
    type: j.input.type,
    progress: j.progress,
    created_at: j.created_at,
    finished_at: j.finished_at ?? null,
    ...(j.run_id ? { run_id: j.run_id } : {}),
    ...(j.error ? { error: redact(j.error.message), error_kind: j.error.kind } : {}),
    ...(j.status === 'done' ? { result: j.result } : {}),
    warnings: j.warnings,
  };
}

/** A finished job as a response: its result, or its error with the right status. */
function jobResponse(c: Context, j: Job) {
  if (j.status === 'done') return c.json(j.result as object, 200);
  const message = redact(j.error?.message ?? 'job did not finish');
  if (j.error?.kind === 'input') return c.json({ error: message, ...(fieldOf(j.error.location) ? { field: fieldOf(j.error.location) } : {}) }, 400);
  if (j.error?.kind === 'convergence') return c.json({ error: message }, 422);
  if (j.error?.kind === 'limit') return c.json({ error: message, field: 'time' }, 422);
  return c.json({ error: message }, 500);
}

export interface AppOptions {
  store: RunStore;
  limits?: Partial<Limits>;
  /** When set, every /api/ request needs `Authorization: Bearer TOKEN` (parley serve --token, PARLEY_TOKEN). */
  token?: string;
  /** Run jobs on the shared Redis queue (`parley serve --redis`; `parley worker`s run them) instead of local threads. */
  redis?: Redis;
}

/** Server paths never leave the server: the project folder and the home folder are cut from error messages. */
function redact(message: string): string {
  const home = homedir();
  let out = message.split(ROOT).join('');
  if (home && home !== '/') out = out.split(home).join('~');
  return out;
}

/** Constant-time comparison of a request's bearer token with the server's. */
function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '', 'utf8');
  const want = Buffer.from(token, 'utf8');
  return given.length === want.length && timingSafeEqual(given, want);
}

/** What the route groups share: limits, the job manager, the run store, the data-set cache. */
interface Server {
  limits: Limits;
  jobs: Jobs;
  store: RunStore;
  /** A built-in data set, loaded once: its world, schedule, hash and summary. */
  dataset: (name: string) => { world: World; schedule?: Schedule; hash: string; summary: Record<string, unknown> };
  /** The data a computation runs on must be built-in and within the size limit. */
  sized: (name: string) => void;
  submit: (input: JobInput) => Promise<Job>;
}

export function createApp(o: AppOptions): { app: Hono; jobs: Jobs } {
  const limits = { ...DEFAULT_LIMITS, ...o.limits };
  const store = o.store;
  const hooks: JobHooks = {
    onDone: (job) => {
      if (job.input.type !== 'scenario' || job.input.save === false) return;
      const r = job.result as { scenario: string; data_hash: string; seed: number };
      job.run_id = store.save({ kind: 'scenario', name: r.scenario, spec: JSON.stringify(job.input), data_hash: r.data_hash, seed: r.seed, created_at: job.created_at, finished_at: job.finished_at!, result: job.result });
    },
    track: { started: (job) => store.jobStarted(job.id, job.input.type, job.created_at), ended: (job) => store.jobEnded(job.id) },
  };
  let jobs: Jobs;
  if (o.redis) {
    // Jobs on the queue outlive a server: the ones the last server recorded are adopted, not interrupted.
    const queued = new QueueJobs(o.redis, { queue: limits.queue, timeoutMs: limits.jobMs, keep: 200 }, hooks);
    void queued.adopt(store.jobsInProgress());
    jobs = queued;
  } else {
    jobs = localJobs(new JobManager({ concurrency: limits.concurrency, queue: limits.queue, timeoutMs: limits.jobMs, keep: 200 }, hooks.onDone, hooks.track));
    // Jobs the last server was running when it stopped are interrupted: their partial work is gone.
    store.interruptJobs();
  }
  const datasets = new Map<string, { world: World; schedule?: Schedule; hash: string; summary: Record<string, unknown> }>();
  const dataset: Server['dataset'] = (name: string) => {
    if (!isBuiltinDataset(name)) throw new HttpError(name.includes('/') || name.includes('..') ? 400 : 404, `unknown data set "${name}" (built-in: ${listBuiltinDatasets().join(', ')})`, 'data');
    let d = datasets.get(name);
    if (!d) {
      const { value } = collectWarnings(() => {
        const opened = openScheduledDataset(name);
        const { loaded, world } = opened;
        const schedule = loaded.manifest.measures ? opened.schedule : undefined;
        let total = 0;
        for (const v of world.Z) total += v;
        const summary = {
          name,
          title: loaded.manifest.title ?? null,
          year: loaded.manifest.year ?? null,
          currency: loaded.manifest.currency,
          economies: world.N,
          sectors: world.sectors,
          total_flows: total,
          provenance: world.meta.provenance ? Object.fromEntries(PROVENANCE.map((p) => [p, world.meta.provenance![p]])) : null,
          measures: schedule?.measures.length ?? 0,
        };
        return { world, schedule, hash: opened.hash, summary };
      });
      d = value;
      datasets.set(name, d);
    }
    return d;
  };

  // One computation per question: the same input (the inputs are deterministic: built-in data, seeded draws)
  // joins the job already queued, running or done instead of starting another; visitors share it.
  const byInput = new Map<string, string>();
  const submit = async (input: JobInput) => {
    const key = JSON.stringify(input);
    const known = byInput.get(key);
    const same = known ? await jobs.get(known) : undefined;
    if (same && (same.status === 'queued' || same.status === 'running' || same.status === 'done')) return same;
    const job = await jobs.submit(input);
    byInput.set(key, job.id);
    if (byInput.size > JOB_REUSE_KEYS) byInput.delete(byInput.keys().next().value!);
    return job;
  };
  const sized = (name: string) => {
    const d = dataset(name);
    const cells = d.world.N * d.world.N * d.world.S;
    if (cells > limits.cells) throw new HttpError(413, `data set ${name} has ${cells} flow cells (economies x economies x sectors), above the limit of ${limits.cells}`, 'data');
  };

  const server: Server = { limits, jobs, store, dataset, sized, submit };
  const app = new Hono();
  if (o.token) {
    const token = o.token;
    app.use('/api/*', async (c, next) => {
      if (!tokenMatches(c.req.header('authorization'), token)) return c.json({ error: 'this server needs Authorization: Bearer <token> (parley serve --token)', field: 'authorization' }, 401);
      await next();
    });
  }
  app.use('/api/*', bodyLimit({ maxSize: limits.bodyBytes, onError: (c) => c.json({ error: `request body larger than ${limits.bodyBytes} bytes`, field: 'body' }, 413) }));
  app.onError((e, c) => {
    if (e instanceof HttpError) return c.json({ error: redact(e.message), ...(e.field ? { field: e.field } : {}) }, e.status);
    if (e instanceof QueueFullError) {
      // Retry-After: the queue drains in about a job's time; a client should not hammer it.
      c.header('Retry-After', String(RETRY_AFTER_SECONDS));
      return c.json({ error: e.message }, 429);
    }
    if (e instanceof ConvergenceError) return c.json({ error: redact(e.message) }, 422);
    if (e instanceof InputError) return c.json({ error: redact(e.message), ...(fieldOf(e.location) ? { field: fieldOf(e.location) } : {}) }, 400);
    return c.json({ error: `internal error: ${redact(e.message)}` }, 500);
  });
  app.notFound((c) => c.json({ error: `no such endpoint: ${c.req.method} ${c.req.path}` }, 404));

  datasetRoutes(app, server);
  computeRoutes(app, server);
  jobRoutes(app, server);
  runRoutes(app, server);
  staticRoutes(app);
  return { app, jobs };
}

/** Health, the OpenAPI document, data sets and the tariffs on a date. */
function datasetRoutes(app: Hono, { dataset, limits }: Server): void {
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/openapi.json', (c) => c.json(openApiDocument(limits)));

  app.get('/api/datasets', (c) => c.json(listBuiltinDatasets().map((n) => dataset(n).summary)));
  app.get('/api/datasets/:name', (c) => {
    const d = dataset(c.req.param('name'));
    return c.json({ ...d.summary, data_hash: d.hash, codes: d.world.codes, names: d.world.names });
  });
  app.get('/api/tariffs', (c) => {
    const name = c.req.query('data') ?? DEFAULT_DATASET;
    const at = c.req.query('at');
    if (!at || !isIsoDate(at)) throw new HttpError(400, `expected a date YYYY-MM-DD, found "${at ?? ''}"`, 'at');
    const d = dataset(name);
    if (!d.schedule) throw new HttpError(400, `data set ${name} has no dated measures`, 'data');
    const asKnown = c.req.query('as_known');
    if (asKnown !== undefined && asKnown !== 'true' && asKnown !== 'false') throw new HttpError(400, `expected true or false, found "${asKnown}"`, 'as_known');
    const result = tariffsAt(d.world, d.schedule, at, { asKnown: asKnown === 'true' });
    return c.json(tariffsJson(d.world, d.schedule, result));
  });

}

/** Counterfactuals, strategy specs, scenario runs and the Liberation Day replication: each a job in a worker. */
function computeRoutes(app: Hono, { limits, jobs, sized, submit, dataset }: Server): void {
  app.post('/api/counterfactual', async (c) => {
    const body = parse(CounterfactualBody, await jsonBody(c));
    if (body.shock.length > limits.shockRows) throw new HttpError(413, `shock has ${body.shock.length} rows, more than the limit of ${limits.shockRows}`, 'shock');
    sized(body.data);
    const input = { type: 'counterfactual' as const, data: body.data, at: body.at, shock: body.shock, deficits: body.deficits, elasticities: body.elasticities, sectorsOf: body.sectors_of };
    // Small worlds at interactive speed: answered here from the loaded data set, no worker, no queue.
    const d = dataset(body.data);
    if (d.world.N * d.world.N * d.world.S <= limits.inlineCells) return c.json(counterfactualAnswer(input, d.world, d.schedule));
    const job = await submit(input);
    return jobResponse(c, await jobs.wait(job.id));
  });

  for (const kind of ['best-response', 'war', 'negotiate', 'coalitions'] as SpecKind[]) {
    app.post(`/api/strategy/${kind}`, async (c) => {
      const spec = parse(SPEC_SCHEMAS[kind], await jsonBody(c)) as Record<string, unknown>;
      const data = (spec.data as string | undefined) ?? DEFAULT_DATASET;
      if (!isBuiltinDataset(data)) throw new HttpError(400, `expected a built-in data set (${listBuiltinDatasets().join(', ')}), found "${data}"`, 'data');
      const mc = spec.monte_carlo as { draws: number } | undefined;
      if (mc && mc.draws > limits.draws) throw new HttpError(413, `monte_carlo.draws ${mc.draws} is above the limit of ${limits.draws}`, 'monte_carlo.draws');
      sized(data);
      const job = await submit({ type: 'strategy', kind, spec, data });
      // Quick answers come back at once; wars, coalitions and Monte Carlo are jobs to poll.
      if ((kind === 'negotiate' || kind === 'best-response') && !mc) return jobResponse(c, await jobs.wait(job.id));
      return c.json({ job: job.id, status: job.status, poll: `/api/jobs/${job.id}` }, 202);
    });
  }

  // The built-in scenarios with their titles, for the page's picker (checked once per process: they are files of the package).
  let scenarioList: { name: string; title: string }[] | undefined;
  app.get('/api/scenarios', (c) => {
    scenarioList ??= listBuiltinScenarios().map((name) => ({ name, title: checkBuiltinScenario(name).title }));
    return c.json({ scenarios: scenarioList, default: PAGE_SCENARIO });
  });

  // The editor: a built-in scenario's text to start from, and a check of edited text with the CLI's errors (line and field).
  app.get('/api/scenarios/:name/text', (c) => {
    const name = c.req.param('name');
    if (!isBuiltinScenario(name)) throw new HttpError(404, `unknown scenario "${name}" (built-in: ${listBuiltinScenarios().join(', ')})`, 'name');
    return c.text(builtinScenarioText(name));
  });
  app.post('/api/scenarios/check', async (c) => {
    const body = parse(ScenarioCheckBody, await jsonBody(c));
    if (body.text.length > limits.scenarioChars) throw new HttpError(413, `scenario text longer than ${limits.scenarioChars} characters`, 'text');
    const s = checkScenarioText(body.text, 'scenario');
    return c.json({ ok: true, scenario: s.scenario, title: s.title, events: s.events.length, questions: s.questions.length, branches: branchNames(s) });
  });

  app.post('/api/scenarios/run', async (c) => {
    const body = parse(ScenarioRunBody, await jsonBody(c));
    if (body.scenario && body.text !== undefined) throw new HttpError(400, 'give either "scenario" (a built-in name) or "text", not both', 'scenario');
    if (body.text !== undefined && body.text.length > limits.scenarioChars) throw new HttpError(413, `scenario text longer than ${limits.scenarioChars} characters`, 'text');
    if (body.draws !== undefined && body.draws > limits.draws) throw new HttpError(413, `draws ${body.draws} is above the limit of ${limits.draws}`, 'draws');
    // Checked here, before a job is queued: only built-in names (never a file of the server's), valid text, known branches.
    if (body.scenario !== undefined && !isBuiltinScenario(body.scenario)) throw new HttpError(400, `unknown scenario "${body.scenario}" (built-in: ${listBuiltinScenarios().join(', ')}), or send its YAML as "text"`, 'scenario');
    const scenario = body.text !== undefined ? checkScenarioText(body.text, 'scenario') : checkBuiltinScenario(body.scenario ?? DEFAULT_SCENARIO);
    if (body.branch !== undefined && !branchNames(scenario).includes(body.branch)) throw new HttpError(400, `unknown branch "${body.branch}" (this scenario has ${branchNames(scenario).join(', ')})`, 'branch');
    const job = await submit({ type: 'scenario', name: body.scenario, text: body.text, branch: body.branch, draws: body.draws, ...(body.save === false ? { save: false } : {}) });
    return c.json({ job: job.id, status: job.status, poll: `/api/jobs/${job.id}` }, 202);
  });

  // A sweep is a job: its points are checked here (their number bounded like Monte Carlo draws), run on the job's threads.
  app.post('/api/sweep', async (c) => {
    const body = parse(SweepBody, await jsonBody(c));
    const spec = parse(SPEC_SCHEMAS[body.kind], body.spec) as Record<string, unknown>;
    delete spec.monte_carlo;
    const data = (spec.data as string | undefined) ?? DEFAULT_DATASET;
    if (!isBuiltinDataset(data)) throw new HttpError(400, `expected a built-in data set (${listBuiltinDatasets().join(', ')}), found "${data}"`, 'spec.data');
    sized(data);
    const plan = { axes: body.vary, design: body.design, samples: body.samples, seed: body.seed };
    const points = sweepPoints(plan);
    if (points.length > limits.draws) throw new HttpError(413, `the sweep has ${points.length} points, above the limit of ${limits.draws}`, 'vary');
    checkedSweep(body.kind, spec, plan, points);
    const job = await submit({ type: 'sweep', kind: body.kind, spec, data, plan, outputs: body.outputs });
    return c.json({ job: job.id, status: job.status, poll: `/api/jobs/${job.id}` }, 202);
  });

  // The Liberation Day paper's scenarios on its built-in data (about 1.5 s in a worker).
  const liberationDay = async (c: Context, body: unknown) => {
    const b = parse(LiberationDayBody, body);
    const job = await submit({ type: 'liberation-day', ...b });
    return jobResponse(c, await jobs.wait(job.id));
  };
  // The page's view as an Excel workbook (one sheet per table, units in the headers).
  app.post('/api/export/xlsx', async (c) => {
    const body = parse(ExportBody, await jsonBody(c));
    const { workbookBuffer } = await import('../report/xlsx.js');
    const bytes = await workbookBuffer(body.sheets, body.currency ?? 'currency of the data');
    return c.body(new Uint8Array(bytes), 200, { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'content-disposition': 'attachment; filename="parley-view.xlsx"' });
  });

  app.get('/api/replications/liberation-day', (c) => liberationDay(c, {}));
  app.post('/api/replications/liberation-day', async (c) => liberationDay(c, await jsonBody(c)));

}

/** A job's status and result, and cancelling it. */
function jobRoutes(app: Hono, { jobs, store }: Server): void {
  app.get('/api/jobs/:id', async (c) => {
    const j = await jobs.get(c.req.param('id'));
    if (j) return c.json(jobView(j));
    const stopped = store.interruptedJob(c.req.param('id'));
    if (!stopped) throw new HttpError(404, `no job ${c.req.param('id')}`, 'id');
    // Never a partial result: the job did not finish.
    return c.json({ id: stopped.id, status: 'interrupted', type: stopped.type, progress: null, created_at: stopped.created_at, finished_at: null, error: 'the server stopped while this job ran; its partial work was discarded: submit it again', error_kind: 'interrupted', warnings: [] });
  });
  app.delete('/api/jobs/:id', async (c) => {
    const j = await jobs.cancel(c.req.param('id'));
    if (!j) throw new HttpError(404, `no job ${c.req.param('id')}`, 'id');
    return c.json(jobView(j));
  });

}

/** Saved runs: list, read, delete, re-run. */
function runRoutes(app: Hono, { store, jobs }: Server): void {
  app.get('/api/runs', (c) => c.json(store.list()));
  app.get('/api/runs/:id', (c) => {
    const r = store.get(c.req.param('id'));
    if (!r) throw new HttpError(404, `no run ${c.req.param('id')}`, 'id');
    return c.json(r);
  });
  app.delete('/api/runs/:id', (c) => {
    if (!store.delete(c.req.param('id'))) throw new HttpError(404, `no run ${c.req.param('id')}`, 'id');
    return c.json({ deleted: c.req.param('id') });
  });
  app.post('/api/runs/:id/rerun', async (c) => {
    const r = store.get(c.req.param('id'));
    if (!r) throw new HttpError(404, `no run ${c.req.param('id')}`, 'id');
    // A re-run computes again (it checks reproducibility), rather than joining the job that made the run.
    const job = await jobs.submit(JSON.parse(r.spec) as JobInput);
    return c.json({ job: job.id, status: job.status, poll: `/api/jobs/${job.id}` }, 202);
  });

}

/** The web page: static files of the Vite build, never outside it. */
function staticRoutes(app: Hono): void {
  const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json' };
  app.get('*', (c) => {
    const rel = c.req.path === '/' ? 'index.html' : decodeURIComponent(c.req.path).replace(/^\/+/, '');
    const file = normalize(join(WEB_DIR, rel));
    if (!file.startsWith(WEB_DIR + sep) && file !== join(WEB_DIR, 'index.html')) return c.json({ error: 'not found' }, 404);
    if (!existsSync(file)) {
      if (rel === 'index.html') return c.text('The web page is not built: run `npm install` (it builds the page) or `npm run build`.', 503);
      return c.json({ error: `not found: ${c.req.path}` }, 404);
    }
    return c.body(readFileSync(file), 200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
  });
}

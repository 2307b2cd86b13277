/**
 * Load on the HTTP API (issue 18), part of `npm run bench`: 50 concurrent clients post counterfactuals on
 * episode-2025-1s from 21 April for 20 seconds (autocannon against an in-process server on 127.0.0.1).
 * Prints answered requests per second, latency percentiles, errors and non-2xx answers (429s included).
 * First, the job pool: a job's time from submission to answer on a cold thread and on the warm pool.
 */
import type { AddressInfo } from 'node:net';
import autocannon, { type Request } from 'autocannon';
import { serve } from '@hono/node-server';
import { createApp } from '../src/server/app.js';
import { RunStore } from '../src/server/store.js';

const SECONDS = Number(process.env.PARLEY_LOAD_SECONDS ?? 20);
const store = new RunStore(':memory:');
const { app, jobs } = createApp({ store });
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise((r) => server.once('listening', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
// Warm the data-set cache, as a running server's first request does.
await fetch(`${url}/api/datasets/episode-2025-1s`);

// Jobs (strategy, scenarios, large worlds) on the warm pool: the first starts a thread, the rest reuse it.
const jobMs = async (tariff: number, data = 'episode-2025-1s') => {
  const t0 = performance.now();
  const job = await jobs.submit({ type: 'counterfactual', data, ...(data === 'episode-2025-1s' ? { at: '2025-04-21' } : {}), shock: [{ exporter: 'CHN', importer: 'USA', tariff }], deficits: 'fixed' });
  const done = await jobs.wait(job.id);
  if (done.status !== 'done') throw new Error(`bench job ${done.status}: ${done.error?.message}`);
  return performance.now() - t0;
};
const cold = await jobMs(0.3);
const warm = [];
for (let n = 0; n < 9; n++) warm.push(await jobMs(0.31 + n / 100));
const icio = [await jobMs(0.3, 'icio-2022'), await jobMs(0.31, 'icio-2022'), await jobMs(0.32, 'icio-2022')];
const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`\nJob pool (a counterfactual submitted as a job, submission to answer)`);
console.log(`  episode-2025-1s, first job: starts a thread, as every job did before the pool   ${cold.toFixed(0).padStart(6)} ms`);
console.log(`  episode-2025-1s, on the warm thread, median of 9                                ${mid(warm).toFixed(0).padStart(6)} ms`);
console.log(`  icio-2022 (81 x 28) on the warm thread, median of 3                          ${mid(icio).toFixed(0).padStart(6)} ms`);
// Each client asks a different question (the US tariff on China from 0% to 150%), so nothing is served from a cache of answers.
let k = 0;
const result = await autocannon({
  url,
  connections: 50,
  duration: SECONDS,
  requests: [
    {
      method: 'POST',
      path: '/api/counterfactual',
      headers: { 'content-type': 'application/json' },
      setupRequest: (req: Request): Request => ({ ...req, body: JSON.stringify({ data: 'episode-2025-1s', at: '2025-04-21', deficits: 'balanced', shock: [{ exporter: 'CHN', importer: 'USA', tariff: (k++ % 151) / 100 }] }) }),
    },
  ],
});
const answered = result.requests.total - result.non2xx;
console.log(`\nHTTP load: 50 clients posting counterfactuals (episode-2025-1s, from 21 April) for ${SECONDS} s            target`);
console.log(`  answered requests/s                      ${(answered / SECONDS).toFixed(0).padStart(8)}      >= 30`);
console.log(`  latency p50 / p99 (ms)                   ${`${result.latency.p50} / ${result.latency.p99}`.padStart(12)}  p99 < 2000`);
console.log(`  errors / non-2xx                         ${`${result.errors} / ${result.non2xx}`.padStart(12)}  0 / 0`);
server.close();
await jobs.close();
store.close();

/**
 * Load on the HTTP API (issue 18), part of `npm run bench`: 50 concurrent clients post counterfactuals on
 * episode-2025 from 21 April for 20 seconds (autocannon against an in-process server on 127.0.0.1).
 * Prints answered requests per second, latency percentiles, errors and non-2xx answers (429s included).
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
await fetch(`${url}/api/datasets/episode-2025`);
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
      setupRequest: (req: Request): Request => ({ ...req, body: JSON.stringify({ data: 'episode-2025', at: '2025-04-21', deficits: 'balanced', shock: [{ exporter: 'CHN', importer: 'USA', tariff: (k++ % 151) / 100 }] }) }),
    },
  ],
});
const answered = result.requests.total - result.non2xx;
console.log(`\nHTTP load: 50 clients posting counterfactuals (episode-2025, from 21 April) for ${SECONDS} s            target`);
console.log(`  answered requests/s                      ${(answered / SECONDS).toFixed(0).padStart(8)}      >= 30`);
console.log(`  latency p50 / p99 (ms)                   ${`${result.latency.p50} / ${result.latency.p99}`.padStart(12)}  p99 < 2000`);
console.log(`  errors / non-2xx                         ${`${result.errors} / ${result.non2xx}`.padStart(12)}  0 / 0`);
server.close();
await jobs.close();
store.close();

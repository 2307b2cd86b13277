/** `parley serve [--port 8080] [--host 127.0.0.1] [--db FILE]`: the HTTP API and the web page. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from '../server/app.js';
import { RunStore } from '../server/store.js';
import { InputError } from '../errors.js';
import { parseCount } from './common.js';

/** Default database: the user's data folder (XDG_DATA_HOME or ~/.local/share). */
export function defaultDb(): string {
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'parley', 'runs.sqlite');
}

/** Hosts only this machine can reach. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

export async function serveCommand(o: { port?: string; host?: string; db?: string; token?: string; redis?: string }): Promise<void> {
  const port = o.port === undefined ? 8080 : parseCount(o.port, '--port');
  if (port < 1 || port > 65535) throw new InputError(`--port: expected a port number from 1 to 65535, found ${port}`);
  const host = o.host ?? '127.0.0.1';
  const token = o.token ?? process.env.PARLEY_TOKEN;
  // Anyone who can reach a non-loopback address could run jobs and read saved runs: require a token there.
  if (!isLoopback(host) && !token) {
    throw new InputError(`--host ${host} is reachable from other machines: give --token TOKEN (or PARLEY_TOKEN) so only holders of the token can use the API, or serve on 127.0.0.1`);
  }
  const db = o.db ?? defaultDb();
  let store: RunStore;
  try {
    store = new RunStore(db);
  } catch (e) {
    throw new InputError(`--db ${db}: cannot open it as a SQLite database of saved runs (${(e as Error).message})`);
  }
  // Jobs on the shared queue survive this server's restart; `parley worker`s run them.
  const redis = o.redis ? await (await import('../run/queue.js')).connect(o.redis) : undefined;
  const { app, jobs } = createApp({ store, token, redis });
  const server = serve({ fetch: app.fetch, port, hostname: host }, (info) => {
    const page = `http://${host}:${info.port}/${token ? '#token=<your token>' : ''}`;
    process.stdout.write(`parley serving on ${page} (runs in ${o.db ?? defaultDb()}${o.redis ? `; jobs on the queue at ${new URL(o.redis).host}` : ''})\n`);
    // The job threads start now, not on the first request.
    jobs.warm();
  });
  const stop = async () => {
    server.close();
    await jobs.close();
    store.close();
    process.exit(0);
  };
  // A busy port or an unresolvable host: one line and exit 2, as for any bad argument.
  server.on('error', (e: NodeJS.ErrnoException) => {
    const why = e.code === 'EADDRINUSE' ? `port ${port} is already in use` : e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' ? `host "${host}" does not resolve` : e.code === 'EADDRNOTAVAIL' ? `host "${host}" is not an address of this machine` : e.message;
    process.stderr.write(`parley: cannot serve on ${host}:${port}: ${why}\n`);
    void jobs.close().finally(() => {
      store.close();
      process.exit(2);
    });
  });
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  await new Promise(() => {});
}

/** `parley serve [--port 8080] [--host 127.0.0.1] [--db FILE]`: the HTTP API and the web page. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from '../server/app.js';
import { RunStore } from '../server/store.js';
import { parseCount } from './common.js';

/** Default database: the user's data folder (XDG_DATA_HOME or ~/.local/share). */
export function defaultDb(): string {
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'parley', 'runs.sqlite');
}

export async function serveCommand(o: { port?: string; host?: string; db?: string }): Promise<void> {
  const port = o.port === undefined ? 8080 : parseCount(o.port, '--port');
  const host = o.host ?? '127.0.0.1';
  const store = new RunStore(o.db ?? defaultDb());
  const { app, jobs } = createApp({ store });
  const server = serve({ fetch: app.fetch, port, hostname: host }, (info) => {
    process.stdout.write(`parley serving on http://${host}:${info.port} (runs in ${o.db ?? defaultDb()})\n`);
  });
  const stop = async () => {
    server.close();
    await jobs.close();
    store.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  await new Promise(() => {});
}

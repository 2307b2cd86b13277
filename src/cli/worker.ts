/** `parley worker --redis URL [--concurrency N]`: drain the shared task queue, until stopped (SIGINT / SIGTERM). */
import { fork } from 'node:child_process';
import { InputError } from '../errors.js';
import { startQueueWorker } from '../server/queue-worker.js';
import { parseCount } from './common.js';

export async function workerCommand(o: { redis: string; concurrency: string }): Promise<void> {
  const n = parseCount(o.concurrency, '--concurrency');
  if (n < 1) throw new InputError('--concurrency: expected a whole number >= 1, found 0');
  // N processes, one task each at a time: the work is CPU-bound, so each gets a core of its own.
  const children = Array.from({ length: n - 1 }, () => fork(process.argv[1], ['worker', '--redis', o.redis], { execArgv: process.execArgv, stdio: 'inherit' }));
  const worker = await startQueueWorker(o.redis);
  process.stderr.write(`parley worker: taking tasks from ${new URL(o.redis).host} (${n} process${n === 1 ? '' : 'es'})\n`);
  const stop = async () => {
    children.forEach((c) => c.kill('SIGTERM'));
    await worker.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  await new Promise(() => {});
}

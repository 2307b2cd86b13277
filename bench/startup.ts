/**
 * Startup benchmark (issue 17): whole-process times of the CLI, median of
 * several runs, beside a plain numpy script reading the same CSV files; and
 * built-in data-set loads from a warm cache. Prints; never fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATA_DIR } from '../src/data/datasets.js';
import { buildDataset, openDataset } from '../src/data/manifest.js';
import { resolveManifest } from '../src/data/datasets.js';
import { setWarningSink } from '../src/warn.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const work = mkdtempSync(join(tmpdir(), 'parley-startup-'));
const env = { ...process.env, PARLEY_CACHE_DIR: join(work, 'cache') };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall time of a whole process, in ms; undefined if it fails. */
function timeProcess(command: string, args: string[], runs = RUNS): number | undefined {
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    const r = spawnSync(command, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    const ms = performance.now() - t0;
    if (r.status !== 0) {
      console.log(`  ${command} ${args.join(' ')}: failed (${r.error?.message ?? r.stderr.trim().split('\n').pop()})`);
      return undefined;
    }
    times.push(ms);
  }
  return median(times);
}

/** The 194-economy BACI world as one flows CSV (goods flows plus the ILMS domestic sales) and the Liberation Day shock. */
function baciCsv(): { flows: string; shock: string } {
  const goods = readFileSync(join(DATA_DIR, 'baci-2023', 'baci2023_goods_194x194.csv'), 'utf8').trim().split('\n').slice(1);
  const domestic = readFileSync(join(DATA_DIR, 'baci-2023-ilms', 'domestic_ilms2025.csv'), 'utf8').trim().split('\n').slice(1);
  const flows = join(work, 'flows.csv');
  writeFileSync(flows, ['exporter,importer,value', ...goods.map((l) => l.split(',').slice(0, 3).join(',')), ...domestic].join('\n') + '\n');
  return { flows, shock: join(DATA_DIR, 'baci-2023-ilms', 'shock-liberation-day.csv') };
}

const fmt = (ms: number | undefined) => (ms === undefined ? 'n/a' : ms.toFixed(0));
const row = (name: string, ms: number | undefined, target: string, note = '') => console.log(`${name.padEnd(58)} ${fmt(ms).padStart(8)} ${target.padStart(10)}  ${note}`);

const bin = join(ROOT, 'bin', 'parley.js');
console.log(`\nStartup: whole-process wall time, median of ${RUNS} runs (ms), warm data-set cache`);
console.log(`${'command'.padEnd(58)} ${'ms'.padStart(8)} ${'target'.padStart(10)}`);
if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
  console.log('  skipped: the CLI is not built (npm run build)');
} else {
  const { flows, shock } = baciCsv();
  const node = process.execPath;
  row('node -e 0 (the floor: Node.js itself)', timeProcess(node, ['-e', '0']), '');
  row('parley --help', timeProcess(node, [bin, '--help']), '150');
  timeProcess(node, [bin, 'tariffs', '--data', 'episode-2025-1s', '--at', '2025-04-21', '--json'], 1); // fills the cache
  row('parley tariffs --data episode-2025-1s --at 2025-04-21 --json', timeProcess(node, [bin, 'tariffs', '--data', 'episode-2025-1s', '--at', '2025-04-21', '--json']), '300');
  const cf = timeProcess(node, [bin, 'counterfactual', '--flows', flows, '--shock', shock, '--eps', '4', '--json']);
  row('parley counterfactual, 194 economies from CSV, --json', cf, '');
  const npx = timeProcess('npx', ['--no-install', 'parley', '--help'], 3);
  row('npx parley --help (for comparison)', npx, '', npx === undefined ? '' : '(node bin/parley.js or ./node_modules/.bin/parley skip npx)');
  const python = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
  if (python) {
    const ref = timeProcess('python3', [join(ROOT, 'bench', 'reference', 'counterfactual.py'), flows, shock, '4'], 3);
    row('  reference: plain numpy script, same CSV files, same answer', ref, '');
    if (cf !== undefined && ref !== undefined) console.log(`${'  ratio parley / numpy'.padEnd(58)} ${(cf / ref).toFixed(2).padStart(8)} ${'<= 0.50'.padStart(10)}`);
  } else {
    console.log('  reference: skipped (python3 with numpy not found)');
  }
}

// In-process load of built-in data sets: the first build, then from the warm cache.
console.log(`\n${'built-in data set load (in process)'.padEnd(40)} ${'build ms'.padStart(9)} ${'cached ms'.padStart(10)} ${'target'.padStart(8)}`);
process.env.PARLEY_CACHE_DIR = env.PARLEY_CACHE_DIR;
const restore = setWarningSink(() => {});
for (const [name, target] of [['episode-2025-1s', '30'], ['baci-2023', '60'], ['icio-2022', '150']] as const) {
  if (!existsSync(join(DATA_DIR, name))) {
    console.log(`  ${name}: not built yet`);
    continue;
  }
  const t0 = performance.now();
  buildDataset(resolveManifest(name));
  const build = performance.now() - t0;
  openDataset(name); // writes the entry
  const times: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t1 = performance.now();
    openDataset(name);
    times.push(performance.now() - t1);
  }
  console.log(`${`  ${name}`.padEnd(40)} ${build.toFixed(0).padStart(9)} ${median(times).toFixed(1).padStart(10)} ${target.padStart(8)}`);
}
restore();

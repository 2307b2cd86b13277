/**
 * The `parley` command line: parse, call the library, print. No economics here.
 *
 * Each command's module is imported only when that command runs, so `--help`
 * loads commander and this file, and only `serve` loads the HTTP stack and SQLite.
 */
import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_DATASET } from '../data/datasets.js';
import { DEFICITS } from '../model/deficits.js';
import { reportError, EXIT } from './common.js';

/** An action that imports its command module on first use. */
function lazy<A extends unknown[]>(load: () => Promise<(...args: A) => unknown>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    await (await load())(...args);
  };
}

const counterfactualCommand = lazy(async () => (await import('./counterfactual.js')).counterfactualCommand);
const dataListCommand = lazy(async () => (await import('./data.js')).dataListCommand);
const dataShowCommand = lazy(async () => (await import('./data.js')).dataShowCommand);
const dataCacheCommand = lazy(async () => (await import('./data.js')).dataCacheCommand);
const demoCommand = lazy(async () => (await import('./demo.js')).demoCommand);
const tariffsCommand = lazy(async () => (await import('./tariffs.js')).tariffsCommand);
const strategyCommand = lazy(async () => (await import('./strategy.js')).strategyCommand);
const calibrateCommand = lazy(async () => (await import('./calibrate.js')).calibrateCommand);
const sweepCommand = lazy(async () => (await import('./sweep.js')).sweepCommand);
const workerCommand = lazy(async () => (await import('./worker.js')).workerCommand);
const runCommand = lazy(async () => (await import('./run.js')).runCommand);
const serveCommand = lazy(async () => (await import('./serve.js')).serveCommand);
const liberationDayCommand = lazy(async () => (await import('./replicate.js')).liberationDayCommand);
const ossaCommand = lazy(async () => (await import('./replicate.js')).ossaCommand);
const cp2015Command = lazy(async () => (await import('./replicate.js')).cp2015Command);

function worldOptions(cmd: Command): Command {
  return cmd
    .option('--data <name-or-dir>', 'built-in data set name, or a manifest file or folder')
    .option('--flows <file>', 'flows CSV: exporter,importer[,sector],value (domestic flows included)')
    .option('--tariffs <file>', 'baseline tariffs CSV: exporter,importer[,sector],rate (0.25 = 25%)')
    .option('--eps <number>', 'one trade elasticity for every sector (default 4)')
    .option('--elasticities <file-or-set>', 'elasticities CSV sector,eps (with --flows), or a named set of the --data set (icio-2022: BSY, CP, FGO, GYY, IS, LL, Shap, U4)')
    .option('--aggregate <file>', 'merge economies and sectors as a YAML file says (e.g. data/icio-2022/episode-13x14.yaml)');
}

export function buildProgram(): Command {
  const program = new Command('parley')
    .description('Tariff wars and trade talks, computed: an exact general-equilibrium trade model and strategy on top of it.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(s) });

  program
    .command('run [scenario]')
    .description('run a scenario (default: the built-in april-2025) and print its report; what `npm start` runs')
    .option('--branch <name>', 'only this branch ("main" for the main line)')
    .option('--draws <n>', 'Monte Carlo draws for every negotiation (0 = none; default: the scenario\'s)')
    .option('--json', 'print the result JSON (the web page\'s input)')
    .option('--out <dir>', 'write report.md, report.json and CSV tables')
    .option('--redis <url>', 'run the Monte Carlo draws on the queue of this Redis server (start `parley worker`s on it)')
    .action(runCommand);

  program
    .command('serve')
    .description('the HTTP API and the web page')
    .option('--port <n>', 'port (default 8080)')
    .option('--host <host>', 'interface (default 127.0.0.1)')
    .option('--db <file>', 'SQLite file of saved runs (default in the user data folder)')
    .option('--token <token>', 'require Authorization: Bearer TOKEN on every API request (default $PARLEY_TOKEN; needed for a non-loopback --host)')
    .option('--redis <url>', 'put jobs on the queue of this Redis server, for `parley worker`s to run (they survive a server restart)')
    .action(serveCommand);

  program
    .command('worker')
    .description('process tasks from the queue of a Redis server: Monte Carlo draws and sweep points of runs started with --redis, jobs of `parley serve --redis` (docs/scale.md)')
    .requiredOption('--redis <url>', 'the Redis server, e.g. redis://127.0.0.1:6379')
    .option('--concurrency <n>', 'worker processes to run (one task each at a time)', '1')
    .action(workerCommand);
  program.command('demo').description('the 2 April 2025 US tariffs on the 194-economy BACI 2023 world (what `npm start` runs)').action(demoCommand);

  worldOptions(
    program
      .command('counterfactual')
      .description('solve what a set of tariffs and trade-cost changes does to every economy')
      .requiredOption('--shock <file>', 'shock CSV: exporter,importer[,sector],tariff,cost_factor (either may be empty; * = every partner)'),
  )
    .addOption(new Option('--deficits <rule>', 'deficit convention').choices([...DEFICITS]).default('fixed'))
    .option('--max-iterations <n>', 'cap on Newton iterations (default 60)')
    .option('--json', 'print one JSON object')
    .option('--out <dir>', 'write economies.csv and flows.csv (input-output worlds: also io-economies.csv, sectors.csv) to this folder')
    .option('--sectors-of <codes>', 'input-output worlds: print the sector results of these economies (e.g. USA,JPN)')
    .action(counterfactualCommand);

  program
    .command('tariffs')
    .description('the tariff matrix in force on a date, and which measures make up each rate')
    .option('--data <name-or-dir>', 'data set with dated measures', DEFAULT_DATASET)
    .requiredOption('--at <date>', 'date YYYY-MM-DD')
    .option('--as-known', 'ignore measures announced after the date (by default retroactive changes apply)')
    .option('--json', 'print one JSON object')
    .action(tariffsCommand);

  const strategy = (name: 'best-response' | 'war' | 'negotiate' | 'coalitions', description: string) =>
    worldOptions(program.command(name).description(description))
      .option('--spec <file>', 'YAML/JSON spec (docs/strategy.md); flags override its fields')
      .option('--instrument <kind>', 'uniform | partner | sector | partner-sector')
      .addOption(new Option('--deficits <rule>', 'deficit convention (strategy default: balanced)').choices([...DEFICITS]))
      .option('--at <date>', 'status quo: the tariffs in force on this date (data sets with measures)')
      .option('--lower <rate>', 'lower bound on tariffs (fraction)')
      .option('--upper <rate>', 'upper bound on tariffs (fraction)')
      .option('--draws <n>', 'Monte Carlo draws (inputs given as distributions in the spec)')
      .option('--seed <n>', 'Monte Carlo seed')
      .option('--json', 'print one JSON object')
      .option('--out <dir>', 'write result.json and CSV tables to this folder')
      .option('--redis <url>', 'run the Monte Carlo draws on the queue of this Redis server (start `parley worker`s on it)');
  strategy('best-response', "one government's optimal tariffs given everyone else's").option('--player <code>', 'the government').action((o) => strategyCommand('best-response', o));
  strategy('war', 'the Nash equilibrium of a trade war (iterated best responses)').option('--players <codes>', 'comma-separated (default: every economy)').action((o) => strategyCommand('war', o));
  strategy('negotiate', 'trade talks: Nash bargaining over tariffs and linked issues, lever values, the frontier').option('--parties <codes>', 'comma-separated, e.g. USA,JPN').option('--separate <sectors>', 'with --instrument partner: goods sectors bargained apart, e.g. AUTOS (the other goods share one rate per pair)').action((o) => strategyCommand('negotiate', o));
  strategy('coalitions', 'blocs negotiating with one counterpart: gains from joining, stability')
    .option('--counterpart <code>', 'e.g. USA')
    .option('--members <codes>', 'comma-separated, e.g. JPN,VNM,MYS,SGP')
    .action((o) => strategyCommand('coalitions', o));

  worldOptions(
    program
      .command('sweep <kind>')
      .description('a strategy spec (best-response, war, negotiate, coalitions) over a grid or Latin hypercube of its scalars, one row per point')
      .requiredOption('--vary <path=values>', 'a spec field and its values: PATH=FROM:TO:COUNT or PATH=V1,V2,... (repeat for more axes), e.g. elasticity_set=FGO,CP,LL', (v: string, acc: string[]) => [...acc, v], [] as string[]),
  )
    .option('--spec <file>', 'YAML/JSON spec (docs/strategy.md); flags override its fields')
    .option('--parties <codes>', 'negotiate: comma-separated, e.g. USA,JPN')
    .option('--players <codes>', 'war: comma-separated')
    .option('--player <code>', 'best-response: the government')
    .option('--counterpart <code>', 'coalitions: the counterpart')
    .option('--members <codes>', 'coalitions: comma-separated members')
    .option('--instrument <kind>', 'uniform | partner | sector | partner-sector')
    .option('--at <date>', 'status quo: the tariffs in force on this date')
    .addOption(new Option('--design <kind>', 'grid (every combination) or lhs (Latin hypercube)').choices(['grid', 'lhs']).default('grid'))
    .option('--samples <n>', 'Latin hypercube points')
    .option('--seed <n>', 'Latin hypercube seed (default 1)')
    .option('--outputs <prefixes>', 'result fields to report, comma-separated path prefixes (default: payoffs and welfare, e.g. utility,welfare)')
    .option('--json', 'print one JSON object')
    .option('--out <dir>', 'write sweep.csv and sweep.json to this folder')
    .option('--redis <url>', 'run the points on the queue of this Redis server (start `parley worker`s on it)')
    .action(sweepCommand);

  program
    .command('calibrate')
    .description("a government's objective weights under which the tariffs it announced by a date are its best response")
    .option('--data <name-or-dir>', 'a data set with dated measures', DEFAULT_DATASET)
    .requiredOption('--player <code>', 'the government, e.g. USA')
    .requiredOption('--at <date>', 'the tariffs announced by this date (YYYY-MM-DD)')
    .option('--weights <names>', 'weights to estimate: revenue, balances (its deficit partners), balance:CODE, income:SECTOR (input-output data); default revenue,balances (revenue alone where every partner is a deficit partner)')
    .addOption(new Option('--instrument <kind>', 'its tariffs as variables').choices(['partner', 'sector', 'partner-sector', 'uniform']).default('partner'))
    .option('--targets <codes>', 'only its tariffs on these exporters (e.g. USA for a retaliation)')
    .addOption(new Option('--deficits <rule>', 'deficit convention').choices([...DEFICITS]).default('balanced'))
    .addOption(new Option('--method <m>', 'distance: fit the implied tariffs to the observed; conditions: least squares on the first-order conditions only').choices(['distance', 'conditions']).default('distance'))
    .option('--bootstrap <n>', 'bootstrap resamples for the bands (method conditions)', '200')
    .option('--seed <n>', 'bootstrap seed', '1')
    .option('--json', 'print one JSON object')
    .action(calibrateCommand);

  const replicate = program.command('replicate').description('replicate a published paper on its own data');
  replicate
    .command('liberation-day')
    .description('Ignatenko, Lashkaripour, Macedoni & Simonovska (2025): the Liberation Day tariffs in their extended model, Tables 1, 2 and 4')
    .option('--json', 'print one JSON object')
    .option('--only <ids>', 'comma-separated scenario ids (default: all eight)')
    .option('--eps <number>', 'trade elasticity (paper: 4; phi and psi stay as calibrated, as in its robustness run)')
    .option('--kappa <number>', 'labour-supply elasticity (paper: 0.5)')
    .option('--beta <number>', 'value-added share in the input-output model (paper: 0.49)')
    .action(liberationDayCommand);
  replicate
    .command('ossa2014')
    .description('Ossa (2014): optimal tariffs, the Nash trade war and cooperative tariffs (Tables 3-5) on the paper\'s own data')
    .option('--data <dir>', "folder of Ossa's replication package (default: $PARLEY_OSSA2014); GTAP-derived, not shipped")
    .option('--pol', 'with the political-economy weights (the paper\'s headline results)')
    .option('--json', 'print one JSON object')
    .option('--only <problems>', `comma-separated: ${'optimal,nash,cooperative'}`)
    .action(ossaCommand);
  replicate
    .command('caliendo-parro-2015')
    .description("Caliendo & Parro (2015): NAFTA's tariff cuts in the input-output model, welfare decomposed, on the paper's own data")
    .option('--data <dir>', "folder of the paper's Equilibrium files (default: $PARLEY_CP2015); not shipped")
    .option('--deficits <rule>', 'balanced (deficits purged first: the paper\'s case, default) or fixed')
    .option('--json', 'print one JSON object')
    .action(cp2015Command);

  const data = program.command('data').description('built-in data sets');
  data.command('list').description('list the built-in data sets').option('--json', 'print JSON').action(dataListCommand);
  data.command('show <name>').description('economies, sectors, totals and source of a data set').option('--json', 'print JSON').action(dataShowCommand);
  data
    .command('cache')
    .description('where built data sets are cached (PARLEY_CACHE_DIR), and --clear to empty it')
    .option('--clear', 'delete every cached data set')
    .action(dataCacheCommand);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  // `parley ... --json | head`: a reader that stops early is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; usage mistakes are bad input.
      if (e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
      return EXIT.input;
    }
    return reportError(e);
  }
}

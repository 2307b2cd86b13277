// Runs the CLI from source, as bin/parley.js runs it from dist/ (tests need no build step).
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));

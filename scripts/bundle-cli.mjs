// Build step: inline commander (CommonJS, seven files) into dist/cli/main.js, leaving every
// project module external, so `parley --help` reads one file instead of resolving a package
// through Node's CommonJS loader (about 40 ms of a 150 ms budget on 2 cores).
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/cli/main.js'],
  outfile: 'dist/cli/main.js',
  allowOverwrite: true,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  logLevel: 'warning',
  // Project modules stay separate files: one copy of each (error classes are compared with instanceof).
  plugins: [{ name: 'project-external', setup: (b) => b.onResolve({ filter: /^\.\.?\// }, (a) => (a.kind === 'entry-point' || a.importer.includes('node_modules') ? undefined : { path: a.path, external: true })) }],
  // commander's CommonJS calls require('node:events') etc.; give the bundle a require.
  banner: { js: "import { createRequire as __parleyRequire } from 'node:module'; const require = __parleyRequire(import.meta.url);" },
});

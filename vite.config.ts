// The web page: web/ built into dist/web, served by `parley serve` at /.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'web',
  base: './',
  build: { outDir: '../dist/web', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  logLevel: 'warn',
});

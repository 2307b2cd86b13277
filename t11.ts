import { readSpec, runSpec } from './src/strategy/spec.js';
import { collectWarnings } from './src/warn.js';
const spec = readSpec('negotiate', '/tmp/specs/usjpn.yaml');
const t0 = performance.now();
const { value, warnings } = collectWarnings(() => runSpec('negotiate', spec, { data: 'episode-2025' }));
console.log(JSON.stringify(value, null, 1).slice(0, 3000));
console.log(warnings, (performance.now()-t0).toFixed(0), 'ms');

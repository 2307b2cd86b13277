import { bestResponse } from './src/strategy/best-response.js';
import { randomWorld } from './test/helpers.js';
const w7 = randomWorld(7, 33, 5, { tariffs: true });
for (const p of ['E1','E2']) {
const t0 = performance.now();
const r = bestResponse(w7, p, { instrument: 'partner-sector', maxIterations: 2000 });
console.log(p, r.converged, r.iterations, r.projectedGradient, (performance.now() - t0).toFixed(0), 'ms', r.welfareAfter);
}

import { createWorld } from './src/data/world.js';
import { negotiate } from './src/strategy/bargain.js';
const w = createWorld({ codes: ['A','B','C'], Z: [70,15,15, 15,70,15, 10,10,80], t: [0,0.3,0.1, 0.3,0,0.1, 0.1,0.1,0], eps: 4 });
for (const t of [0.5, 0.3, 0.2, 0.1, 0.05, 0.02]) {
  try { const r = negotiate(w, { parties: ['A','B'], theta: {A: t, B: 1-t}, maxIterations: 2000 });
  console.log(t, r.tariffs.map(x=>x.rate.toFixed(5)), r.gains, r.iterations); } catch (e) { console.log(t, String(e)); }
}

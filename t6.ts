import { createWorld } from './src/data/world.js';
import { negotiate, paretoFrontier } from './src/strategy/bargain.js';
// symmetric A, B plus C
const w = createWorld({ codes: ['A','B','C'], Z: [70,15,15, 15,70,15, 10,10,80], t: [0,0.3,0.1, 0.3,0,0.1, 0.1,0.1,0], eps: 4 });
let t0=performance.now();
const r = negotiate(w, { parties: ['A','B'] });
console.log(r.agreement, r.tariffs, r.gains, r.ev, r.iterations, (performance.now()-t0).toFixed(0));
const r2 = negotiate(w, { parties: ['A','B'], theta: {A: 0.9, B: 0.1} });
console.log(r2.tariffs.map(t=>t.rate), r2.gains);
const f = paretoFrontier(w, { parties: ['A','B'] }, 7);
console.log(f);
const r3 = negotiate(w, { parties: ['A','B'], issues: [{ name: 'defence', lower: 0, upper: 1, values: { A: 0.5, B: -0.3 } }] });
console.log(r3.tariffs.map(t=>t.rate), r3.issues, r3.gains);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { softMin } from '../../src/numeric/softmin.js';
import { assertClose } from '../helpers.js';

test('softMin is below the minimum by at most tau ln n, tends to it as tau -> 0, and its weights are the gradient', () => {
  const v = [3, 1, 2, 1.5];
  const w = new Float64Array(4);
  for (const tau of [1, 0.1, 1e-3]) {
    const s = softMin(v, tau, w);
    assert.ok(s <= 1 && s >= 1 - tau * Math.log(4), `tau ${tau}: ${s}`);
    assertClose(w.reduce((a, b) => a + b, 0), 1, 1e-15, 'weights sum to 1');
    // d softMin / d v_p = w_p, by central differences.
    for (let p = 0; p < 4; p++) {
      const h = 1e-6 * tau;
      const up = [...v];
      const dn = [...v];
      up[p] += h;
      dn[p] -= h;
      const g = (softMin(up, tau, new Float64Array(4)) - softMin(dn, tau, new Float64Array(4))) / (2 * h);
      assertClose(g, w[p], 1e-6, `gradient ${p} at tau ${tau}`);
    }
  }
  assertClose(softMin(v, 1e-6, w), 1, 1e-12, 'tau -> 0 gives the minimum');
  assertClose(w[1], 1, 1e-12, 'all weight on the smallest');
});

test('softMin does not overflow for large spreads', () => {
  const w = new Float64Array(2);
  assert.equal(softMin([0, 1e6], 1e-3, w), 0);
  assert.deepEqual([...w], [1, 0]);
});

/**
 * A smooth minimum: softmin_tau(v) = m - tau ln sum_p exp(-(v_p - m) / tau), m = min v,
 * which tends to min v as tau -> 0 and is differentiable, with gradient weights
 * w_p = exp(-(v_p - m) / tau) / sum (a softmax; they sum to 1). Shifting by m keeps
 * every exponent <= 0, so it never overflows. Used to maximise the smallest of several
 * parties' gains (bargaining's phase 1, cooperative tariffs).
 */
export function softMin(values: ArrayLike<number>, tau: number, weights: Float64Array): number {
  let m = Infinity;
  for (let p = 0; p < values.length; p++) m = Math.min(m, values[p]);
  let z = 0;
  for (let p = 0; p < values.length; p++) z += weights[p] = Math.exp(-(values[p] - m) / tau);
  for (let p = 0; p < values.length; p++) weights[p] /= z;
  return m - tau * Math.log(z);
}

/**
 * Uncertain inputs: any number in a strategy spec may be a distribution
 * (normal, lognormal, uniform, triangular, discrete). A draw replaces every distribution
 * by a sample from a PRNG seeded by (seed, draw index), so each draw is the
 * same whichever worker computes it and in whatever order. Distributions are
 * independent, except those that name the same `together`: in a draw they take
 * the same quantile (one estimate spread over several numbers, e.g. one weight on
 * several partners' balances).
 */
import { z } from 'zod';
import { PROBABILITY_SUM_TOL } from '../numeric/tolerances.js';
import { mulberry32 } from '../random.js';

/** Distributions naming the same `together` take the same quantile in every draw. */
const together = { together: z.string().min(1).optional() };

export const DistributionSchema = z.discriminatedUnion('dist', [
  z.object({ dist: z.literal('normal'), mean: z.number(), sd: z.number().positive(), ...together }).strict(),
  z.object({ dist: z.literal('lognormal'), median: z.number().positive(), sigma: z.number().positive(), ...together }).strict(),
  z.object({ dist: z.literal('uniform'), min: z.number(), max: z.number(), ...together }).strict().refine((d) => d.max > d.min, { message: 'uniform needs max > min' }),
  // A stated range with a most likely value (a data set's parameter and its range): the central answer uses the mode.
  z
    .object({ dist: z.literal('triangular'), min: z.number(), mode: z.number(), max: z.number(), ...together })
    .strict()
    .refine((d) => d.max > d.min && d.min <= d.mode && d.mode <= d.max, { message: 'triangular needs min <= mode <= max and max > min' }),
  z
    .object({ dist: z.literal('discrete'), values: z.array(z.number()).min(1), probs: z.array(z.number().min(0)).min(1), ...together })
    .strict()
    .refine((d) => d.values.length === d.probs.length, { message: 'discrete needs as many probs as values' })
    .refine((d) => Math.abs(d.probs.reduce((a, b) => a + b, 0) - 1) < PROBABILITY_SUM_TOL, { message: 'discrete probs must sum to 1' }),
]);
export type Distribution = z.infer<typeof DistributionSchema>;

/**
 * A choice among named alternatives (e.g. the published elasticity sets of a data set): a draw picks one with the
 * given probabilities (equal if none); the central run takes the first, so list the default first.
 */
export const ChoiceSchema = z
  .object({ dist: z.literal('choice'), values: z.array(z.string().min(1)).min(1), probs: z.array(z.number().min(0)).min(1).optional() })
  .strict()
  .refine((d) => !d.probs || d.probs.length === d.values.length, { message: 'choice needs as many probs as values' })
  .refine((d) => !d.probs || Math.abs(d.probs.reduce((a, b) => a + b, 0) - 1) < PROBABILITY_SUM_TOL, { message: 'choice probs must sum to 1' });
export type Choice = z.infer<typeof ChoiceSchema>;

function isChoice(v: unknown): v is Choice {
  return typeof v === 'object' && v !== null && (v as { dist?: unknown }).dist === 'choice';
}

function pick(c: Choice, rand: () => number): string {
  const u = rand();
  let acc = 0;
  for (let k = 0; k < c.values.length; k++) {
    acc += c.probs ? c.probs[k] : 1 / c.values.length;
    if (u < acc) return c.values[k];
  }
  return c.values[c.values.length - 1];
}

/** A number or a distribution of numbers. */
export const Uncertain = z.union([z.number(), DistributionSchema]);
export type Uncertain = z.infer<typeof Uncertain>;

export function isDistribution(v: unknown): v is Distribution {
  return typeof v === 'object' && v !== null && 'dist' in v && !isChoice(v);
}

/** The central value: mean, median, midpoint, mode (triangular: the stated value of a range) or expected value. */
export function centre(d: Distribution): number {
  switch (d.dist) {
    case 'normal':
      return d.mean;
    case 'lognormal':
      return d.median;
    case 'uniform':
      return (d.min + d.max) / 2;
    case 'triangular':
      return d.mode;
    case 'discrete':
      return d.values.reduce((a, v, k) => a + v * d.probs[k], 0);
  }
}

/** One sample. Normal by Box-Muller (two uniforms per draw, so streams stay aligned). */
export function sample(d: Distribution, rand: () => number): number {
  switch (d.dist) {
    case 'normal':
      return d.mean + d.sd * gaussian(rand);
    case 'lognormal':
      return d.median * Math.exp(d.sigma * gaussian(rand));
    case 'uniform':
      return d.min + (d.max - d.min) * rand();
    case 'triangular': {
      // Inverse of the distribution function, one uniform per draw.
      const u = rand();
      const width = d.max - d.min;
      const left = (d.mode - d.min) / width;
      return u < left ? d.min + Math.sqrt(u * width * (d.mode - d.min)) : d.max - Math.sqrt((1 - u) * width * (d.max - d.mode));
    }
    case 'discrete': {
      const u = rand();
      let acc = 0;
      for (let k = 0; k < d.values.length; k++) {
        acc += d.probs[k];
        if (u < acc) return d.values[k];
      }
      return d.values[d.values.length - 1];
    }
  }
}

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), Number.MIN_VALUE);
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** The PRNG of one draw: independent of other draws and of scheduling. */
export function drawRandom(seed: number, index: number): () => number {
  // Mix seed and index (splitmix-style) so neighbouring indices give unrelated streams.
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return mulberry32((h ^ (h >>> 16)) >>> 0);
}

/**
 * Replace every distribution in a (JSON-like) value by a sample, walking keys in
 * sorted order so the same spec and stream give the same draw; `central` uses
 * each distribution's centre instead.
 */
export function resolveUncertain<T>(value: T, rand: (() => number) | 'central'): T {
  return resolveWith(value, rand, new Map());
}

/** resolveUncertain's walk; `shared` holds the uniforms each `together` name's first distribution used in this draw. */
function resolveWith<T>(value: T, rand: (() => number) | 'central', shared: Map<string, number[]>): T {
  if (isChoice(value)) return (rand === 'central' ? value.values[0] : pick(value, rand)) as T;
  if (isDistribution(value)) return (rand === 'central' ? centre(value) : sample(value, togetherStream(value, rand, shared))) as T;
  if (Array.isArray(value)) return value.map((v) => resolveWith(v, rand, shared)) as T;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = resolveWith((value as Record<string, unknown>)[k], rand, shared);
    return out as T;
  }
  return value;
}

/**
 * The uniforms a distribution samples from: the draw's stream, recorded for the first of a `together` name and
 * replayed for the others (the same uniforms give the same quantile of each one's own distribution).
 */
function togetherStream(d: Distribution, rand: () => number, shared: Map<string, number[]>): () => number {
  if (!d.together) return rand;
  const known = shared.get(d.together);
  if (known) {
    let k = 0;
    return () => (k < known.length ? known[k++] : rand());
  }
  const used: number[] = [];
  shared.set(d.together, used);
  return () => {
    const u = rand();
    used.push(u);
    return u;
  };
}

/** Does the value hold any distribution? */
export function hasUncertainty(value: unknown): boolean {
  if (isDistribution(value) || isChoice(value)) return true;
  if (Array.isArray(value)) return value.some(hasUncertainty);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(hasUncertainty);
  return false;
}

export interface Percentiles {
  median: number;
  p5: number;
  p25: number;
  p75: number;
  p95: number;
}

/** Percentiles by linear interpolation between order statistics (type 7, as R and numpy do). */
export function percentiles(values: readonly number[]): Percentiles {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const q = (p: number) => {
    if (v.length === 0) return NaN;
    const h = (v.length - 1) * p;
    const lo = Math.floor(h);
    return v[lo] + (h - lo) * ((v[Math.min(lo + 1, v.length - 1)] ?? v[lo]) - v[lo]);
  };
  return { median: q(0.5), p5: q(0.05), p25: q(0.25), p75: q(0.75), p95: q(0.95) };
}

/**
 * The USTR "reciprocal tariff" formula of 2 April 2025 (USTR, "Reciprocal
 * Tariff Calculations"; data/tariff-episode-2025/reciprocal-formula.csv):
 *
 *   delta_tau_i = (m_i - x_i) / (epsilon * phi * m_i)
 *
 * with x_i US exports to i, m_i US imports from i (Census 2024 goods),
 * epsilon = 4 and phi = 0.25, so epsilon * phi = 1 and the "tariff charged to
 * the USA" is simply the bilateral deficit over imports. The US rate is about
 * half of that, at least 10%. Rounding half the percentage *up* reproduces
 * Annex I of EO 14257 for most partners; the published rule is not documented.
 */

export interface ReciprocalParameters {
  /** Import-demand elasticity (USTR: 4). */
  epsilon: number;
  /** Pass-through of tariffs to import prices (USTR: 0.25). */
  phi: number;
  /** Floor on the US rate (the 10% baseline). */
  floor: number;
  /** Share of the implied rate the US charges ("approximately half"). */
  share: number;
}

export const USTR_2025: ReciprocalParameters = { epsilon: 4, phi: 0.25, floor: 0.1, share: 0.5 };

/** The formula's "tariff charged to the USA" (fraction; negative when the US has a surplus). */
export function impliedPartnerRate(usExports: number, usImports: number, p: ReciprocalParameters = USTR_2025): number {
  if (!(usImports > 0)) throw new RangeError(`US imports must be positive, found ${usImports}`);
  if (!(usExports >= 0)) throw new RangeError(`US exports must be >= 0, found ${usExports}`);
  return (usImports - usExports) / (p.epsilon * p.phi * usImports);
}

/**
 * The US reciprocal rate (fraction): max(floor, share x implied rate), the
 * percentage rounded up to a whole point as Annex I appears to do.
 * @example reciprocalRate(79.74e9, 148.21e9) // 0.24 (Japan, Annex I: 24%)
 */
export function reciprocalRate(usExports: number, usImports: number, p: ReciprocalParameters = USTR_2025): number {
  const half = p.share * impliedPartnerRate(usExports, usImports, p);
  // Round to 1e-9 first so 0.2300000000004 is not pushed to 24.
  const pct = Math.ceil(Math.round(half * 1e9) / 1e7);
  return Math.max(p.floor, pct / 100);
}

import { regularizedGammaP, regularizedGammaQ } from './incomplete-gamma.js'

/**
 * Survival function of the chi-square distribution, P(X > x) for `dof` degrees of freedom
 * (scipy.stats.chi2.sf, i.e. `chdtrc`). NaN when dof ≤ 0, as scipy.
 */
export function chiSquareSf(x: number, dof: number): number {
  if (!(dof > 0) || Number.isNaN(x)) return NaN
  if (x <= 0) return 1
  return regularizedGammaQ(dof / 2, x / 2)
}

// cephes' erfc returns 0 once x² exceeds ln(DBL_MAX) instead of a subnormal.
const MAX_LOG = 709.782712893384

function erf(x: number): number {
  const p = regularizedGammaP(0.5, x * x)
  return x < 0 ? -p : p
}

/**
 * Standard normal CDF Φ(z) (scipy.stats.norm.cdf, i.e. cephes `ndtr`), with the same split:
 * ½ + ½ erf(z/√2) near 0 and erfc in the tails.
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN
  const x = z * Math.SQRT1_2
  const ax = Math.abs(x)
  if (ax < Math.SQRT1_2) return 0.5 + 0.5 * erf(x)
  const y = ax * ax > MAX_LOG ? 0 : 0.5 * regularizedGammaQ(0.5, ax * ax) // ½ erfc(|x|)
  return x > 0 ? 1 - y : y
}

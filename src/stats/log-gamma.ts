/** ½ ln(2π). */
export const HALF_LOG_2PI = 0.9189385332046728
// B_2j / (2j (2j - 1)) for j = 1..8: the Stirling series of ln Γ.
const STIRLING = [
  1 / 12,
  -1 / 360,
  1 / 1260,
  -1 / 1680,
  1 / 1188,
  -691 / 360360,
  1 / 156,
  -3617 / 122400,
]
// Below this the series is shifted up with Γ(x + 1) = x Γ(x); at 10 its last term is < 1e-16.
const STIRLING_MIN = 10

/**
 * The Stirling correction S(z) = ln Γ(z) - [(z - ½) ln z - z + ½ ln 2π], for z ≥ 10. Exposed so
 * that callers can cancel the large terms of ln Γ analytically (incomplete gamma prefactors).
 */
export function stirlingCorrection(z: number): number {
  const r = 1 / z
  const r2 = r * r
  let s = 0
  for (let i = STIRLING.length - 1; i >= 0; i--) s = s * r2 + (STIRLING[i] ?? 0)
  return s * r
}

/**
 * ln Γ(x) for x > 0 (NaN for x < 0 or NaN, +∞ at 0 and +∞): Stirling's series from 10 up, shifted
 * there by Γ(x + 1) = x Γ(x) below. Within 4e-14 relative of scipy.special.gammaln on the fixture
 * points; near the zeros at 1 and 2 only the absolute error (~1e-15) is small.
 */
export function logGamma(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN
  if (x === 0 || x === Infinity) return Infinity
  if (x === 1 || x === 2) return 0
  if (x >= STIRLING_MIN) {
    return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + stirlingCorrection(x)
  }
  let product = 1
  let z = x
  while (z < STIRLING_MIN) {
    product *= z
    z += 1
  }
  return logGamma(z) - Math.log(product)
}

import { HALF_LOG_2PI, logGamma, stirlingCorrection } from './log-gamma.js'

const EPSILON = Number.EPSILON
const TINY = 1e-300
// Both expansions need O(√a) terms near x ≈ a; this bounds a ≤ 1e9 comfortably.
const MAX_ITERATIONS = 1_000_000

/** ln(1 + t) - t, accurate also for small |t| where the difference cancels. */
function log1pMinusT(t: number): number {
  if (Math.abs(t) > 0.25) return Math.log1p(t) - t
  // Alternating series -t²/2 + t³/3 - ...; |t| ≤ ¼ converges to ε in under 30 terms.
  let power = t * t
  let sum = 0
  for (let k = 2; k < 200; k++) {
    const term = power / k
    sum += k % 2 === 0 ? -term : term
    if (Math.abs(term) <= EPSILON * Math.abs(sum)) break
    power *= t
  }
  return sum
}

/**
 * ln(xᵃ e⁻ˣ / Γ(a)). For large a the terms a ln x, x and ln Γ(a) are each huge and cancel, so
 * the Stirling form is rearranged around t = (x - a)/a, as Temme's uniform expansions do.
 */
function logPrefactor(a: number, x: number): number {
  if (a < 10) return a * Math.log(x) - x - logGamma(a)
  const t = (x - a) / a
  return a * log1pMinusT(t) + 0.5 * Math.log(a) - HALF_LOG_2PI - stirlingCorrection(a)
}

/** P(a, x) by its power series; converges fast for x < a + 1. */
function lowerSeries(a: number, x: number): number {
  let term = 1 / a
  let sum = term
  let denominator = a
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    denominator += 1
    term *= x / denominator
    sum += term
    if (term < sum * EPSILON) break
  }
  return sum * Math.exp(logPrefactor(a, x))
}

/** Q(a, x) by its continued fraction (modified Lentz); converges fast for x ≥ a + 1. */
function upperContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a
  let c = 1 / TINY
  let d = 1 / b
  let h = d
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < TINY) d = TINY
    c = b + an / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < EPSILON) break
  }
  return Math.exp(logPrefactor(a, x)) * h
}

/**
 * The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a) (scipy's
 * `gammaincc`), for a > 0 and x ≥ 0; NaN outside that domain.
 */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN
  if (x === 0) return 1
  if (x === Infinity) return 0
  if (x < a + 1) return 1 - lowerSeries(a, x)
  return upperContinuedFraction(a, x)
}

/**
 * The regularized lower incomplete gamma function P(a, x) = γ(a, x) / Γ(a) (scipy's
 * `gammainc`), for a > 0 and x ≥ 0; NaN outside that domain.
 */
export function regularizedGammaP(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN
  if (x === 0) return 0
  if (x === Infinity) return 1
  if (x < a + 1) return lowerSeries(a, x)
  return 1 - upperContinuedFraction(a, x)
}

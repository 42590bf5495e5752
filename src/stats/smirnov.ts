import { NeumaierSum } from './neumaier-sum.js'

const EPSILON = Number.EPSILON
// Below e^MIN_LOG a double underflows (cephes MINLOG = ln 2⁻¹⁰⁷⁵).
const MIN_LOG = -745.1332191019412
// scipy switches to an approximation above this n, as summing would take too long.
const MAX_COMPUTE_N = 1_000_000
const SPLITTER = 134217729 // 2^27 + 1, Dekker's splitting constant

/** Exact product a·b as hi + lo (Dekker), so that floor(n·x) is right at integer boundaries. */
function twoProduct(a: number, b: number): [number, number] {
  const hi = a * b
  const ca = SPLITTER * a
  const aHi = ca - (ca - a)
  const aLo = a - aHi
  const cb = SPLITTER * b
  const bHi = cb - (cb - b)
  const bLo = b - bHi
  const lo = aHi * bHi - hi + aHi * bLo + aLo * bHi + aLo * bLo
  return [hi, lo]
}

/** floor(n·x) and its fractional part, computed exactly (scipy's `modNX`). */
function splitProduct(n: number, x: number): { floor: number; fraction: number } {
  const [hi, lo] = twoProduct(n, x)
  let floor = Math.floor(hi)
  if (floor === hi && lo < 0) floor -= 1
  let fraction = hi - floor + lo
  if (fraction >= 1) {
    floor += 1
    fraction = 0
  }
  return { floor, fraction }
}

/** (1 + y)^m for small |y|, through log1p so that no digits of y are lost in 1 + y. */
function powOnePlus(y: number, m: number): number {
  return Math.exp(m * Math.log1p(y))
}

/**
 * Σ_v C(n,v) x (x + v/n)^(v-1) (1 - x - v/n)^(n-v) over v = 0..nTerms-1: the lower sum of
 * Smirnov's (Birnbaum–Tingey) formula, which equals P(D⁺ₙ ≥ x). Terms are summed in log space
 * with log1p, and the loop stops as scipy's does, once the rest cannot change the sum.
 */
function lowerSum(n: number, x: number, nTerms: number): number {
  const sum = new NeumaierSum()
  sum.add(powOnePlus(-x, n) / x)
  // ln C(n, v) grows to ~1e5; plain accumulation loses ~1e-9 to rounding over many terms.
  const logBinomial = new NeumaierSum()
  const middle = Math.floor(n / 2)
  for (let v = 1; v < nTerms; v++) {
    logBinomial.add(Math.log((n - v + 1) / v))
    const s = x + v / n
    const term = Math.exp(logBinomial.value + (v - 1) * Math.log(s) + (n - v) * Math.log1p(-s))
    sum.add(term)
    if (term !== 0) {
      if (4 * (nTerms - v) * term < EPSILON * sum.value && v !== nTerms - 1) break
    } else if (v > middle) {
      break
    }
  }
  return x * sum.value
}

/**
 * Survival function of the one-sided Kolmogorov–Smirnov statistic, P(D⁺ₙ ≥ x) (scipy.special
 * .smirnov). Follows scipy's cephes `_smirnov3` case by case; where scipy sums in double-double
 * this sums in doubles through log1p and compensated addition, about 1e-12 relative for n ≤ 1e6.
 * scipy switches to an "upper sum" only for x ≤ 0.5/√n with at most 3 terms, a region kstwo never
 * asks for (it calls this only when n·x² ≥ 2.2); the lower sum is used throughout here.
 */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && x >= 0 && x <= 1)) return NaN
  if (n === 1) return 1 - x
  if (x === 0) return 1
  if (x === 1) return 0
  const { floor, fraction } = splitProduct(n, x)
  if (floor === 0 || (floor === 1 && fraction === 0)) return 1 - x * powOnePlus(x, n - 1)
  if (-2 * n * x * x < MIN_LOG) return 0
  if (floor >= n - 1) return powOnePlus(-x, n)
  if (n > MAX_COMPUTE_N) return Math.exp(-Math.pow(6 * n * x + 1, 2) / 18 / n)
  // Terms v ≤ n(1 - x); when n·x is an integer the last of them is zero and is skipped.
  return Math.min(1, Math.max(0, lowerSum(n, x, n - floor)))
}

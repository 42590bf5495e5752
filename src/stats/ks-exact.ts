import { roundHalfEven } from './round-half-even.js'

/**
 * P(D_{n,n} ≥ h/n) for two samples of equal size n (scipy `_compute_prob_outside_square`): the
 * alternating binomial sum, evaluated Horner-style to avoid subtractive cancellation.
 */
function probOutsideSquare(n: number, h: number): number {
  let p = 0
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1)
    p = p1 * (1 - p)
  }
  return 2 * p
}

/**
 * Proportion of lattice paths from (0,0) to (m,n) that leave the band |x/m - y/n| < h/lcm(m,n)
 * (scipy `_compute_outer_prob_inside_method`), by Hodges' inside method with Viehmann's
 * recursion for 1 - p, which stays within [0, 1] and so never overflows.
 */
function probOutsideBand(n1: number, n2: number, g: number, h: number): number {
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1]
  const mg = m / g
  const ng = n / g
  let minJ = 0
  let maxJ = Math.min(Math.ceil(h / mg), n + 1)
  let currentLength = maxJ - minJ
  const a = new Float64Array(Math.min(2 * maxJ + 2, n + 1)).fill(1)
  a.fill(0, minJ, maxJ)
  for (let i = 1; i <= m; i++) {
    const lastMinJ = minJ
    const lastLength = currentLength
    minJ = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n)
    maxJ = Math.min(Math.ceil((ng * i + h) / mg), n + 1)
    if (maxJ <= minJ) return 1
    let value = minJ === 0 ? 0 : 1
    for (let jj = 0; jj < maxJ - minJ; jj++) {
      const j = jj + minJ
      value = ((a[jj + minJ - lastMinJ] ?? 0) * i + value * j) / (i + j)
      a[jj] = value
    }
    currentLength = maxJ - minJ
    if (lastLength > currentLength) a.fill(1, currentLength, lastLength)
  }
  return a[maxJ - minJ - 1] ?? NaN
}

function gcd(a: number, b: number): number {
  let x = a
  let y = b
  while (y !== 0) [x, y] = [y, x % y]
  return x
}

/**
 * Exact two-sided p-value of the two-sample KS statistic d for sample sizes n1, n2 (scipy
 * `_attempt_exact_2kssamp`). Snaps d to the lattice h/lcm(n1, n2) as scipy does, and returns
 * that d; `pValue` is undefined when the computation fails (scipy then falls back to asymp).
 */
export function exactKsPValue(
  n1: number,
  n2: number,
  d: number,
): { statistic: number; pValue: number | undefined } {
  const g = gcd(n1, n2)
  const lcm = (n1 / g) * n2
  const h = roundHalfEven(d * lcm)
  const statistic = h / lcm
  if (h === 0) return { statistic, pValue: 1 }
  const p = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, g, h)
  return { statistic, pValue: p >= 0 && p <= 1 ? p : undefined }
}

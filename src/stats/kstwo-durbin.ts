import { ldexp, TWO_POW_128, TWO_POW_MINUS_128 } from './scale-binary.js'

/** Row-major m×m product a·b. */
function multiply(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m)
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k] ?? 0
      if (aik === 0) continue
      for (let j = 0; j < m; j++) out[i * m + j] = (out[i * m + j] ?? 0) + aik * (b[k * m + j] ?? 0)
    }
  }
  return out
}

/** Durbin's m×m matrix H for d = (k - h)/n, m = 2k - 1. */
function durbinMatrix(k: number, h: number): Float64Array {
  const m = 2 * k - 1
  const v = new Float64Array(m)
  const w = new Float64Array(m)
  let factorial = 1
  for (let j = 1; j <= m; j++) {
    w[j - 1] = factorial
    factorial /= j
    v[j - 1] = (1 - h ** j) * factorial
  }
  v[m - 1] = (1 + (Math.max(2 * h - 1, 0) ** m - 2 * h ** m)) * factorial
  const matrix = new Float64Array(m * m)
  for (let col = 1; col < m; col++) {
    for (let row = col - 1; row < m; row++) matrix[row * m + col] = w[row - col + 1] ?? 0
  }
  for (let row = 0; row < m; row++) matrix[row * m] = v[row] ?? 0
  for (let col = 0; col < m; col++) matrix[(m - 1) * m + col] = v[m - 1 - col] ?? 0
  return matrix
}

/** Entry (k-1, k-1) of Hⁿ as a mantissa and a binary exponent, squaring with rescaling. */
function centralEntryOfPower(matrix: Float64Array, m: number, k: number, n: number) {
  let power: Float64Array = new Float64Array(m * m)
  for (let i = 0; i < m; i++) power[i * m + i] = 1
  let h = matrix
  let exponent = 0
  let hExponent = 0
  for (let rest = n; rest > 0; rest = Math.floor(rest / 2)) {
    if (rest % 2 === 1) {
      power = multiply(power, h, m)
      exponent += hExponent
    }
    h = multiply(h, h, m)
    hExponent *= 2
    if (Math.abs(h[(k - 1) * m + (k - 1)] ?? 0) > TWO_POW_128) {
      for (let i = 0; i < h.length; i++) h[i] = (h[i] ?? 0) / TWO_POW_128
      hExponent += 128
    }
  }
  return { mantissa: power[(k - 1) * m + (k - 1)] ?? 0, exponent }
}

/**
 * P(Dₙ ≤ d) for the two-sided one-sample KS statistic by Durbin's matrix algorithm as Marsaglia,
 * Tsang & Wang compute it: (n!/nⁿ) times an entry of Hⁿ (scipy `_kolmogn_DMTW`). O(k³ log n)
 * with k = ⌈nd⌉, so scipy only uses it where k stays small.
 */
export function durbinCdf(n: number, d: number): number {
  if (d >= 1) return 1
  const nd = n * d
  if (nd <= 0.5) return 0
  const k = Math.ceil(nd)
  const m = 2 * k - 1
  const entry = centralEntryOfPower(durbinMatrix(k, k - nd), m, k, n)
  let p = entry.mantissa
  let exponent = entry.exponent
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n
    if (Math.abs(p) < TWO_POW_MINUS_128) {
      p *= TWO_POW_128
      exponent -= 128
    }
  }
  return Math.min(1, Math.max(0, ldexp(p, exponent)))
}

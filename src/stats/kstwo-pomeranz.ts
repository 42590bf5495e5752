import { ldexp, TWO_POW_128, TWO_POW_MINUS_128 } from './scale-binary.js'

interface Grid {
  n: number
  ll: number
  ceilF: number
  roundF: number
}

/** First and last non-zero column of row i (scipy `_pomeranz_compute_j1j2`). */
function rowBounds(i: number, grid: Grid): [number, number] {
  const { n, ll, ceilF, roundF } = grid
  let j1: number
  let j2: number
  if (i === 0) {
    j1 = -ll - ceilF - 1
    j2 = ll + ceilF - 1
  } else {
    const half = Math.floor((i + 1) / 2)
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilF - 1
        j2 = n + ll + ceilF - 1
      } else {
        j1 = half - 1 - ll - roundF - 1
        j2 = half + ll - 1 + ceilF - 1
      }
    } else {
      j1 = half - 1 - ll - 1
      j2 = half + ll + roundF - 1
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)]
}

/** uᵐ/m! for m = 0..count-1: Poisson weights without their normalising factor. */
function scaledPowers(u: number, count: number): Float64Array {
  const out = new Float64Array(count)
  out[0] = 1
  for (let m = 1; m < count; m++) out[m] = ((out[m - 1] ?? 0) * u) / m
  return out
}

/** Entries [from, from + length) of the full convolution of a[0..aLength) with b[0..bLength). */
function convolveSlice(
  a: Float64Array,
  aStart: number,
  aLength: number,
  b: Float64Array,
  bLength: number,
  window: { from: number; length: number; out: Float64Array },
): void {
  for (let t = 0; t < window.length; t++) {
    const index = window.from + t
    let sum = 0
    const lo = Math.max(0, index - bLength + 1)
    const hi = Math.min(aLength - 1, index)
    for (let i = lo; i <= hi; i++) sum += (a[aStart + i] ?? 0) * (b[index - i] ?? 0)
    window.out[t] = sum
  }
}

/**
 * P(Dₙ ≤ x) for the two-sided one-sample KS statistic by Pomeranz's recursion (scipy
 * `_kolmogn_Pomeranz`): rows of Poisson convolutions, rescaled by 2¹²⁸ to avoid underflow.
 */
export function pomeranzCdf(n: number, x: number): number {
  const t = n * x
  const ll = Math.floor(t)
  const f = t - ll
  const g = Math.min(f, 1 - f)
  const grid: Grid = { n, ll, ceilF: f > 0 ? 1 : 0, roundF: f > 0.5 ? 1 : 0 }
  const count = 2 * (ll + 1)
  const gPowers = scaledPowers(g / n, count)
  const twoGPowers = scaledPowers((2 * g) / n, count)
  const restPowers = scaledPowers((1 - 2 * g) / n, count)
  let previous = new Float64Array(count)
  let current = new Float64Array(count)
  current[0] = 1
  let previousStart = 0
  let currentStart = 0
  let exponent = 0
  let [j1, j2] = rowBounds(0, grid)
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1
    ;[previous, current] = [current, previous]
    ;[previousStart, currentStart] = [currentStart, previousStart]
    current.fill(0)
    ;[j1, j2] = rowBounds(i, grid)
    const powers = i === 1 || i === 2 * n + 1 ? gPowers : i % 2 === 1 ? twoGPowers : restPowers
    const span = j2 - k1 + 1
    if (span <= 0) continue
    const aStart = k1 - previousStart
    const aLength = Math.max(0, Math.min(span, count - aStart))
    const window = { from: j1 - k1, length: j2 - j1 + 1, out: current }
    convolveSlice(previous, aStart, aLength, powers, Math.min(span, count), window)
    let max = 0
    for (const value of current) max = Math.max(max, value)
    if (max > 0 && max < TWO_POW_MINUS_128) {
      for (let j = 0; j < count; j++) current[j] = (current[j] ?? 0) * TWO_POW_128
      exponent -= 128
    }
    currentStart = previousStart + j1 - k1
  }
  return timesFactorial(current[n - currentStart] ?? 0, exponent, n)
}

/** value · 2^exponent · n!, rescaling on the way so that the product cannot overflow. */
function timesFactorial(value: number, exponent: number, n: number): number {
  let answer = value
  let e = exponent
  for (let m = 1; m <= n; m++) {
    if (Math.abs(answer) > TWO_POW_128) {
      answer *= TWO_POW_MINUS_128
      e += 128
    }
    answer *= m
  }
  return Math.min(1, Math.max(0, ldexp(answer, e)))
}

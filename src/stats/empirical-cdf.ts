/**
 * A right-continuous step CDF over sorted values: a raw sample (every weight 1) or a quantile
 * sketch's retained items (weights 2^level). KS and Wasserstein are computed on this shape, so
 * the exact (sample) and approximate (profile) paths share one implementation.
 */
export interface EmpiricalCdf {
  /** Values in ascending order; ties allowed. */
  readonly values: Float64Array
  /** Cumulative weight up to and including values[i]; undefined when every weight is 1. */
  readonly cumulativeWeights: Float64Array | undefined
  /** Total weight: the number of values the CDF stands for. */
  readonly total: number
}

/** Weight of the first `count` values of a CDF. */
function weightBelow(cdf: EmpiricalCdf, count: number): number {
  if (cdf.cumulativeWeights === undefined) return count
  return count === 0 ? 0 : (cdf.cumulativeWeights[count - 1] ?? 0)
}

/**
 * Walks the distinct values of the pooled samples in ascending order and calls
 * `visit(fa, fb, gap)` with both CDFs at each value x (as scipy does: weight of values ≤ x over
 * the total) and the distance to the next pooled value (0 after the last).
 */
export function walkPooled(
  a: EmpiricalCdf,
  b: EmpiricalCdf,
  visit: (fa: number, fb: number, gap: number) => void,
): void {
  const av = a.values
  const bv = b.values
  let i = 0
  let j = 0
  while (i < av.length || j < bv.length) {
    const ai = av[i] ?? Infinity
    const bj = bv[j] ?? Infinity
    const x = ai <= bj ? ai : bj
    while (i < av.length && (av[i] ?? Infinity) <= x) i++
    while (j < bv.length && (bv[j] ?? Infinity) <= x) j++
    const next = Math.min(av[i] ?? Infinity, bv[j] ?? Infinity)
    const gap = next === Infinity ? 0 : next - x
    visit(weightBelow(a, i) / a.total, weightBelow(b, j) / b.total, gap)
  }
}

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

/**
 * Walks the distinct values of two pooled samples in ascending order. After each `next()`, `fa`
 * and `fb` hold both CDFs at the current value x (as scipy does: weight of values ≤ x over the
 * total) and `gap` the distance to the next pooled value (0 after the last). A class with a
 * `next()` method rather than a callback, so that the JIT inlines it into the hot loops.
 */
export class PooledWalk {
  /** CDF of the first sample at the current value. */
  fa = 0
  /** CDF of the second sample at the current value. */
  fb = 0
  /** Distance from the current value to the next pooled value (0 after the last). */
  gap = 0
  private i = 0
  private j = 0

  constructor(
    private readonly a: EmpiricalCdf,
    private readonly b: EmpiricalCdf,
  ) {}

  /** Moves to the next distinct pooled value; false when there is none. */
  next(): boolean {
    const av = this.a.values
    const bv = this.b.values
    let i = this.i
    let j = this.j
    if (i >= av.length && j >= bv.length) return false
    const ai = i < av.length ? (av[i] as number) : Infinity
    const bj = j < bv.length ? (bv[j] as number) : Infinity
    const x = ai <= bj ? ai : bj
    while (i < av.length && (av[i] as number) <= x) i++
    while (j < bv.length && (bv[j] as number) <= x) j++
    const nextA = i < av.length ? (av[i] as number) : Infinity
    const nextB = j < bv.length ? (bv[j] as number) : Infinity
    const next = nextA <= nextB ? nextA : nextB
    this.gap = next === Infinity ? 0 : next - x
    this.fa = weightBelow(this.a, i) / this.a.total
    this.fb = weightBelow(this.b, j) / this.b.total
    this.i = i
    this.j = j
    return true
  }
}

/** Weight of the first `count` values of a CDF. */
function weightBelow(cdf: EmpiricalCdf, count: number): number {
  const weights = cdf.cumulativeWeights
  if (weights === undefined) return count
  return count === 0 ? 0 : (weights[count - 1] as number)
}

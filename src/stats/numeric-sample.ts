import type { EmpiricalCdf } from './empirical-cdf.js'
import { NeumaierSum } from './neumaier-sum.js'

/**
 * A numerical column held exactly: its finite values sorted once, so that every drift test reads
 * them without sorting again. NaN, null and undefined count as missing; ±Infinity is dropped too,
 * as Evidently replaces it with NaN before testing.
 */
export class NumericSample {
  /** Discriminates column sources. */
  readonly kind = 'numerical'
  /** The sample is exact (a profile answers from a sketch). */
  readonly isExact = true

  private constructor(
    /** Finite values in ascending order. */
    readonly sorted: Float64Array,
    /** NaN, null or undefined entries. */
    readonly missingCount: number,
    /** ±Infinity entries, excluded from every statistic. */
    readonly infiniteCount: number,
  ) {}

  /** Copies the finite values out of `values` and sorts them. */
  static of(values: ArrayLike<number | null | undefined>): NumericSample {
    const finite = new Float64Array(values.length)
    let count = 0
    let missing = 0
    let infinite = 0
    for (let i = 0; i < values.length; i++) {
      const v = values[i]
      if (v === null || v === undefined || Number.isNaN(v)) missing++
      else if (v === Infinity || v === -Infinity) infinite++
      else finite[count++] = v
    }
    return new NumericSample(finite.subarray(0, count).sort(), missing, infinite)
  }

  /** Number of finite values. */
  get count(): number {
    return this.sorted.length
  }

  /** The sample's ECDF (unit weights). */
  ecdf(): EmpiricalCdf {
    return { values: this.sorted, cumulativeWeights: undefined, total: this.sorted.length }
  }

  /** Population standard deviation (numpy's default ddof = 0), by two compensated passes. */
  std(): number {
    const n = this.sorted.length
    const sum = new NeumaierSum()
    for (const v of this.sorted) sum.add(v)
    const mean = sum.value / n
    const squares = new NeumaierSum()
    for (const v of this.sorted) squares.add((v - mean) * (v - mean))
    return Math.sqrt(squares.value / n)
  }

  /** Count of each distinct value, or undefined as soon as there are more than `limit`. */
  valueCounts(limit: number): Map<number, number> | undefined {
    const counts = new Map<number, number>()
    const s = this.sorted
    for (let i = 0; i < s.length;) {
      let j = i + 1
      while (j < s.length && s[j] === s[i]) j++
      if (counts.size === limit) return undefined
      counts.set(s[i] ?? 0, j - i)
      i = j
    }
    return counts
  }
}

import type { ColumnSource, DriftScore, DriftTest } from './drift-test.js'
import { asNumeric, requireValues } from './drift-test.js'
import type { EmpiricalCdf } from './empirical-cdf.js'
import { PooledWalk } from './empirical-cdf.js'
import { exactKsPValue } from './ks-exact.js'
import { kstwoSf } from './kstwo.js'
import { roundHalfEven } from './round-half-even.js'

// scipy's method='auto' computes the exact p-value when both samples have at most this many values.
const MAX_EXACT_SIZE = 10_000

/** Largest gap between two step CDFs over the pooled values (scipy: max of both signed gaps). */
function ksStatistic(a: EmpiricalCdf, b: EmpiricalCdf): number {
  let d = 0
  const walk = new PooledWalk(a, b)
  while (walk.next()) {
    const gap = Math.abs(walk.fa - walk.fb)
    if (gap > d) d = gap
  }
  return d
}

/**
 * Two-sided two-sample KS test on step CDFs of sizes a.total and b.total, as
 * scipy.stats.ks_2samp(method='auto'): exact p-value when max(n1, n2) ≤ 10,000 (the statistic is
 * then snapped to the lattice h/lcm(n1, n2), as scipy does), else kstwo.sf(D, round(n1·n2/(n1+n2))),
 * which is also the fallback when the exact computation fails.
 */
export function ksTwoSample(a: EmpiricalCdf, b: EmpiricalCdf): Required<DriftScore> {
  const n1 = a.total
  const n2 = b.total
  let statistic = ksStatistic(a, b)
  if (Math.max(n1, n2) <= MAX_EXACT_SIZE) {
    const exact = exactKsPValue(n1, n2, statistic)
    if (exact.pValue !== undefined) return { statistic: exact.statistic, pValue: exact.pValue }
    statistic = exact.statistic
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1]
  const en = (m * n) / (m + n)
  return { statistic, pValue: Math.min(1, Math.max(0, kstwoSf(statistic, roundHalfEven(en)))) }
}

/**
 * Evidently's KS drift test: ks_2samp's p-value, drift when ≤ 0.05 (evidently ks_stattest.py).
 * A profile on either side stands in through its sketch CDF, so D is off by at most the sketch's
 * rank error (1.65% of n at k = 200, about 0.5% typically). Once 1/√n is far below that (n in the
 * tens of thousands) the p-value from a profile is only indicative; Evidently's default for such
 * sizes is the Wasserstein distance anyway.
 */
export function ks(reference: ColumnSource, current: ColumnSource): DriftScore {
  requireValues(reference, current, 'ks')
  return ksTwoSample(asNumeric(reference, 'ks').ecdf(), asNumeric(current, 'ks').ecdf())
}

/** Registry entry for {@link ks}. */
export const ksTest: DriftTest = {
  name: 'ks',
  displayName: 'K-S p_value',
  columnKinds: ['numerical'],
  defaultThreshold: 0.05,
  driftWhen: 'below',
  isThresholdInclusive: true,
  run: ks,
}

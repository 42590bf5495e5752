import type { ColumnSource, DriftScore, DriftTest } from './drift-test.js'
import { asNumeric, requireValues } from './drift-test.js'
import type { EmpiricalCdf } from './empirical-cdf.js'
import { PooledWalk } from './empirical-cdf.js'
import { NeumaierSum } from './neumaier-sum.js'

/**
 * First Wasserstein (earth mover's) distance between two step CDFs, ∫ |F − G| dx
 * (scipy.stats.wasserstein_distance on the raw values, or on sketch items with their weights).
 */
export function wassersteinDistance(a: EmpiricalCdf, b: EmpiricalCdf): number {
  const total = new NeumaierSum()
  const walk = new PooledWalk(a, b)
  while (walk.next()) total.add(Math.abs(walk.fa - walk.fb) * walk.gap)
  return total.value
}

/**
 * Evidently's normed Wasserstein distance: the distance divided by max(std(reference), 0.001),
 * std with ddof = 0 (evidently wasserstein_distance_norm.py). Drift when ≥ 0.1. A profile on
 * either side stands in through its sketch: each sketch moves ∫|F − G| by at most its rank error
 * times the value range (before norming), far less on smooth data (see wasserstein.test.ts); the
 * std then comes from the profile's exact moments.
 */
export function wasserstein(reference: ColumnSource, current: ColumnSource): DriftScore {
  requireValues(reference, current, 'wasserstein')
  const ref = asNumeric(reference, 'wasserstein')
  const cur = asNumeric(current, 'wasserstein')
  const distance = wassersteinDistance(ref.ecdf(), cur.ecdf())
  return { statistic: distance / Math.max(ref.std(), 0.001) }
}

/** Registry entry for {@link wasserstein}. */
export const wassersteinTest: DriftTest = {
  name: 'wasserstein',
  displayName: 'Wasserstein distance (normed)',
  columnKinds: ['numerical'],
  defaultThreshold: 0.1,
  driftWhen: 'above',
  isThresholdInclusive: true,
  run: wasserstein,
}

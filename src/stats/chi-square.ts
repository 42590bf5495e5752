import { InvalidParameterError } from '../shared/errors.js'
import { chiSquareSf } from './distributions.js'
import type { ColumnSource, DriftScore, DriftTest } from './drift-test.js'
import { requireValues } from './drift-test.js'
import { NeumaierSum } from './neumaier-sum.js'
import { alignedCounts } from './value-counts.js'

/**
 * Evidently's chi-square drift test (chisquare_stattest.py): a goodness-of-fit test of the
 * current counts against the reference counts scaled to the current size,
 * scipy.stats.chisquare(f_obs = current, f_exp = reference · n_cur/n_ref), k − 1 degrees of
 * freedom over the union of categories (distinct values for a numerical column). A category seen
 * only in current has f_exp = 0: the statistic is +∞ and p = 0, as in scipy. With a single
 * category scipy returns p = NaN (zero degrees of freedom); this returns p = 1, no drift, which
 * is also how Evidently's `p < threshold` reads NaN. Drift when p < 0.05.
 */
export function chiSquare(reference: ColumnSource, current: ColumnSource): Required<DriftScore> {
  requireValues(reference, current, 'chisquare')
  const counts = alignedCounts(reference, current)
  if (counts === undefined) {
    throw new InvalidParameterError(
      'chi-square needs per-value counts of both columns; a numeric profile keeps them only ' +
        'for columns with at most 100 distinct values',
    )
  }
  const scale = current.count / reference.count
  const statistic = new NeumaierSum()
  counts.reference.forEach((r, i) => {
    const expected = r * scale
    const observed = counts.current[i] ?? 0
    statistic.add(((observed - expected) * (observed - expected)) / expected)
  })
  const dof = counts.reference.length - 1
  return { statistic: statistic.value, pValue: dof === 0 ? 1 : chiSquareSf(statistic.value, dof) }
}

/** Registry entry for {@link chiSquare}. */
export const chiSquareTest: DriftTest = {
  name: 'chisquare',
  displayName: 'chi-square p_value',
  columnKinds: ['categorical', 'numerical'],
  defaultThreshold: 0.05,
  driftWhen: 'below',
  isThresholdInclusive: false,
  run: chiSquare,
}

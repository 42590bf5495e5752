import { InvalidParameterError } from '../shared/errors.js'
import { normalCdf } from './distributions.js'
import type { ColumnSource, DriftScore, DriftTest } from './drift-test.js'
import { requireValues } from './drift-test.js'
import { alignedCounts } from './value-counts.js'

/**
 * Evidently's Z-test for two proportions (z_stattest.py): the first category in sorted order
 * maps to 0 and every other to 1; pooled z = (p₁ − p₂)/√(P(1−P)(1/n₁ + 1/n₂)), two-sided
 * p = 2(1 − Φ(|z|)), computed in that form as Evidently does (so p below ~1e-16 rounds to 0).
 * Both sides holding the same single category gives p = 1. Drift when p < 0.05.
 */
export function zTest(reference: ColumnSource, current: ColumnSource): DriftScore {
  requireValues(reference, current, 'z')
  const counts = alignedCounts(reference, current)
  if (counts === undefined) {
    throw new InvalidParameterError(
      'the Z-test needs per-value counts of both columns; a numeric profile keeps them only ' +
        'for columns with at most 100 distinct values',
    )
  }
  if (counts.reference.length === 1) return { statistic: 0, pValue: 1 }
  const n1 = reference.count
  const n2 = current.count
  const p1 = (n1 - (counts.reference[0] ?? 0)) / n1
  const p2 = (n2 - (counts.current[0] ?? 0)) / n2
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2))
  return { statistic: z, pValue: 2 * (1 - normalCdf(Math.abs(z))) }
}

/** Registry entry for {@link zTest}. */
export const zTestTest: DriftTest = {
  name: 'z',
  displayName: 'Z-test p_value',
  columnKinds: ['categorical', 'numerical'],
  defaultThreshold: 0.05,
  driftWhen: 'below',
  isThresholdInclusive: false,
  run: zTest,
}

import type { ColumnKind, DriftTest } from './drift-test.js'
import { driftTests } from './drift-tests.js'

// Evidently keeps exact tests for small references and switches to distances above this size.
const LARGE_REFERENCE = 1000

/**
 * The test Evidently picks when none is given (legacy/calculations/stattests/registry.py
 * `_get_default_stattest`), from the reference size after dropping missing values and the number
 * of distinct values in reference ∪ current:
 *
 * | | n_ref ≤ 1000 | n_ref > 1000 |
 * |---|---|---|
 * | numerical, > 5 values | ks | wasserstein |
 * | numerical, 3–5 values | chisquare | jensenshannon |
 * | numerical, ≤ 2 values | z | jensenshannon |
 * | categorical, > 2 values | chisquare | jensenshannon |
 * | categorical, ≤ 2 values | z | jensenshannon |
 */
export function chooseDefaultTest(
  kind: ColumnKind,
  referenceSize: number,
  uniqueCount: number,
): DriftTest {
  if (referenceSize > LARGE_REFERENCE) {
    return kind === 'numerical' && uniqueCount > 5
      ? driftTests.wasserstein
      : driftTests.jensenshannon
  }
  if (kind === 'numerical' && uniqueCount > 5) return driftTests.ks
  return uniqueCount > 2 ? driftTests.chisquare : driftTests.z
}

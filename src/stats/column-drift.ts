import { InvalidParameterError } from '../shared/errors.js'
import { chooseDefaultTest } from './choose-default-test.js'
import type { ColumnSource, DriftTest, DriftTestName } from './drift-test.js'
import { driftTests } from './drift-tests.js'
import { alignedCounts } from './value-counts.js'

// chooseDefaultTest only distinguishes ≤ 2, 3–5 and > 5 distinct values.
const UNIQUE_LIMIT = 6

/** Options for {@link columnDrift}. */
export interface ColumnDriftOptions {
  /** Test to run; by default Evidently's choice for the column's kind, size and cardinality. */
  test?: DriftTestName
  /** Threshold; by default the test's own. */
  threshold?: number
}

/** Verdict for one column. */
export interface ColumnDriftResult {
  /** The test that ran. */
  test: DriftTestName
  /** Its statistic (or distance). */
  statistic: number
  /** Its p-value, for tests that have one. */
  pValue?: number
  /** What was compared with the threshold: the p-value or the distance. */
  score: number
  /** The threshold applied. */
  threshold: number
  /** Whether the column drifted. */
  isDrifted: boolean
  /** Reference values after dropping missing ones. */
  referenceCount: number
  /** Current values after dropping missing ones. */
  currentCount: number
}

/** Distinct values in reference ∪ current, counted up to UNIQUE_LIMIT. */
function uniqueCount(reference: ColumnSource, current: ColumnSource): number {
  const counts = alignedCounts(reference, current, UNIQUE_LIMIT)
  return counts === undefined ? UNIQUE_LIMIT : Math.min(counts.reference.length, UNIQUE_LIMIT)
}

/** Whether a score means drift under a test's threshold rule. */
export function isDrift(test: DriftTest, score: number, threshold: number): boolean {
  if (test.driftWhen === 'below')
    return test.isThresholdInclusive ? score <= threshold : score < threshold
  return test.isThresholdInclusive ? score >= threshold : score > threshold
}

function checkColumns(reference: ColumnSource, current: ColumnSource, test?: DriftTest): void {
  if (reference.kind !== current.kind) {
    throw new InvalidParameterError(
      `reference is ${reference.kind} but current is ${current.kind}; both must be the same kind`,
    )
  }
  if (reference.count === 0 || current.count === 0) {
    const side = reference.count === 0 ? 'reference' : 'current'
    throw new InvalidParameterError(
      `the ${side} column has no values left after dropping missing ones`,
    )
  }
  if (test !== undefined && !test.columnKinds.includes(reference.kind)) {
    throw new InvalidParameterError(
      `drift test '${test.name}' does not apply to ${reference.kind} columns; ` +
        `it takes ${test.columnKinds.join(', ')}`,
    )
  }
}

/**
 * Runs one drift test on a column (Evidently's `get_one_column_drift` after its cleaning: both
 * sides must be non-empty once missing and infinite values are dropped).
 * @throws InvalidParameterError on mismatched kinds, an empty side, or a test that does not apply
 */
export function columnDrift(
  reference: ColumnSource,
  current: ColumnSource,
  options: ColumnDriftOptions = {},
): ColumnDriftResult {
  const named = options.test === undefined ? undefined : driftTests[options.test]
  checkColumns(reference, current, named)
  const test =
    named ?? chooseDefaultTest(reference.kind, reference.count, uniqueCount(reference, current))
  const threshold = options.threshold ?? test.defaultThreshold
  const { statistic, pValue } = test.run(reference, current)
  const score = test.driftWhen === 'below' ? (pValue ?? NaN) : statistic
  return {
    test: test.name,
    statistic,
    ...(pValue === undefined ? {} : { pValue }),
    score,
    threshold,
    isDrifted: isDrift(test, score, threshold),
    referenceCount: reference.count,
    currentCount: current.count,
  }
}

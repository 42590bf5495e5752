import { InvalidParameterError } from '../shared/errors.js'
import type { CategoricalProfile } from './categorical-profile.js'
import type { NumericProfile } from './numeric-profile.js'
import type { NumericSample } from './numeric-sample.js'

/** Evidently's column types that drift tests distinguish. */
export type ColumnKind = 'numerical' | 'categorical'

/** A numerical column: held exactly (a sample) or summarised (a stored profile). */
export type NumericColumn = NumericSample | NumericProfile

/** What drift tests compare: a numerical sample or profile, or a categorical profile. */
export type ColumnSource = NumericColumn | CategoricalProfile

/** Names of the registered drift tests (Evidently's stattest names). */
export type DriftTestName = 'ks' | 'chisquare' | 'z' | 'psi' | 'jensenshannon' | 'wasserstein'

/** Result of one drift test. */
export interface DriftScore {
  /** The test statistic or distance. */
  statistic: number
  /** p-value, for the tests that have one. */
  pValue?: number
}

/** A drift test and how to read its score (Evidently's `StatTest`). */
export interface DriftTest {
  /** Registry name. */
  readonly name: DriftTestName
  /** Human-readable name (Evidently's display_name). */
  readonly displayName: string
  /** Column kinds the test accepts. */
  readonly columnKinds: readonly ColumnKind[]
  /** Threshold used when the caller gives none. */
  readonly defaultThreshold: number
  /** 'below': the p-value is compared (drift when small); 'above': the statistic is. */
  readonly driftWhen: 'below' | 'above'
  /** Whether a score equal to the threshold is drift (Evidently: KS p ≤ t, chi-square and Z p < t, distances ≥ t). */
  readonly isThresholdInclusive: boolean
  /** Runs the test; reference and current must be of the same kind. */
  readonly run: (reference: ColumnSource, current: ColumnSource) => DriftScore
}

/** Narrows a source to a numerical column, or says which test refused what. */
export function asNumeric(source: ColumnSource, test: DriftTestName): NumericColumn {
  if (source.kind !== 'numerical') {
    throw new InvalidParameterError(`drift test '${test}' needs numerical columns, got categorical`)
  }
  return source
}

/**
 * Throws unless both sides hold values once missing ones are dropped (scipy's ks_2samp raises on
 * empty input; Evidently's PSI and Jensen–Shannon return NaN, which we do not propagate).
 */
export function requireValues(
  reference: ColumnSource,
  current: ColumnSource,
  test: DriftTestName,
): void {
  if (reference.count === 0 || current.count === 0) {
    const side = reference.count === 0 ? 'reference' : 'current'
    throw new InvalidParameterError(`drift test '${test}': the ${side} column has no values`)
  }
}

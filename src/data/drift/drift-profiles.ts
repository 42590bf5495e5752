import {
  CategoricalProfile,
  columnDrift,
  datasetDrift,
  NumericProfile,
  type ColumnDriftResult,
  type ColumnSource,
  type DatasetDriftResult,
  type DriftTestName,
} from '../../stats/index.js'
import { DomainError } from '../../shared/errors.js'
import type { ColumnProfile, DatasetProfile } from '../profile/dataset-profile.js'

/** Which drift test to run and how to decide. */
export interface DriftOptions {
  /** Only these columns; every column both sides share by default. */
  readonly columns?: readonly string[] | undefined
  /** One test for every column; by default Evidently's choice per column. */
  readonly test?: DriftTestName | undefined
  readonly threshold?: number | undefined
  /** Share of drifted columns at which the dataset counts as drifted (default 0.5). */
  readonly driftShare?: number | undefined
  /**
   * Numerical columns are compared value by value while each side holds at most this many
   * numbers (16 bytes each in memory), through their profiles' sketches beyond (default 2,000,000).
   */
  readonly maxExactValues?: number | undefined
}

/** Exact values of numerical columns, used instead of their profiles' sketches when given. */
export interface ExactSamples {
  readonly reference: ReadonlyMap<string, ColumnSource>
  readonly current: ReadonlyMap<string, ColumnSource>
}

/** The verdict on one column, or why it was not tested. */
export interface ColumnDrift {
  readonly name: string
  readonly kind: ColumnProfile['kind']
  readonly result?: ColumnDriftResult | undefined
  /** True when computed from every value; false when a numerical column's sketch stood in. */
  readonly isExact?: boolean | undefined
  /** Why no test ran (a side without values, a datetime column, kinds that differ…). */
  readonly skipped?: string | undefined
}

/** Column verdicts and the dataset verdict over the columns tested. */
export interface ProfileDrift {
  readonly columns: ColumnDrift[]
  readonly dataset: DatasetDriftResult & { readonly driftShare: number }
}

/** The statistics module's view of a stored column profile. */
export function columnSource(column: ColumnProfile): ColumnSource | undefined {
  if (column.numeric) return NumericProfile.fromJSON(column.numeric)
  if (column.categorical) return CategoricalProfile.fromJSON(column.categorical)
  return undefined
}

/**
 * Tests each column for drift from its two profiles (no data is read): categorical columns through
 * their category counts, numerical ones through their exact values when `exact` holds them, else
 * through their quantile sketches and histograms.
 */
export function driftProfiles(
  reference: DatasetProfile,
  current: DatasetProfile,
  options: DriftOptions = {},
  exact?: ExactSamples,
): ProfileDrift {
  const currentByName = new Map(current.columns.map((c) => [c.name, c]))
  const wanted = options.columns ? new Set(options.columns) : undefined
  const columns: ColumnDrift[] = []
  for (const ref of reference.columns) {
    if (wanted && !wanted.has(ref.name)) continue
    columns.push(driftColumn(ref, currentByName.get(ref.name), options, exact))
  }
  for (const name of wanted ?? []) {
    if (!reference.columns.some((c) => c.name === name)) {
      columns.push({
        name,
        kind: currentByName.get(name)?.kind ?? 'numerical',
        skipped: 'not in the reference',
      })
    }
  }
  const tested = columns.flatMap((c) => (c.result ? [c.result] : []))
  const driftShare = options.driftShare ?? 0.5
  return { columns, dataset: { ...datasetDrift(tested, { driftShare }), driftShare } }
}

function driftColumn(
  ref: ColumnProfile,
  cur: ColumnProfile | undefined,
  options: DriftOptions,
  exact: ExactSamples | undefined,
): ColumnDrift {
  const about = { name: ref.name, kind: ref.kind }
  if (!cur) return { ...about, skipped: 'not in the current data' }
  if (ref.kind === 'datetime')
    return { ...about, skipped: 'datetime columns are not tested for drift' }
  if (cur.kind !== ref.kind)
    return { ...about, skipped: `${ref.kind} in the reference but ${cur.kind} in the current data` }
  const exactA = exact?.reference.get(ref.name)
  const exactB = exact?.current.get(ref.name)
  const isExact =
    ref.kind === 'categorical'
      ? ref.categorical?.otherCount === 0 && cur.categorical?.otherCount === 0
      : exactA !== undefined && exactB !== undefined
  const a = (isExact ? exactA : undefined) ?? columnSource(ref)
  const b = (isExact ? exactB : undefined) ?? columnSource(cur)
  if (!a || !b) return { ...about, skipped: 'no profile to compare' }
  try {
    const result = columnDrift(a, b, {
      ...(options.test === undefined ? {} : { test: options.test }),
      ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
    })
    return { ...about, result, isExact }
  } catch (err) {
    // An empty side, or a test that does not apply: a defined outcome for this column, not a failure of the report.
    if (err instanceof DomainError) return { ...about, skipped: err.message }
    throw err
  }
}

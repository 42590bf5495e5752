import type { CategoricalProfileJson, NumericProfileJson } from '../../stats/index.js'
import type { ColumnType } from '../column-type.js'

/** How a column is profiled and tested for drift. */
export type ProfileKind = 'numerical' | 'categorical' | 'datetime'

/** A profile of one column: null and distinct counts, plus the mergeable statistics of its kind. */
export interface ColumnProfile {
  readonly name: string
  readonly type: ColumnType
  readonly kind: ProfileKind
  /** SQL nulls (NaN is counted by the numerical profile as missing, apart from these). */
  readonly nullCount: number
  /**
   * Distinct non-null values, exact: always for categorical columns, up to 100 for numerical ones
   * (null beyond, and for timestamps).
   */
  readonly distinctCount: number | null
  /** Counts, moments, histogram and quantile sketch (int and float columns). */
  readonly numeric?: NumericProfileJson | undefined
  /** Counts of the most frequent categories (string, category and bool columns). */
  readonly categorical?: CategoricalProfileJson | undefined
  /** Earliest and latest value, ISO 8601 (timestamp columns). */
  readonly datetime?: { readonly min: string | null; readonly max: string | null } | undefined
}

/** A profile of a whole dataset: one entry per column, in file order. */
export interface DatasetProfile {
  readonly rowCount: number
  readonly columns: ColumnProfile[]
}

/** The kind a column of `type` is profiled as. */
export function profileKindOf(type: ColumnType): ProfileKind {
  switch (type) {
    case 'int':
    case 'float':
      return 'numerical'
    case 'timestamp':
      return 'datetime'
    case 'bool':
    case 'string':
    case 'category':
      return 'categorical'
  }
}

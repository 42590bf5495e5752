import type { JsonValue } from './json-value.js'

/** What an expectation checks. */
export type ExpectationKind =
  | 'column_present'
  | 'no_extra_columns'
  | 'type'
  | 'not_null'
  | 'max_null_fraction'
  | 'range'
  | 'allowed_values'
  | 'regex'
  | 'unique'
  | 'row_count'
  | 'freshness'
  | 'mean'
  | 'quantile'

/** The verdict on one expectation. */
export interface ExpectationResult {
  readonly expectation: ExpectationKind
  /** The column(s) it is about; absent for dataset-level expectations. */
  readonly columns?: string[] | undefined
  /** In words: `amount in [0, 1000]`. */
  readonly description: string
  readonly success: boolean
  /** What was measured: a count, a fraction, a mean, the newest timestamp… */
  readonly observed: JsonValue
  /** Rows (or keys) that break it, when it is a row-level expectation. */
  readonly failingCount?: number | undefined
  /** Up to N failing rows as read (for uniqueness: the duplicated keys and their counts). */
  readonly examples: Record<string, JsonValue>[]
}

/** The result of checking one dataset against one contract. */
export interface ValidationReport {
  readonly success: boolean
  readonly contract: {
    readonly name: string
    /** The stored version, or null for a contract checked straight from a file. */
    readonly version: number | null
    readonly hash: string
  }
  readonly dataset: {
    /** The file or dataset version that was read. */
    readonly source: string
    readonly format: string
    readonly rowCount: number
    /** sha256 of the file's bytes, when known. */
    readonly digest?: string | undefined
    /** The dataset version checked, when the data is one. */
    readonly versionId?: string | undefined
  }
  readonly evaluatedAtMs: number
  readonly statistics: {
    readonly evaluated: number
    readonly passed: number
    readonly failed: number
  }
  readonly results: ExpectationResult[]
}

/** A report as stored, with its id and who ran it. */
export interface StoredValidationReport extends ValidationReport {
  readonly id: string
  readonly createdBy: string
}

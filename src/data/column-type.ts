/** The column types a contract or a dataset schema names. */
export const COLUMN_TYPES = ['int', 'float', 'bool', 'string', 'timestamp', 'category'] as const
export type ColumnType = (typeof COLUMN_TYPES)[number]

/** One column of a dataset as read: its name, our type, and the type DuckDB inferred. */
export interface ColumnInfo {
  readonly name: string
  readonly type: ColumnType
  /** The DuckDB type as read (`BIGINT`, `VARCHAR`, `TIMESTAMP WITH TIME ZONE`, …). */
  readonly sourceType: string
}

const INT = /^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|UHUGEINT)$/
const FLOAT = /^(FLOAT|DOUBLE|REAL|DECIMAL(\(\d+,\s*\d+\))?)$/

/**
 * Our type for a DuckDB type. Nested and exotic types (LIST, STRUCT, BLOB, UUID, TIME…) count as
 * strings: readers cast them to VARCHAR so every column is profiled and checked as something.
 */
export function columnTypeOf(duckdbType: string): ColumnType {
  const t = duckdbType.toUpperCase()
  if (INT.test(t)) return 'int'
  if (FLOAT.test(t)) return 'float'
  if (t === 'BOOLEAN') return 'bool'
  if (t === 'DATE' || t.startsWith('TIMESTAMP')) return 'timestamp'
  if (t.startsWith('ENUM(')) return 'category'
  return 'string'
}

/** True when DuckDB can read the type as is; others are cast to VARCHAR on read. */
export function isScalarDuckdbType(duckdbType: string): boolean {
  const t = duckdbType.toUpperCase()
  return columnTypeOf(t) !== 'string' || t === 'VARCHAR'
}

/** The DuckDB type a column of `type` is checked and read as. */
export function duckdbTypeOf(type: ColumnType): string {
  switch (type) {
    case 'int':
      return 'BIGINT'
    case 'float':
      return 'DOUBLE'
    case 'bool':
      return 'BOOLEAN'
    case 'timestamp':
      return 'TIMESTAMP'
    case 'string':
    case 'category':
      return 'VARCHAR'
  }
}

/** MLflow's column-spec type names (`mlflow.types.DataType`). */
export function mlflowTypeOf(type: ColumnType): string {
  switch (type) {
    case 'int':
      return 'long'
    case 'float':
      return 'double'
    case 'bool':
      return 'boolean'
    case 'timestamp':
      return 'datetime'
    case 'string':
    case 'category':
      return 'string'
  }
}

/** True for types whose values are profiled as numbers (histograms, quantiles). */
export function isNumericType(type: ColumnType): boolean {
  return type === 'int' || type === 'float'
}

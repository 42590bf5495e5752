import { columnTypeOf, duckdbTypeOf, isScalarDuckdbType, type ColumnInfo } from './column-type.js'
import { ident } from './sql.js'

/**
 * The SQL reading a column as its declared type: the column itself when the types agree,
 * TRY_CAST otherwise, so a value that does not fit becomes null (and a failed type check)
 * rather than an error.
 */
export function castExpression(column: ColumnInfo): string {
  const name = ident(column.name)
  const target = duckdbTypeOf(column.type)
  const source = column.sourceType.toUpperCase()
  if (source === target) return name
  if (!isScalarDuckdbType(source) && target === 'VARCHAR') return `CAST(${name} AS VARCHAR)`
  // A float is an int only when it has no fraction; a plain cast would round 1.5 to 2.
  if (column.type === 'int' && columnTypeOf(source) === 'float') {
    return `CASE WHEN ${name} = trunc(${name}) THEN TRY_CAST(${name} AS BIGINT) END`
  }
  // Text casts to BIGINT round too ('2.5' becomes 3): check the number has no fraction first.
  if (column.type === 'int' && source === 'VARCHAR') {
    const number = `TRY_CAST(${name} AS DOUBLE)`
    return `CASE WHEN ${number} = trunc(${number}) THEN TRY_CAST(${name} AS BIGINT) END`
  }
  // Text goes through TIMESTAMPTZ so that an offset ('…+02') is honoured, not dropped.
  if (column.type === 'timestamp' && source === 'VARCHAR') {
    return `TRY_CAST(TRY_CAST(${name} AS TIMESTAMPTZ) AS TIMESTAMP)`
  }
  return `TRY_CAST(${name} AS ${target})`
}

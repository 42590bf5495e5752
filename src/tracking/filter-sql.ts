import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely'
import type { FilterClause } from './search-filter.js'

/**
 * Turns one filter clause's comparison into SQL on `column`, written once for both dialects:
 * LIKE is case-sensitive on both (SQLite's is switched on at connect), ILIKE is lower() LIKE lower().
 */
export function comparison(
  column: Expression<unknown>,
  { operator, value }: Pick<FilterClause, 'operator' | 'value'>,
): Expression<SqlBool> {
  switch (operator) {
    case '=':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=': {
      // A number is cast to double: PostgreSQL would otherwise type the parameter after a bigint
      // column (start_time) and refuse 1500.5 instead of comparing with it.
      const operand = typeof value === 'number' ? sql`cast(${value} as double precision)` : value
      return sql<SqlBool>`${column} ${sql.raw(operator)} ${operand}`
    }
    case 'LIKE':
      return sql<SqlBool>`${column} like ${value}`
    case 'ILIKE':
      return sql<SqlBool>`lower(${column}) like lower(${value})`
    case 'IN':
    case 'NOT IN': {
      const list = value as readonly string[]
      return sql<SqlBool>`${column} ${sql.raw(operator === 'IN' ? 'in' : 'not in')} (${sql.join(list)})`
    }
    case 'IS NULL':
      return sql<SqlBool>`${column} is null`
    case 'IS NOT NULL':
      return sql<SqlBool>`${column} is not null`
  }
}

/** An ORDER BY term that puts rows lacking the value last, in either direction (as MLflow does). */
export function nullsLast(column: Expression<unknown>, ascending: boolean) {
  return [
    sql`case when ${column} is null then 1 else 0 end`,
    sql`${column} ${sql.raw(ascending ? 'asc' : 'desc')}`,
  ] as const
}

export type { ExpressionBuilder }

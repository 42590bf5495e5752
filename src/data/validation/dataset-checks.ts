import { castExpression } from '../column-cast.js'
import type { ColumnInfo } from '../column-type.js'
import type { Contract } from '../contract.js'
import type { DataSession, DataTable } from '../data-session.js'
import { numberOf } from '../json-value.js'
import { ident } from '../sql.js'
import type { ExpectationResult } from '../validation-report.js'

/** Whether each contract column is there; a missing nullable column is optional and passes. */
export function presenceResults(contract: Contract, table: DataTable): ExpectationResult[] {
  const present = new Set(table.columns.map((c) => c.name))
  const results: ExpectationResult[] = contract.columns.map((spec) => {
    const isPresent = present.has(spec.name)
    return {
      expectation: 'column_present',
      columns: [spec.name],
      description: `column ${spec.name} is present${spec.nullable ? ' (optional: nullable)' : ''}`,
      success: isPresent || spec.nullable,
      observed: isPresent ? 'present' : 'absent',
      examples: [],
    }
  })
  if (!contract.allowExtraColumns) {
    const declared = new Set(contract.columns.map((c) => c.name))
    const extra = table.columns.map((c) => c.name).filter((name) => !declared.has(name))
    results.push({
      expectation: 'no_extra_columns',
      description: 'no columns beyond the contract',
      success: extra.length === 0,
      observed: extra,
      examples: [],
    })
  }
  return results
}

/** The row-count expectation from the count of the shared scan. */
export function rowCountResult(contract: Contract, rowCount: number): ExpectationResult[] {
  const bounds = contract.rowCount
  if (!bounds) return []
  const success = rowCount >= (bounds.min ?? 0) && rowCount <= (bounds.max ?? Infinity)
  return [
    {
      expectation: 'row_count',
      description: `row count in [${bounds.min ?? 0}, ${bounds.max ?? '∞'}]`,
      success,
      observed: rowCount,
      examples: [],
    },
  ]
}

/**
 * A uniqueness check over one key (one or more columns), on the typed values. Rows with a null in
 * the key are not compared, as SQL's UNIQUE does. Examples are the duplicated keys with counts.
 */
export async function uniqueResult(
  session: DataSession,
  table: DataTable,
  key: readonly ColumnInfo[],
  maxExamples: number,
): Promise<ExpectationResult> {
  const exprs = key.map((c) => `${castExpression(c)} AS ${ident(c.name)}`)
  const notNull = key.map((c) => `${castExpression(c)} IS NOT NULL`).join(' AND ')
  const groups = `SELECT ${exprs.join(', ')}, count(*) AS "count" FROM ${ident(table.sourceView)} WHERE ${notNull} GROUP BY ALL HAVING count(*) > 1`
  const [totals] = await session.rows(
    `SELECT count(*) AS keys, coalesce(sum("count"), 0) AS rows FROM (${groups})`,
  )
  const duplicateKeys = numberOf(totals?.keys) ?? 0
  const examples =
    duplicateKeys > 0 && maxExamples > 0
      ? await session.rows(`${groups} ORDER BY "count" DESC LIMIT ${maxExamples}`)
      : []
  const names = key.map((c) => c.name)
  return {
    expectation: 'unique',
    columns: names,
    description: names.length === 1 ? `${names[0]} is unique` : `(${names.join(', ')}) is unique`,
    success: duplicateKeys === 0,
    observed: { duplicateKeys, duplicateRows: numberOf(totals?.rows) ?? 0 },
    failingCount: numberOf(totals?.rows) ?? 0,
    examples,
  }
}

import type { ColumnInfo } from '../column-type.js'
import type { Contract } from '../contract.js'
import type { DataSession, DataTable } from '../data-session.js'
import { duckdbMessage } from '../duckdb-error.js'
import { numberOf } from '../json-value.js'
import { ident, literal } from '../sql.js'
import type { ExpectationResult, ValidationReport } from '../validation-report.js'
import { columnChecks, type Check } from './column-checks.js'
import { presenceResults, rowCountResult, uniqueResult } from './dataset-checks.js'

/** How to validate. */
export interface ValidateOptions {
  /** "Now" for freshness expectations. */
  readonly nowMs: number
  /** Failing rows to show per expectation. */
  readonly maxExamples: number
}

/** The outcome of a validation, before it is tied to a contract version and a dataset. */
export type ValidationOutcome = Pick<ValidationReport, 'success' | 'statistics' | 'results'> & {
  readonly rowCount: number
}

/**
 * Checks `table` against `contract`. Every row-level expectation is counted in one SQL scan;
 * uniqueness takes one GROUP BY per key; examples are fetched only for failures.
 */
export async function validateTable(
  session: DataSession,
  table: DataTable,
  contract: Contract,
  options: ValidateOptions,
): Promise<ValidationOutcome> {
  const byName = new Map(table.columns.map((c) => [c.name, c]))
  const typedAs = (name: string): ColumnInfo | undefined => {
    const info = byName.get(name)
    const spec = contract.columns.find((c) => c.name === name)
    return info && spec ? { ...info, type: spec.type } : info
  }
  const checks = contract.columns.flatMap((spec) => {
    const info = typedAs(spec.name)
    return info ? columnChecks(spec, info, options.nowMs) : []
  })
  const badPatterns = await findBadPatterns(session, checks)
  const { rowCount, results } = await runChecks(session, table, checks, {
    badPatterns,
    maxExamples: options.maxExamples,
  })
  const uniques = await uniqueResults(session, table, contract, {
    typedAs,
    maxExamples: options.maxExamples,
  })
  const all = [
    ...presenceResults(contract, table),
    ...results,
    ...uniques,
    ...rowCountResult(contract, rowCount),
  ]
  const failed = all.filter((r) => !r.success).length
  return {
    success: failed === 0,
    rowCount,
    statistics: { evaluated: all.length, passed: all.length - failed, failed },
    results: all,
  }
}

/** One uniqueness result per key: single `unique` columns first, then compound keys. */
async function uniqueResults(
  session: DataSession,
  table: DataTable,
  contract: Contract,
  {
    typedAs,
    maxExamples,
  }: { typedAs: (name: string) => ColumnInfo | undefined; maxExamples: number },
): Promise<ExpectationResult[]> {
  const present = new Map(table.columns.map((c) => [c.name, c]))
  const keys = [
    ...contract.columns.filter((c) => c.unique && present.has(c.name)).map((c) => [c.name]),
    ...(contract.unique ?? []),
  ]
  const results: ExpectationResult[] = []
  for (const key of keys) {
    const infos = key.map(typedAs)
    results.push(
      infos.every((i): i is ColumnInfo => i !== undefined)
        ? await uniqueResult(session, table, infos, maxExamples)
        : absentKey(key, present),
    )
  }
  return results
}

async function runChecks(
  session: DataSession,
  table: DataTable,
  checks: readonly Check[],
  { badPatterns, maxExamples }: { badPatterns: ReadonlyMap<Check, string>; maxExamples: number },
): Promise<{ rowCount: number; results: ExpectationResult[] }> {
  const runnable = checks.filter((c) => !badPatterns.has(c))
  const aggregates = runnable.flatMap((c) => c.aggregates)
  const select = ['count(*) AS "n"', ...aggregates.map((a, i) => `${a} AS "a${i}"`)]
  const source = ident(table.sourceView)
  const [row = {}] = await session.rows(`SELECT ${select.join(', ')} FROM ${source}`)
  const rowCount = numberOf(row.n) ?? 0
  const results: ExpectationResult[] = []
  let next = 0
  for (const check of checks) {
    const about = {
      expectation: check.expectation,
      columns: check.columns,
      description: check.description,
    }
    const bad = badPatterns.get(check)
    if (bad !== undefined) {
      results.push({
        ...about,
        success: false,
        observed: `invalid RE2 pattern: ${bad}`,
        examples: [],
      })
      continue
    }
    const values = check.aggregates.map(() => row[`a${next++}`] ?? null)
    const verdict = check.judge(values, rowCount)
    const examples =
      !verdict.success && check.failing && maxExamples > 0
        ? await session.rows(`SELECT * FROM ${source} WHERE ${check.failing} LIMIT ${maxExamples}`)
        : []
    results.push({ ...about, ...verdict, examples })
  }
  return { rowCount, results }
}

/**
 * Checks whose regex DuckDB rejects (RE2 lacks some JS syntax, such as lookbehind) become failed
 * results instead of failing the whole scan.
 */
async function findBadPatterns(
  session: DataSession,
  checks: readonly Check[],
): Promise<Map<Check, string>> {
  const bad = new Map<Check, string>()
  for (const check of checks) {
    for (const pattern of check.patterns ?? []) {
      try {
        await session.rows(`SELECT regexp_matches('', ${literal(pattern)})`)
      } catch (err) {
        bad.set(check, duckdbMessage(err instanceof Error && err.cause ? err.cause : err))
      }
    }
  }
  return bad
}

function absentKey(
  key: readonly string[],
  present: ReadonlyMap<string, unknown>,
): ExpectationResult {
  const missing = key.filter((name) => !present.has(name))
  return {
    expectation: 'unique',
    columns: [...key],
    description: `(${key.join(', ')}) is unique`,
    success: false,
    observed: `key columns absent: ${missing.join(', ')}`,
    examples: [],
  }
}

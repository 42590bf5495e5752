import { castExpression } from '../column-cast.js'
import type { ColumnInfo } from '../column-type.js'
import type { ColumnSpec } from '../contract.js'
import { parseDurationMs } from '../duration.js'
import { numberOf, type JsonValue } from '../json-value.js'
import { ident, literal, numberLiteral } from '../sql.js'
import type { ExpectationKind } from '../validation-report.js'

/** What a check concludes from its aggregates. */
export interface Verdict {
  readonly success: boolean
  readonly observed: JsonValue
  readonly failingCount?: number | undefined
}

/**
 * One expectation as SQL: aggregates computed in the single scan shared by all checks, a verdict
 * from their values, and the predicate that selects failing rows for examples.
 */
export interface Check {
  readonly expectation: ExpectationKind
  readonly columns: string[]
  readonly description: string
  readonly aggregates: string[]
  /** Regex patterns the check uses, tried in DuckDB first (RE2 rejects some JS syntax). */
  readonly patterns?: string[]
  judge(values: JsonValue[], rowCount: number): Verdict
  readonly failing?: string | undefined
}

/** A row-level check: failing rows counted in the scan, examples selected by `failing`. */
function rowCheck(
  expectation: ExpectationKind,
  column: string,
  description: string,
  failing: string,
  extra: string[] = [],
): Check {
  return {
    expectation,
    columns: [column],
    description,
    aggregates: [`count(*) FILTER (WHERE ${failing})`, ...extra],
    failing,
    judge: ([count, ...rest]) => {
      const failingCount = numberOf(count) ?? 0
      const observed: JsonValue =
        rest.length > 0
          ? { failing: failingCount, min: rest[0] ?? null, max: rest[1] ?? null }
          : { failing: failingCount }
      return { success: failingCount === 0, observed, failingCount }
    },
  }
}

/** The checks of one column that is present in the data. */
export function columnChecks(spec: ColumnSpec, info: ColumnInfo, nowMs: number): Check[] {
  const raw = ident(spec.name)
  const typed = castExpression(info)
  const checks: Check[] = [typeCheck(spec, info, raw, typed)]
  if (!spec.nullable)
    checks.push(rowCheck('not_null', spec.name, `${spec.name} has no nulls`, `${raw} IS NULL`))
  if (spec.maxNullFraction !== undefined)
    checks.push(nullFractionCheck(spec.name, raw, spec.maxNullFraction))
  if (spec.min !== undefined || spec.max !== undefined) checks.push(rangeCheck(spec, typed))
  if (spec.allowed !== undefined) {
    const list = spec.allowed.map(literal).join(', ')
    const failing = `${typed} IS NOT NULL AND ${typed} NOT IN (${list || 'NULL'})`
    checks.push(
      rowCheck(
        'allowed_values',
        spec.name,
        `${spec.name} in {${spec.allowed.join(', ')}}`,
        failing,
      ),
    )
  }
  if (spec.regex !== undefined) {
    const failing = `${typed} IS NOT NULL AND NOT regexp_matches(${typed}, ${literal(spec.regex)})`
    const check = rowCheck('regex', spec.name, `${spec.name} matches /${spec.regex}/`, failing)
    checks.push({ ...check, patterns: [spec.regex] })
  }
  if (spec.maxAge !== undefined) checks.push(freshnessCheck(spec.name, typed, spec.maxAge, nowMs))
  if (spec.mean) checks.push(statisticCheck('mean', spec.name, `avg(${typed})`, typed, spec.mean))
  for (const q of spec.quantiles ?? []) {
    checks.push(
      statisticCheck('quantile', spec.name, `quantile_cont(${typed}, ${q.q})`, typed, q, `q${q.q}`),
    )
  }
  return checks
}

function typeCheck(spec: ColumnSpec, info: ColumnInfo, raw: string, typed: string): Check {
  const description = `${spec.name} is ${spec.type}`
  if (typed === raw) {
    return {
      expectation: 'type',
      columns: [spec.name],
      description,
      aggregates: [],
      judge: () => ({
        success: true,
        observed: { sourceType: info.sourceType, failing: 0 },
        failingCount: 0,
      }),
    }
  }
  const check = rowCheck('type', spec.name, description, `${raw} IS NOT NULL AND ${typed} IS NULL`)
  return {
    ...check,
    judge: (values, rowCount) => {
      const verdict = check.judge(values, rowCount)
      return {
        ...verdict,
        observed: { sourceType: info.sourceType, failing: verdict.failingCount ?? 0 },
      }
    },
  }
}

function nullFractionCheck(name: string, raw: string, limit: number): Check {
  return {
    expectation: 'max_null_fraction',
    columns: [name],
    description: `${name} null fraction ≤ ${limit}`,
    aggregates: [`count(*) FILTER (WHERE ${raw} IS NULL)`],
    // An empty dataset has no nulls to object to: the row-count expectation is the one to catch it.
    judge: ([nulls], rowCount) => {
      const fraction = rowCount === 0 ? null : (numberOf(nulls) ?? 0) / rowCount
      return { success: fraction === null || fraction <= limit, observed: fraction }
    },
  }
}

function rangeCheck(spec: ColumnSpec, typed: string): Check {
  const outside: string[] = []
  if (spec.min !== undefined) outside.push(`${typed} < ${numberLiteral(spec.min)}`)
  if (spec.max !== undefined) outside.push(`${typed} > ${numberLiteral(spec.max)}`)
  // NaN is in no range (DuckDB would order it above every number).
  if (spec.type === 'float') outside.push(`isnan(${typed})`)
  const description = `${spec.name} in [${spec.min ?? '-∞'}, ${spec.max ?? '∞'}]`
  const failing = `${typed} IS NOT NULL AND (${outside.join(' OR ')})`
  return rowCheck('range', spec.name, description, failing, [`min(${typed})`, `max(${typed})`])
}

function freshnessCheck(name: string, typed: string, maxAge: string, nowMs: number): Check {
  const limitMs = parseDurationMs(maxAge) ?? 0
  return {
    expectation: 'freshness',
    columns: [name],
    description: `newest ${name} at most ${maxAge} old`,
    aggregates: [`epoch_ms(max(${typed}))`],
    judge: ([latest]) => {
      const latestMs = numberOf(latest)
      if (latestMs === undefined)
        return { success: false, observed: { latest: null, ageSeconds: null } }
      const ageMs = nowMs - latestMs
      return {
        success: ageMs <= limitMs,
        observed: { latest: new Date(latestMs).toISOString(), ageSeconds: ageMs / 1000 },
      }
    },
  }
}

/** A mean or quantile of the finite values, within bounds; no finite value at all fails. */
function statisticCheck(
  expectation: 'mean' | 'quantile',
  name: string,
  aggregate: string,
  typed: string,
  bounds: { min?: number | undefined; max?: number | undefined },
  label: string = expectation,
): Check {
  return {
    expectation,
    columns: [name],
    description: `${label}(${name}) in [${bounds.min ?? '-∞'}, ${bounds.max ?? '∞'}]`,
    aggregates: [`${aggregate} FILTER (WHERE isfinite(${typed}))`],
    judge: ([value]) => {
      const v = numberOf(value)
      const inside =
        v !== undefined && v >= (bounds.min ?? -Infinity) && v <= (bounds.max ?? Infinity)
      return { success: inside, observed: value ?? null }
    },
  }
}

import {
  CategoricalProfile,
  NumericProfile,
  sturgesEdges,
  type CategoricalProfileJson,
} from '../../stats/index.js'
import type { ColumnInfo } from '../column-type.js'
import type { DataSession, DataTable } from '../data-session.js'
import { numberOf, type JsonValue } from '../json-value.js'
import { ident } from '../sql.js'
import { profileKindOf, type ColumnProfile, type DatasetProfile } from './dataset-profile.js'
import { doubleBatches } from './double-columns.js'

/** How to profile. */
export interface ProfileOptions {
  /**
   * Histogram edges per numerical column: give the reference's so that a current window is
   * counted on the same bins. Columns without are binned by Sturges' rule over their own range.
   */
  readonly edges?: Readonly<Record<string, readonly number[]>> | undefined
  /** Categories kept per categorical column; the rarest beyond fold into "other". */
  readonly maxCategories?: number | undefined
}

const DEFAULT_MAX_CATEGORIES = 1000

type Summary = Record<string, JsonValue>

/**
 * Profiles every column of `table` in three scans inside DuckDB's reach: one SQL pass of
 * aggregates (nulls, distinct counts, finite ranges), one stream of the numerical columns as
 * DOUBLE batches into mergeable numeric profiles, and one GROUP BY per categorical column.
 */
export async function profileTable(
  session: DataSession,
  table: DataTable,
  options: ProfileOptions = {},
): Promise<DatasetProfile> {
  const summary = await summarise(session, table)
  const rowCount = numberOf(summary.n) ?? 0
  const numeric = await numericProfiles(session, table, summary, options.edges ?? {})
  const columns: ColumnProfile[] = []
  for (const [i, column] of table.columns.entries()) {
    const kind = profileKindOf(column.type)
    const nonNull = numberOf(summary[`c${i}_count`]) ?? 0
    const base = {
      name: column.name,
      type: column.type,
      kind,
      nullCount: rowCount - nonNull,
      distinctCount: numberOf(summary[`c${i}_distinct`]) ?? 0,
    }
    if (kind === 'numerical') columns.push({ ...base, numeric: numeric.get(column.name)?.toJSON() })
    else if (kind === 'datetime') {
      const min = summary[`c${i}_min`]
      const max = summary[`c${i}_max`]
      columns.push({
        ...base,
        datetime: {
          min: typeof min === 'string' ? min : null,
          max: typeof max === 'string' ? max : null,
        },
      })
    } else {
      const maxCategories = options.maxCategories ?? DEFAULT_MAX_CATEGORIES
      const categorical = await categoricalProfile(session, table, column, {
        nonNull,
        nulls: base.nullCount,
        maxCategories,
      })
      columns.push({ ...base, categorical })
    }
  }
  return { rowCount, columns }
}

/** One pass of aggregates over every column. */
async function summarise(session: DataSession, table: DataTable): Promise<Summary> {
  const select = ['count(*) AS "n"']
  table.columns.forEach((column, i) => {
    const c = ident(column.name)
    select.push(`count(${c}) AS "c${i}_count"`, `approx_count_distinct(${c}) AS "c${i}_distinct"`)
    const kind = profileKindOf(column.type)
    if (kind === 'numerical') {
      const finite = `FILTER (WHERE isfinite(${c}))`
      select.push(
        `min(${c}::DOUBLE) ${finite} AS "c${i}_min"`,
        `max(${c}::DOUBLE) ${finite} AS "c${i}_max"`,
      )
      select.push(`count(*) ${finite} AS "c${i}_finite"`)
    } else if (kind === 'datetime') {
      select.push(`min(${c}) AS "c${i}_min"`, `max(${c}) AS "c${i}_max"`)
    }
  })
  const [row = {}] = await session.rows(
    `SELECT ${select.join(', ')} FROM ${ident(table.view)}`,
    'Profiling the data failed',
  )
  return row
}

/** Streams the numerical columns once, merging a profile per batch on fixed edges. */
async function numericProfiles(
  session: DataSession,
  table: DataTable,
  summary: Summary,
  edgesByColumn: Readonly<Record<string, readonly number[]>>,
): Promise<Map<string, NumericProfile>> {
  const columns = table.columns
    .map((column, i) => ({ column, i }))
    .filter(({ column }) => profileKindOf(column.type) === 'numerical')
  const edges = columns.map(({ column, i }) => {
    const given = edgesByColumn[column.name]
    if (given) return given
    const count = numberOf(summary[`c${i}_finite`]) ?? 0
    const min = numberOf(summary[`c${i}_min`])
    const max = numberOf(summary[`c${i}_max`])
    return count > 0 && min !== undefined && max !== undefined ? sturgesEdges(min, max, count) : []
  })
  const profiles = new Map<string, NumericProfile>()
  columns.forEach(({ column }, k) =>
    profiles.set(column.name, NumericProfile.of([], { edges: edges[k] ?? [] })),
  )
  if (columns.length === 0) return profiles
  const select = columns.map(
    ({ column }) => `coalesce(${ident(column.name)}::DOUBLE, 'NaN'::DOUBLE)`,
  )
  const sql = `SELECT ${select.join(', ')} FROM ${ident(table.view)}`
  for await (const batch of doubleBatches(session, sql, columns.length)) {
    columns.forEach(({ column }, k) => {
      const part = NumericProfile.of(batch[k] ?? [], { edges: edges[k] ?? [] })
      profiles.set(column.name, (profiles.get(column.name) as NumericProfile).merge(part))
    })
  }
  return profiles
}

/** The most frequent categories of one column, counted by DuckDB. */
async function categoricalProfile(
  session: DataSession,
  table: DataTable,
  column: ColumnInfo,
  { nonNull, nulls, maxCategories }: { nonNull: number; nulls: number; maxCategories: number },
): Promise<CategoricalProfileJson> {
  const c = ident(column.name)
  const rows = await session.rows(
    `SELECT ${c} AS "value", count(*) AS "n" FROM ${ident(table.view)} WHERE ${c} IS NOT NULL ` +
      `GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${maxCategories}`,
    'Profiling the data failed',
  )
  const categories = rows.map((r): [string | number | boolean, number] => [
    typeof r.value === 'boolean' || typeof r.value === 'number' ? r.value : String(r.value),
    numberOf(r.n) ?? 0,
  ])
  const kept = categories.reduce((sum, [, n]) => sum + n, 0)
  const json = {
    kind: 'categorical',
    count: nonNull,
    missingCount: nulls,
    otherCount: nonNull - kept,
    maxCategories,
    categories,
  } as const
  // Round-tripping through the profile orders ties exactly as the statistics module does.
  return CategoricalProfile.fromJSON({ ...json, categories }).toJSON()
}

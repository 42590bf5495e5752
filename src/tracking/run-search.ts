import { sql, type Expression, type Kysely, type SqlBool } from 'kysely'
import { InvalidParameterError } from '../shared/errors.js'
import { parseExperimentId } from './experiment-service.js'
import { comparison, nullsLast } from './filter-sql.js'
import type { Page, Run, ViewType } from './model.js'
import { decodePageToken, encodePageToken } from './page-token.js'
import { loadRuns } from './run-reader.js'
import type { TrackingTables } from './schema.js'
import { parseFilter, type FilterClause, type FilterSchema } from './search-filter.js'
import { parseOrderBy, type OrderClause } from './search-order.js'

const STRING_ATTRIBUTES = [
  'run_id',
  'run_name',
  'status',
  'user_id',
  'artifact_uri',
  'lifecycle_stage',
]
const NUMERIC_ATTRIBUTES = ['start_time', 'end_time', 'created']
const SCHEMA: FilterSchema = {
  entities: ['metric', 'param', 'tag', 'attribute', 'dataset'],
  numericAttributes: NUMERIC_ATTRIBUTES,
  stringAttributes: STRING_ATTRIBUTES,
  datasetAttributes: ['name', 'digest', 'context'],
}
export const MAX_SEARCH_RESULTS = 50_000

export interface SearchRuns {
  readonly experimentIds: readonly string[]
  readonly filter?: string | undefined
  readonly orderBy?: readonly string[] | undefined
  readonly viewType?: ViewType | undefined
  readonly maxResults?: number | undefined
  readonly pageToken?: string | undefined
}

/** MLflow's `created` attribute is the start time. */
function attributeColumn(key: string): Expression<unknown> {
  return sql.ref(`r.${key === 'created' ? 'start_time' : key}`)
}

const TABLES = { metric: 'latest_metrics', param: 'run_params', tag: 'run_tags' } as const

type Keyed = 'metric' | 'param' | 'tag'

/** `alias` is the run's row for `key` (`is_nan` rows never compare as numbers). */
function keyedRow(entity: Keyed, alias: string, key: string): Expression<SqlBool> {
  const as = sql.raw(alias)
  const notNan = entity === 'metric' ? sql` and ${as}.is_nan = 0` : sql``
  return sql<SqlBool>`${as}.run_id = r.run_id and ${as}.key = ${key}${notNan}`
}

/** The row holding `key` for the run, as a join alias. */
function keyJoin(
  kind: 'inner' | 'left',
  entity: Keyed,
  alias: string,
  key: string,
  extra?: Expression<SqlBool>,
) {
  const condition = extra ? sql` and ${extra}` : sql``
  return sql`${sql.raw(kind === 'inner' ? 'join' : 'left join')} ${sql.raw(TABLES[entity])} ${sql.raw(alias)} on ${keyedRow(entity, alias, key)}${condition}`
}

function valueOf(entity: 'metric' | 'param' | 'tag', key: string): Expression<unknown> {
  return sql`(select v.value from ${sql.raw(TABLES[entity])} v where v.run_id = r.run_id and v.key = ${key})`
}

/** A clause as a WHERE condition; `undefined` when it is expressed as a join instead. */
function clauseSql(clause: FilterClause): Expression<SqlBool> {
  switch (clause.entity) {
    case 'attribute':
      return comparison(attributeColumn(clause.key), clause)
    case 'dataset': {
      if (clause.key === 'context') {
        // The context is the mlflow.data.context input tag, kept with the input's tags (JSON).
        const needle = `%"key":"mlflow.data.context","value":${JSON.stringify(String(clause.value))}%`
        return sql<SqlBool>`exists (select 1 from run_dataset_inputs i where i.run_id = r.run_id and i.tags like ${needle})`
      }
      return sql<SqlBool>`exists (select 1 from run_dataset_inputs i join datasets d on d.dataset_id = i.dataset_id
        where i.run_id = r.run_id and ${comparison(sql.ref(`d.${clause.key}`), clause)})`
    }
    default:
      // Only IS [NOT] NULL reaches here: other comparisons are joins (see `searchJoins`).
      return comparison(valueOf(clause.entity, clause.key), clause)
  }
}

function isJoinable(
  clause: FilterClause,
): clause is FilterClause & { entity: 'metric' | 'param' | 'tag' } {
  const keyed = clause.entity === 'metric' || clause.entity === 'param' || clause.entity === 'tag'
  return keyed && clause.operator !== 'IS NULL' && clause.operator !== 'IS NOT NULL'
}

/** A comparison on a metric, param or tag: the run's row for the key, as alias `f<i>`. */
interface KeyFilter {
  readonly entity: Keyed
  readonly alias: string
  readonly key: string
  readonly condition: Expression<SqlBool>
}

function keyFilters(clauses: readonly FilterClause[]): KeyFilter[] {
  return clauses.filter(isJoinable).map((clause, i) => ({
    entity: clause.entity,
    alias: `f${i}`,
    key: clause.key,
    condition: comparison(sql.ref(`f${i}.value`), clause),
  }))
}

/**
 * Order keys on metrics, params and tags become left joins `o<i>` (MLflow's approach), nulls
 * last; ties fall to the start time (newest first) and then the run id.
 */
function orderJoins(order: readonly OrderClause[], first = 0) {
  const joins: Expression<unknown>[] = []
  const terms = order.flatMap(({ entity, key, ascending }, i) => {
    if (entity === 'attribute') return nullsLast(attributeColumn(key), ascending)
    joins.push(keyJoin('left', entity as Keyed, `o${i + first}`, key))
    return nullsLast(sql.ref(`o${i + first}.value`), ascending)
  })
  return { joins, terms }
}

function tieBreaks(order: readonly OrderClause[]): Expression<unknown>[] {
  const byStart = order.some(
    (o) => o.entity === 'attribute' && (o.key === 'start_time' || o.key === 'created'),
  )
  return [...(byStart ? [] : [sql`r.start_time desc`]), sql`r.run_id asc`]
}

interface RunQuery {
  readonly conditions: readonly Expression<unknown>[]
  readonly filters: readonly KeyFilter[]
  readonly order: readonly OrderClause[]
  readonly limit: number
  readonly offset: number
}

type RunRow = TrackingTables['runs']

/**
 * Comparisons on metrics, params and tags are inner joins on the (run, key) rows, so the planner
 * can start from the (key, value) index. Used when the first order key is an attribute.
 */
async function searchAttributeOrdered(db: Kysely<TrackingTables>, q: RunQuery): Promise<RunRow[]> {
  const filterJoins = q.filters.map((f) => keyJoin('inner', f.entity, f.alias, f.key, f.condition))
  const { joins, terms } = orderJoins(q.order)
  const { rows } =
    await sql<RunRow>`select r.* from runs r ${sql.join([...filterJoins, ...joins], sql` `)}
    where ${sql.join(q.conditions, sql` and `)}
    order by ${sql.join([...terms, ...tieBreaks(q.order)])}
    limit ${q.limit + 1} offset ${q.offset}`.execute(db)
  return rows
}

/**
 * Ordered by a metric, param or tag first: the runs holding that key are walked in the order of
 * the (key, value) index with every other table looked up for each in turn (CROSS JOIN fixes
 * that order on SQLite), so a page stops after about a page of matches instead of sorting every
 * match first (a 100-run page of 10,000 runs: 35 ms → 3 ms). The runs lacking the key follow,
 * nulls last, read only when a page reaches them.
 */
async function searchKeyOrdered(db: Kysely<TrackingTables>, q: RunQuery): Promise<RunRow[]> {
  const [first, ...rest] = q.order as [OrderClause, ...OrderClause[]]
  const entity = first.entity as Keyed
  const table = sql.raw(TABLES[entity])
  const { joins, terms } = orderJoins(rest, 1)
  const tail = [...terms, ...tieBreaks(q.order)]
  const from = sql.join(
    q.filters.map((f) => sql`cross join ${sql.raw(TABLES[f.entity])} ${sql.raw(f.alias)}`),
    sql` `,
  )
  const where = sql.join(
    [
      keyedRow(entity, 'o0', first.key),
      ...q.conditions,
      ...q.filters.flatMap((f) => [keyedRow(f.entity, f.alias, f.key), f.condition]),
    ],
    sql` and `,
  )
  const direction = sql.raw(first.ascending ? 'asc' : 'desc')
  const { rows } = await sql<RunRow>`select r.* from ${table} o0 cross join runs r ${from}
    ${sql.join(joins, sql` `)} where ${where}
    order by o0.value ${direction}, ${sql.join(tail)}
    limit ${q.limit + 1} offset ${q.offset}`.execute(db)
  if (rows.length > q.limit) return rows
  // The page reaches past the runs holding the key: how many were before it, then the rest.
  const before =
    rows.length > 0
      ? q.offset + rows.length
      : Number(
          (
            await sql<{ n: number }>`select count(*) as n from ${table} o0 cross join runs r ${from}
              where ${where}`.execute(db)
          ).rows[0]?.n ?? 0,
        )
  const filterJoins = q.filters.map((f) => keyJoin('inner', f.entity, f.alias, f.key, f.condition))
  const lacking = sql<SqlBool>`not exists (select 1 from ${table} o0 where ${keyedRow(entity, 'o0', first.key)})`
  const { rows: more } =
    await sql<RunRow>`select r.* from runs r ${sql.join([...filterJoins, ...joins], sql` `)}
    where ${sql.join([...q.conditions, lacking], sql` and `)}
    order by ${sql.join(tail)}
    limit ${q.limit + 1 - rows.length} offset ${Math.max(0, q.offset - before)}`.execute(db)
  return [...rows, ...more]
}

/** Searches runs with MLflow's filter grammar, order_by and paging. */
export async function searchRuns(
  db: Kysely<TrackingTables>,
  input: SearchRuns,
): Promise<Page<Run>> {
  const clauses = parseFilter(input.filter, SCHEMA)
  const order = parseOrderBy(input.orderBy, {
    entities: ['metric', 'param', 'tag', 'attribute'],
    attributes: [...STRING_ATTRIBUTES, ...NUMERIC_ATTRIBUTES],
  })
  if (clauses.some((c) => c.entity === 'dataset' && c.key === 'context' && c.operator !== '=')) {
    throw new InvalidParameterError("datasets.context only supports '='")
  }
  const offset = decodePageToken(input.pageToken)
  const limit = input.maxResults ?? 1000
  if (input.experimentIds.length === 0) return { items: [], nextPageToken: undefined }
  const view = input.viewType ?? 'ACTIVE_ONLY'
  const conditions = [
    sql`r.experiment_id in (${sql.join(input.experimentIds.map(parseExperimentId))})`,
    ...(view === 'ALL'
      ? []
      : [sql`r.lifecycle_stage = ${view === 'ACTIVE_ONLY' ? 'active' : 'deleted'}`]),
    ...clauses.filter((c) => !isJoinable(c)).map(clauseSql),
  ]
  const query = { conditions, filters: keyFilters(clauses), order, limit, offset }
  const keyFirst = order[0] !== undefined && order[0].entity !== 'attribute'
  const rows = keyFirst
    ? await searchKeyOrdered(db, query)
    : await searchAttributeOrdered(db, query)
  const items = await loadRuns(db, rows.slice(0, limit))
  return { items, nextPageToken: rows.length > limit ? encodePageToken(offset + limit) : undefined }
}

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

/** The row holding `key` for the run, as a join alias (`is_nan` rows never compare as numbers). */
function keyJoin(
  kind: 'inner' | 'left',
  entity: 'metric' | 'param' | 'tag',
  alias: string,
  key: string,
  extra?: Expression<SqlBool>,
) {
  const table = sql.raw(TABLES[entity])
  const as = sql.raw(alias)
  const notNan = entity === 'metric' ? sql` and ${as}.is_nan = 0` : sql``
  const condition = extra ? sql` and ${extra}` : sql``
  return sql`${sql.raw(kind === 'inner' ? 'join' : 'left join')} ${table} ${as} on ${as}.run_id = r.run_id and ${as}.key = ${key}${notNan}${condition}`
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

/**
 * Comparisons on metrics, params and tags become inner joins on the (run, key) rows, so the
 * planner can start from the (key, value) index; order keys become left joins (MLflow's
 * approach). Runs lacking the key never match a comparison.
 */
function searchJoins(clauses: readonly FilterClause[], order: readonly OrderClause[]) {
  const joins = clauses
    .filter(isJoinable)
    .map((clause, i) =>
      keyJoin(
        'inner',
        clause.entity,
        `f${i}`,
        clause.key,
        comparison(sql.ref(`f${i}.value`), clause),
      ),
    )
  const orderTerms = order.flatMap(({ entity, key, ascending }, i) => {
    if (entity === 'attribute') return nullsLast(attributeColumn(key), ascending)
    joins.push(keyJoin('left', entity as 'metric' | 'param' | 'tag', `o${i}`, key))
    return nullsLast(sql.ref(`o${i}.value`), ascending)
  })
  if (
    !order.some((o) => o.entity === 'attribute' && (o.key === 'start_time' || o.key === 'created'))
  ) {
    orderTerms.push(sql`r.start_time desc`)
  }
  orderTerms.push(sql`r.run_id asc`)
  return { joins, orderTerms }
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
  const { joins, orderTerms } = searchJoins(clauses, order)
  const { rows } = await sql<
    TrackingTables['runs']
  >`select r.* from runs r ${sql.join(joins, sql` `)}
    where ${sql.join(conditions, sql` and `)}
    order by ${sql.join(orderTerms)}
    limit ${limit + 1} offset ${offset}`.execute(db)
  const items = await loadRuns(db, rows.slice(0, limit))
  return { items, nextPageToken: rows.length > limit ? encodePageToken(offset + limit) : undefined }
}

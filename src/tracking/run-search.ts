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

function valueOf(entity: 'metric' | 'param' | 'tag', key: string): Expression<unknown> {
  switch (entity) {
    case 'metric':
      return sql`(select m.value from latest_metrics m where m.run_id = r.run_id and m.key = ${key} and m.is_nan = 0)`
    case 'param':
      return sql`(select p.value from run_params p where p.run_id = r.run_id and p.key = ${key})`
    case 'tag':
      return sql`(select t.value from run_tags t where t.run_id = r.run_id and t.key = ${key})`
  }
}

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
      return comparison(valueOf(clause.entity, clause.key), clause)
  }
}

function orderTerms(order: readonly OrderClause[]) {
  const terms = order.flatMap(({ entity, key, ascending }) =>
    nullsLast(
      entity === 'attribute'
        ? attributeColumn(key)
        : valueOf(entity as 'metric' | 'param' | 'tag', key),
      ascending,
    ),
  )
  if (
    !order.some((o) => o.entity === 'attribute' && (o.key === 'start_time' || o.key === 'created'))
  ) {
    terms.push(sql`r.start_time desc`)
  }
  terms.push(sql`r.run_id asc`)
  return terms
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
  let query = db
    .selectFrom('runs as r')
    .selectAll('r')
    .where('r.experiment_id', 'in', input.experimentIds.map(parseExperimentId))
  const view = input.viewType ?? 'ACTIVE_ONLY'
  if (view !== 'ALL')
    query = query.where('r.lifecycle_stage', '=', view === 'ACTIVE_ONLY' ? 'active' : 'deleted')
  for (const clause of clauses) query = query.where(() => clauseSql(clause))
  for (const term of orderTerms(order)) query = query.orderBy(term)
  const rows = await query
    .offset(offset)
    .limit(limit + 1)
    .execute()
  const items = await loadRuns(db, rows.slice(0, limit))
  return { items, nextPageToken: rows.length > limit ? encodePageToken(offset + limit) : undefined }
}

import { sql, type Expression, type Kysely, type SqlBool } from 'kysely'
import { InvalidParameterError } from '../shared/errors.js'
import { parseExperimentId } from './experiment-service.js'
import { comparison, nullsLast } from './filter-sql.js'
import type { LoggedModel } from './logged-model.js'
import { loadLoggedModels } from './logged-model-reader.js'
import type { Page } from './model.js'
import { decodePageToken, encodePageToken } from './page-token.js'
import type { TrackingTables } from './schema.js'
import { parseFilter, type FilterClause, type FilterSchema } from './search-filter.js'

/** MLflow caps a page of logged models at 50. */
export const MAX_LOGGED_MODEL_RESULTS = 50

const NUMERIC_ATTRIBUTES = [
  'creation_timestamp',
  'creation_time',
  'last_updated_timestamp',
  'last_updated_time',
]
const STRING_ATTRIBUTES = ['name', 'model_id', 'model_type', 'status', 'source_run_id']
const SCHEMA: FilterSchema = {
  entities: ['metric', 'param', 'tag', 'attribute'],
  numericAttributes: NUMERIC_ATTRIBUTES,
  stringAttributes: STRING_ATTRIBUTES,
}
const COLUMNS: Record<string, string> = {
  creation_time: 'creation_timestamp',
  last_updated_time: 'last_updated_timestamp',
}
// Filters may name a status as the Python client prints it (`READY`) or as the proto enum.
const STATUS_NAMES: Record<string, string> = {
  PENDING: 'LOGGED_MODEL_PENDING',
  READY: 'LOGGED_MODEL_READY',
  FAILED: 'LOGGED_MODEL_UPLOAD_FAILED',
  UPLOAD_FAILED: 'LOGGED_MODEL_UPLOAD_FAILED',
}

/** A dataset that metric clauses and metric ordering are restricted to. */
export interface DatasetRef {
  readonly datasetName: string
  readonly datasetDigest?: string | undefined
}

/** One order_by item: an attribute or `metrics.<key>`, optionally on one dataset. */
export interface LoggedModelOrder {
  readonly fieldName: string
  readonly ascending?: boolean | undefined
  readonly datasetName?: string | undefined
  readonly datasetDigest?: string | undefined
}

export interface SearchLoggedModels {
  readonly experimentIds: readonly string[]
  readonly filter?: string | undefined
  readonly datasets?: readonly DatasetRef[] | undefined
  readonly maxResults?: number | undefined
  readonly orderBy?: readonly LoggedModelOrder[] | undefined
  readonly pageToken?: string | undefined
}

function attribute(key: string): Expression<unknown> {
  return sql.ref(`lm.${COLUMNS[key] ?? key}`)
}

function onDatasets(datasets: readonly DatasetRef[]): Expression<SqlBool> {
  const one = (d: DatasetRef) =>
    d.datasetDigest === undefined
      ? sql`m.dataset_name = ${d.datasetName}`
      : sql`(m.dataset_name = ${d.datasetName} and m.dataset_digest = ${d.datasetDigest})`
  return sql<SqlBool>`(${sql.join(datasets.map(one), sql` or `)})`
}

/** A metric clause holds when any linked point (on one of `datasets`, if given) satisfies it. */
function metricClause(clause: FilterClause, datasets: readonly DatasetRef[]): Expression<SqlBool> {
  const scope = datasets.length > 0 ? sql`and ${onDatasets(datasets)}` : sql``
  return sql<SqlBool>`exists (select 1 from logged_model_metrics m where m.model_id = lm.model_id
    and m.key = ${clause.key} and m.is_nan = 0 ${scope} and ${comparison(sql.ref('m.value'), clause)})`
}

function clauseSql(clause: FilterClause, datasets: readonly DatasetRef[]): Expression<SqlBool> {
  switch (clause.entity) {
    case 'metric':
      return metricClause(clause, datasets)
    case 'param':
      return comparison(
        sql`(select p.value from logged_model_params p where p.model_id = lm.model_id and p.key = ${clause.key})`,
        clause,
      )
    case 'tag':
      return comparison(
        sql`(select t.value from logged_model_tags t where t.model_id = lm.model_id and t.key = ${clause.key})`,
        clause,
      )
    default:
      return comparison(
        attribute(clause.key),
        clause.key === 'status' ? statusClause(clause) : clause,
      )
  }
}

function statusClause(clause: FilterClause): FilterClause {
  const full = (v: string) => STATUS_NAMES[v.toUpperCase()] ?? v
  if (typeof clause.value === 'string' && (clause.operator === '=' || clause.operator === '!='))
    return { ...clause, value: full(clause.value) }
  if (Array.isArray(clause.value)) return { ...clause, value: clause.value.map(full) }
  return clause
}

/** The latest value of a metric by timestamp, on the order item's dataset when it names one. */
function latestMetric(key: string, order: LoggedModelOrder): Expression<unknown> {
  const name =
    order.datasetName === undefined ? sql`` : sql`and m.dataset_name = ${order.datasetName}`
  const digest =
    order.datasetDigest === undefined ? sql`` : sql`and m.dataset_digest = ${order.datasetDigest}`
  return sql`(select m.value from logged_model_metrics m where m.model_id = lm.model_id
    and m.key = ${key} and m.is_nan = 0 ${name} ${digest}
    order by m.timestamp desc, m.step desc limit 1)`
}

/** Checks one order item the way MLflow does. @throws InvalidParameterError */
function orderColumn(order: LoggedModelOrder): { column: Expression<unknown>; field: string } {
  const field = order.fieldName.trim()
  if (order.datasetDigest !== undefined && order.datasetName === undefined) {
    throw new InvalidParameterError(
      'order_by: dataset_digest can only be given together with dataset_name',
    )
  }
  const dot = field.indexOf('.')
  if (dot >= 0) {
    const entity = field.slice(0, dot)
    if (entity !== 'metrics' || field.length === dot + 1) {
      throw new InvalidParameterError(
        `Invalid order_by field_name '${field}': only metrics.<key> or an attribute (${[...STRING_ATTRIBUTES, ...NUMERIC_ATTRIBUTES].join(', ')}) is allowed`,
      )
    }
    return { column: latestMetric(field.slice(dot + 1), order), field }
  }
  if (![...STRING_ATTRIBUTES, ...NUMERIC_ATTRIBUTES].includes(field)) {
    throw new InvalidParameterError(
      `Invalid order_by field_name '${field}': expected metrics.<key> or one of ${[...STRING_ATTRIBUTES, ...NUMERIC_ATTRIBUTES].join(', ')}`,
    )
  }
  if (order.datasetName !== undefined)
    throw new InvalidParameterError(
      `order_by: dataset_name applies only to metrics, not '${field}'`,
    )
  return { column: attribute(field), field: COLUMNS[field] ?? field }
}

/** The order terms, then MLflow's tie-breakers: newest first, then model id. */
function orderTerms(orderBy: readonly LoggedModelOrder[]) {
  const parsed = orderBy.map((o) => ({ ...orderColumn(o), ascending: o.ascending ?? true }))
  const terms = parsed.flatMap(({ column, ascending }) => nullsLast(column, ascending))
  if (!parsed.some((o) => o.field === 'creation_timestamp'))
    terms.push(sql`lm.creation_timestamp desc`)
  if (!parsed.some((o) => o.field === 'model_id')) terms.push(sql`lm.model_id asc`)
  return terms
}

/** Searches active logged models with MLflow's filter grammar, dataset scoping and paging. */
export async function searchLoggedModels(
  db: Kysely<TrackingTables>,
  input: SearchLoggedModels,
): Promise<Page<LoggedModel>> {
  const clauses = parseFilter(input.filter, SCHEMA)
  const datasets = input.datasets ?? []
  const terms = orderTerms(input.orderBy ?? [])
  const offset = decodePageToken(input.pageToken)
  const limit = input.maxResults ?? MAX_LOGGED_MODEL_RESULTS
  if (input.experimentIds.length === 0) return { items: [], nextPageToken: undefined }
  let query = db
    .selectFrom('logged_models as lm')
    .selectAll('lm')
    .where('lm.experiment_id', 'in', input.experimentIds.map(parseExperimentId))
    .where('lm.lifecycle_stage', '=', 'active')
  for (const clause of clauses) query = query.where(() => clauseSql(clause, datasets))
  // Datasets without a metric clause still restrict: to models with a metric on one of them.
  if (datasets.length > 0 && !clauses.some((c) => c.entity === 'metric')) {
    query = query.where(
      () =>
        sql<SqlBool>`exists (select 1 from logged_model_metrics m where m.model_id = lm.model_id and ${onDatasets(datasets)})`,
    )
  }
  for (const term of terms) query = query.orderBy(term)
  const rows = await query
    .offset(offset)
    .limit(limit + 1)
    .execute()
  const items = await loadLoggedModels(db, rows.slice(0, limit))
  return { items, nextPageToken: rows.length > limit ? encodePageToken(offset + limit) : undefined }
}

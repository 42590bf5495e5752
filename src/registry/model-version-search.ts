import { sql } from 'kysely'
import { InvalidParameterError } from '../shared/errors.js'
import { parseFilter, parseOrderBy, type FilterSchema } from '../tracking/index.js'
import { DELETED_STAGE, type Db } from './model-reader.js'
import { comparison } from '../tracking/index.js'

const SCHEMA: FilterSchema = {
  entities: ['attribute', 'tag'],
  numericAttributes: ['version_number'],
  stringAttributes: ['name', 'run_id', 'source_path'],
}
/** Filter and order-by names MLflow uses for versions, and their columns. */
const COLUMNS: Record<string, string> = {
  name: 'm.name',
  version_number: 'v.version',
  run_id: 'v.run_id',
  source_path: 'v.source',
  creation_timestamp: 'v.creation_timestamp',
  last_updated_timestamp: 'v.last_updated_timestamp',
}
const DEFAULT_ORDER = ['last_updated_timestamp DESC', 'name ASC', 'version_number DESC']

export const MAX_MODEL_VERSION_RESULTS = 200_000

export interface SearchModelVersions {
  readonly filter?: string | undefined
  readonly orderBy?: readonly string[] | undefined
  readonly maxResults?: number | undefined
  readonly pageToken?: string | undefined
}

/** The model-version search (`name`, `version_number`, `run_id`, `source_path`, `tags.<key>`). */
export function modelVersionSearchQuery(db: Db, input: SearchModelVersions) {
  const clauses = parseFilter(input.filter, SCHEMA)
  const items = input.orderBy && input.orderBy.length > 0 ? input.orderBy : DEFAULT_ORDER
  const order = parseOrderBy(items, {
    entities: ['attribute'],
    attributes: ['name', 'version_number', 'creation_timestamp', 'last_updated_timestamp'],
  })
  let query = db
    .selectFrom('model_versions as v')
    .innerJoin('registered_models as m', 'm.id', 'v.registered_model_id')
    .selectAll('v')
    .select('m.name as model_name')
    .where('v.current_stage', '!=', DELETED_STAGE)
  for (const clause of clauses) {
    const column =
      clause.entity === 'attribute'
        ? sql.ref(COLUMNS[clause.key]!)
        : sql`(select t.value from model_version_tags t where t.registered_model_id = v.registered_model_id and t.version = v.version and t.key = ${clause.key})`
    query = query.where(() => comparison(column, clause))
  }
  const seen = new Set<string>()
  for (const { key, ascending } of order) {
    if (seen.has(key)) {
      throw new InvalidParameterError(`\`order_by\` contains duplicate fields: ${items.join(', ')}`)
    }
    seen.add(key)
    query = query.orderBy(sql.ref(COLUMNS[key]!), ascending ? 'asc' : 'desc')
  }
  // MLflow's tie-breaks: name ascending, then version descending.
  if (!seen.has('name')) query = query.orderBy('m.name', 'asc')
  if (!seen.has('version_number')) query = query.orderBy('v.version', 'desc')
  return query
}

import { sql } from 'kysely'
import { InvalidParameterError } from '../shared/errors.js'
import { parseFilter, parseOrderBy, type FilterSchema } from '../tracking/index.js'
import type { Db } from './model-reader.js'
import { comparison } from '../tracking/index.js'

const SCHEMA: FilterSchema = {
  entities: ['attribute', 'tag'],
  numericAttributes: [],
  stringAttributes: ['name'],
}
/** Order-by keys MLflow accepts for registered models, and their columns. */
const ORDER_COLUMNS: Record<string, string> = {
  name: 'name',
  timestamp: 'last_updated_timestamp',
  last_updated_timestamp: 'last_updated_timestamp',
  creation_timestamp: 'creation_timestamp',
}

export const MAX_REGISTERED_MODEL_RESULTS = 1000

export interface SearchRegisteredModels {
  readonly filter?: string | undefined
  readonly orderBy?: readonly string[] | undefined
  readonly maxResults?: number | undefined
  readonly pageToken?: string | undefined
}

/** The registered-model search (MLflow's grammar: `name`, `tags.<key>`), without paging. */
export function registeredModelSearchQuery(db: Db, input: SearchRegisteredModels) {
  const clauses = parseFilter(input.filter, SCHEMA)
  const order = parseOrderBy(input.orderBy, {
    entities: ['attribute'],
    attributes: Object.keys(ORDER_COLUMNS),
  })
  let query = db.selectFrom('registered_models as m').selectAll('m')
  for (const clause of clauses) {
    const column =
      clause.entity === 'attribute'
        ? sql.ref('m.name')
        : sql`(select t.value from registered_model_tags t where t.registered_model_id = m.id and t.key = ${clause.key})`
    query = query.where(() => comparison(column, clause))
  }
  const seen = new Set<string>()
  for (const { key, ascending } of order) {
    const column = ORDER_COLUMNS[key]!
    if (seen.has(column)) {
      throw new InvalidParameterError(
        `\`order_by\` contains duplicate fields: ${(input.orderBy ?? []).join(', ')}`,
      )
    }
    seen.add(column)
    query = query.orderBy(sql.ref(`m.${column}`), ascending ? 'asc' : 'desc')
  }
  // MLflow breaks ties by name, ascending.
  return seen.has('name') ? query : query.orderBy('m.name', 'asc')
}

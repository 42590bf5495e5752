import { sql, type Kysely } from 'kysely'
import { comparison, nullsLast } from './filter-sql.js'
import type { ViewType } from './model.js'
import type { TrackingTables } from './schema.js'
import { parseFilter, type FilterSchema } from './search-filter.js'
import { parseOrderBy } from './search-order.js'

const SCHEMA: FilterSchema = {
  entities: ['attribute', 'tag'],
  numericAttributes: ['creation_time', 'last_update_time'],
  stringAttributes: ['name'],
}
const ORDER_ATTRIBUTES = ['name', 'experiment_id', 'creation_time', 'last_update_time']

/** The experiment search query (filter, order, view type), without paging. */
export function experimentSearchQuery(
  db: Kysely<TrackingTables>,
  input: {
    filter?: string | undefined
    orderBy?: string[] | undefined
    viewType?: ViewType | undefined
  },
) {
  const clauses = parseFilter(input.filter, SCHEMA)
  const order = parseOrderBy(input.orderBy, {
    entities: ['attribute'],
    attributes: ORDER_ATTRIBUTES,
  })
  let query = db.selectFrom('experiments as e').selectAll('e')
  const view = input.viewType ?? 'ACTIVE_ONLY'
  if (view !== 'ALL')
    query = query.where('e.lifecycle_stage', '=', view === 'ACTIVE_ONLY' ? 'active' : 'deleted')
  for (const clause of clauses) {
    if (clause.entity === 'attribute') {
      query = query.where(() => comparison(sql.ref(`e.${clause.key}`), clause))
    } else {
      const tag = sql`(select t.value from experiment_tags t where t.experiment_id = e.experiment_id and t.key = ${clause.key})`
      query = query.where(() => comparison(tag, clause))
    }
  }
  for (const { key, ascending } of order) {
    for (const term of nullsLast(sql.ref(`e.${key}`), ascending)) query = query.orderBy(term)
  }
  if (!order.some((o) => o.key === 'creation_time'))
    query = query.orderBy('e.creation_time', 'desc')
  return query.orderBy('e.experiment_id', 'asc')
}

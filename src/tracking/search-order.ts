import { InvalidParameterError } from '../shared/errors.js'
import type { FilterEntity } from './search-filter.js'

/** One `order_by` item: `metrics.rmse DESC`, `attributes.start_time`, `params.lr ASC`. */
export interface OrderClause {
  readonly entity: FilterEntity
  readonly key: string
  readonly ascending: boolean
}

const PREFIXES: Record<string, FilterEntity> = {
  metric: 'metric',
  metrics: 'metric',
  param: 'param',
  params: 'param',
  parameter: 'param',
  parameters: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
}

function unquote(key: string): string {
  const quoted = /^(["`'])(.*)\1$/.exec(key)
  return quoted ? quoted[2]! : key
}

/**
 * Parses MLflow `order_by` items. `attributes` restricts which attribute names may be used.
 * @throws InvalidParameterError naming the bad item.
 */
export function parseOrderBy(
  items: readonly string[] | undefined,
  { entities, attributes }: { entities: readonly FilterEntity[]; attributes: readonly string[] },
): OrderClause[] {
  return (items ?? []).map((item) => {
    const match = /^\s*(.+?)(?:\s+(ASC|DESC))?\s*$/i.exec(item)
    if (!match) throw new InvalidParameterError(`Invalid order_by clause '${item}'`)
    const identifier = match[1]!
    const ascending = (match[2] ?? 'ASC').toUpperCase() === 'ASC'
    const dot = identifier.indexOf('.')
    const prefix = dot < 0 ? undefined : identifier.slice(0, dot).toLowerCase()
    const entity = prefix === undefined ? 'attribute' : PREFIXES[prefix]
    const key = unquote(dot < 0 ? identifier : identifier.slice(dot + 1))
    if (!entity || !entities.includes(entity) || key === '') {
      throw new InvalidParameterError(
        `Invalid order_by clause '${item}': expected <${entities.map((e) => (e === 'attribute' ? 'attributes' : e + 's')).join('|')}>.<key> [ASC|DESC]`,
      )
    }
    if (entity === 'attribute' && !attributes.includes(key)) {
      throw new InvalidParameterError(
        `Invalid order_by clause '${item}': unknown attribute '${key}'; expected one of ${attributes.join(', ')}`,
      )
    }
    return { entity, key, ascending }
  })
}

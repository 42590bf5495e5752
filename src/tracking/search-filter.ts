import { InvalidParameterError } from '../shared/errors.js'

/** Comparison operators of MLflow's search grammar. */
export type FilterOperator =
  | '='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'LIKE'
  | 'ILIKE'
  | 'IN'
  | 'NOT IN'
  | 'IS NULL'
  | 'IS NOT NULL'

/** The kind of thing an identifier names: `metrics.x`, `params.x`, `tags.x`, `attributes.x`, `datasets.x`. */
export type FilterEntity = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset'

/** One `identifier operator value` clause; a filter is their conjunction. */
export interface FilterClause {
  readonly entity: FilterEntity
  readonly key: string
  readonly operator: FilterOperator
  /** A number for numeric comparisons, a string, a list for IN, null for IS [NOT] NULL. */
  readonly value: number | string | readonly string[] | null
}

/** What a search accepts: which entities, and which attributes are numbers or strings. */
export interface FilterSchema {
  readonly entities: readonly FilterEntity[]
  readonly numericAttributes: readonly string[]
  readonly stringAttributes: readonly string[]
  readonly datasetAttributes?: readonly string[]
}

const ENTITY_PREFIXES: Record<string, FilterEntity> = {
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
  dataset: 'dataset',
  datasets: 'dataset',
}

type Token =
  | { kind: 'identifier'; prefix: string | undefined; key: string; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'operator'; value: string }
  | { kind: 'punct'; value: '(' | ')' | ',' }

function invalid(filter: string, why: string): never {
  throw new InvalidParameterError(`Invalid filter '${filter.slice(0, 500)}': ${why}`)
}

function readQuoted(filter: string, start: number, quote: string): { value: string; end: number } {
  let value = ''
  let i = start + 1
  while (i < filter.length) {
    const ch = filter[i]!
    if (ch === '\\' && i + 1 < filter.length) {
      value += filter[i + 1]
      i += 2
    } else if (ch === quote && filter[i + 1] === quote) {
      value += quote
      i += 2
    } else if (ch === quote) {
      return { value, end: i + 1 }
    } else {
      value += ch
      i++
    }
  }
  return invalid(filter, `unterminated ${quote} quote at position ${start}`)
}

const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/
const WORD = /^[A-Za-z_][A-Za-z0-9_\-:/]*(?:\.[A-Za-z0-9_\-:/]*)*/

/** Splits a filter string into tokens. */
function tokenize(filter: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < filter.length) {
    const rest = filter.slice(i)
    const ch = filter[i]!
    if (/\s/.test(ch)) {
      i++
    } else if (ch === "'" || ch === '"') {
      const { value, end } = readQuoted(filter, i, ch)
      tokens.push({ kind: 'string', value })
      i = end
    } else if (ch === '`') {
      const { value, end } = readQuoted(filter, i, '`')
      tokens.push({ kind: 'identifier', prefix: undefined, key: value, text: value })
      i = end
    } else if (/^(?:!=|<>|<=|>=|==|=|<|>)/.test(rest)) {
      const op = /^(?:!=|<>|<=|>=|==|=|<|>)/.exec(rest)![0]
      tokens.push({ kind: 'operator', value: op === '==' ? '=' : op === '<>' ? '!=' : op })
      i += op.length
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: 'punct', value: ch })
      i++
    } else if (NUMBER.test(rest)) {
      const text = NUMBER.exec(rest)![0]
      tokens.push({ kind: 'number', value: Number(text), text })
      i += text.length
    } else if (WORD.test(rest)) {
      const text = WORD.exec(rest)![0]
      i += text.length
      tokens.push(identifierToken(filter, text, i, (end) => (i = end)))
    } else {
      invalid(filter, `unexpected character '${ch}' at position ${i}`)
    }
  }
  return tokens
}

/** `prefix.key`, or `prefix.` followed directly by a quoted key (`metrics."f1 score"`). */
function identifierToken(
  filter: string,
  text: string,
  next: number,
  advance: (end: number) => void,
): Token {
  const dot = text.indexOf('.')
  if (dot < 0) return { kind: 'identifier', prefix: undefined, key: text, text }
  const prefix = text.slice(0, dot)
  let key = text.slice(dot + 1)
  const quote = filter[next]
  if (key === '' && (quote === '"' || quote === '`' || quote === "'")) {
    const quoted = readQuoted(filter, next, quote)
    key = quoted.value
    advance(quoted.end)
  }
  return { kind: 'identifier', prefix, key, text }
}

function keyword(token: Token | undefined): string | undefined {
  return token?.kind === 'identifier' && token.prefix === undefined
    ? token.key.toUpperCase()
    : undefined
}

class Parser {
  #position = 0
  constructor(
    readonly filter: string,
    readonly tokens: Token[],
    readonly schema: FilterSchema,
  ) {}

  parse(): FilterClause[] {
    const clauses: FilterClause[] = []
    while (this.#position < this.tokens.length) {
      clauses.push(this.#clause())
      const next = this.tokens[this.#position]
      if (next === undefined) break
      if (keyword(next) !== 'AND') {
        invalid(
          this.filter,
          `expected AND between clauses (only AND is supported), got '${describe(next)}'`,
        )
      }
      this.#position++
      if (this.#position >= this.tokens.length) invalid(this.filter, 'a clause must follow AND')
    }
    return clauses
  }

  #clause(): FilterClause {
    const token = this.tokens[this.#position++]
    if (token?.kind !== 'identifier') {
      invalid(this.filter, `expected an identifier such as metrics.rmse, got '${describe(token)}'`)
    }
    const { entity, key } = this.#identifier(token)
    const operator = this.#operator()
    const value = this.#value(operator)
    return checkClause(this.filter, this.schema, { entity, key, operator, value })
  }

  #identifier(token: Extract<Token, { kind: 'identifier' }>): {
    entity: FilterEntity
    key: string
  } {
    if (token.prefix === undefined) {
      // A bare name is an attribute (`run_name = 'x'`), as MLflow's own UI writes it.
      return { entity: 'attribute', key: token.key }
    }
    const entity = ENTITY_PREFIXES[token.prefix.toLowerCase()]
    if (!entity || !this.schema.entities.includes(entity)) {
      const allowed = this.schema.entities.map(
        (e) => `${e === 'attribute' ? 'attributes' : e + 's'}.`,
      )
      invalid(
        this.filter,
        `unknown identifier prefix '${token.prefix}'; expected one of ${allowed.join(', ')}`,
      )
    }
    if (token.key === '') invalid(this.filter, `missing key after '${token.prefix}.'`)
    return { entity, key: token.key }
  }

  #operator(): FilterOperator {
    const token = this.tokens[this.#position++]
    if (token?.kind === 'operator') return token.value as FilterOperator
    const word = keyword(token)
    if (word === 'LIKE' || word === 'ILIKE' || word === 'IN') return word
    if (word === 'NOT' && keyword(this.tokens[this.#position]) === 'IN') {
      this.#position++
      return 'NOT IN'
    }
    if (word === 'IS') {
      const negated = keyword(this.tokens[this.#position]) === 'NOT'
      if (negated) this.#position++
      if (keyword(this.tokens[this.#position++]) !== 'NULL')
        invalid(this.filter, 'expected NULL after IS')
      return negated ? 'IS NOT NULL' : 'IS NULL'
    }
    return invalid(this.filter, `expected a comparison operator, got '${describe(token)}'`)
  }

  #value(operator: FilterOperator): FilterClause['value'] {
    if (operator === 'IS NULL' || operator === 'IS NOT NULL') return null
    if (operator === 'IN' || operator === 'NOT IN') return this.#list()
    const token = this.tokens[this.#position++]
    if (token?.kind === 'string') return token.value
    if (token?.kind === 'number') return token.value
    return invalid(this.filter, `expected a value after ${operator}, got '${describe(token)}'`)
  }

  #list(): string[] {
    if (describe(this.tokens[this.#position++]) !== '(')
      invalid(this.filter, "expected '(' after IN")
    const values: string[] = []
    for (;;) {
      const token = this.tokens[this.#position++]
      if (token?.kind !== 'string')
        invalid(this.filter, `IN lists hold quoted strings, got '${describe(token)}'`)
      values.push(token.value)
      const next = describe(this.tokens[this.#position++])
      if (next === ')') return values
      if (next !== ',') invalid(this.filter, `expected ',' or ')' in IN list, got '${next}'`)
    }
  }
}

function describe(token: Token | undefined): string {
  if (!token) return 'end of filter'
  switch (token.kind) {
    case 'identifier':
      return token.text
    case 'string':
      return `'${token.value}'`
    case 'number':
      return token.text
    case 'operator':
    case 'punct':
      return token.value
  }
}

const NUMERIC_OPERATORS: readonly FilterOperator[] = ['=', '!=', '<', '<=', '>', '>=']
const STRING_OPERATORS: readonly FilterOperator[] = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN']

/** Checks that the operator and value kind fit the identifier (MLflow's per-entity rules). */
function checkClause(filter: string, schema: FilterSchema, clause: FilterClause): FilterClause {
  const { entity, key, operator, value } = clause
  const name = `${entity === 'attribute' ? 'attributes' : entity + 's'}.${key}`
  const isNullTest = operator === 'IS NULL' || operator === 'IS NOT NULL'
  let numeric: boolean
  if (entity === 'metric') numeric = true
  else if (entity === 'attribute') {
    if (schema.numericAttributes.includes(key)) numeric = true
    else if (schema.stringAttributes.includes(key)) numeric = false
    else {
      const known = [...schema.stringAttributes, ...schema.numericAttributes].join(', ')
      return invalid(filter, `unknown attribute '${key}'; expected one of ${known}`)
    }
  } else if (entity === 'dataset') {
    if (!(schema.datasetAttributes ?? []).includes(key)) {
      return invalid(
        filter,
        `unknown dataset attribute '${key}'; expected one of ${(schema.datasetAttributes ?? []).join(', ')}`,
      )
    }
    numeric = false
  } else numeric = false
  if (isNullTest) {
    if (entity === 'metric' || entity === 'attribute')
      invalid(filter, `IS NULL is not supported for ${name}`)
    return clause
  }
  const allowed = numeric ? NUMERIC_OPERATORS : STRING_OPERATORS
  if (!allowed.includes(operator)) {
    invalid(
      filter,
      `operator ${operator} is not allowed for ${name}; use one of ${allowed.join(', ')}`,
    )
  }
  if (numeric && typeof value !== 'number')
    invalid(filter, `${name} compares with a number, got '${String(value)}'`)
  if (!numeric && typeof value === 'number')
    invalid(filter, `${name} compares with a quoted string, got ${value}`)
  return clause
}

/**
 * Parses an MLflow search filter (`metrics.rmse < 1 and params.model = 'gbdt'`) into clauses.
 * An empty or blank filter is no clause. @throws InvalidParameterError naming what is wrong.
 */
export function parseFilter(filter: string | undefined, schema: FilterSchema): FilterClause[] {
  if (filter === undefined || filter.trim() === '') return []
  return new Parser(filter, tokenize(filter), schema).parse()
}

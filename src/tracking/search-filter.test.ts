import { describe, expect, it } from 'vitest'
import { InvalidParameterError } from '../shared/errors.js'
import { parseFilter, type FilterSchema } from './search-filter.js'

const RUNS: FilterSchema = {
  entities: ['metric', 'param', 'tag', 'attribute', 'dataset'],
  numericAttributes: ['start_time', 'end_time'],
  stringAttributes: ['run_name', 'status'],
  datasetAttributes: ['name', 'digest', 'context'],
}

describe('parseFilter', () => {
  it('reads nothing from an absent or blank filter', () => {
    expect([parseFilter(undefined, RUNS), parseFilter('  ', RUNS)]).toEqual([[], []])
  })

  it('parses a conjunction over every entity, operator and quoting style', () => {
    const filter = [
      'metrics.acc >= 0.5',
      'metric.`f1 score` < -1e-3',
      "params.model != 'gbdt'",
      'parameters."learning-rate" = \'0.1\'',
      "tags.note LIKE '%it''s%'",
      "tag.team ILIKE 'V%'",
      "attributes.status IN ('RUNNING', 'FINISHED')",
      "run_name NOT IN ('a')",
      'attr.start_time <> 5',
      'start_time == 6',
      "datasets.context = 'train'",
      'tags.owner IS NOT NULL',
    ].join(' and ')
    expect(parseFilter(filter, RUNS)).toEqual([
      { entity: 'metric', key: 'acc', operator: '>=', value: 0.5 },
      { entity: 'metric', key: 'f1 score', operator: '<', value: -0.001 },
      { entity: 'param', key: 'model', operator: '!=', value: 'gbdt' },
      { entity: 'param', key: 'learning-rate', operator: '=', value: '0.1' },
      { entity: 'tag', key: 'note', operator: 'LIKE', value: "%it's%" },
      { entity: 'tag', key: 'team', operator: 'ILIKE', value: 'V%' },
      { entity: 'attribute', key: 'status', operator: 'IN', value: ['RUNNING', 'FINISHED'] },
      { entity: 'attribute', key: 'run_name', operator: 'NOT IN', value: ['a'] },
      { entity: 'attribute', key: 'start_time', operator: '!=', value: 5 },
      { entity: 'attribute', key: 'start_time', operator: '=', value: 6 },
      { entity: 'dataset', key: 'context', operator: '=', value: 'train' },
      { entity: 'tag', key: 'owner', operator: 'IS NOT NULL', value: null },
    ])
  })

  it('keeps dotted keys whole', () => {
    expect(parseFilter("tags.mlflow.source.type = 'LOCAL'", RUNS)).toEqual([
      { entity: 'tag', key: 'mlflow.source.type', operator: '=', value: 'LOCAL' },
    ])
  })

  it.each([
    ['metrics.acc >', /expected a value after >/],
    ["metrics.acc > 1 OR params.a = 'b'", /only AND is supported/],
    ['metrics.acc > 1 AND', /a clause must follow AND/],
    ["params.a = 'open", /unterminated ' quote/],
    ['params.a IN (1, 2)', /IN lists hold quoted strings/],
    ["params.a IN 'x'", /expected '\(' after IN/],
    ["params.a IN ('x' 'y')", /expected ',' or '\)' in IN list/],
    ["models.a = 'x'", /unknown identifier prefix 'models'/],
    ["params. = 'x'", /missing key after 'params\.'/],
    ["metrics.acc = 'high'", /metrics\.acc compares with a number/],
    ['params.lr = 0.1', /params\.lr compares with a quoted string/],
    ["params.lr > '1'", /operator > is not allowed for params\.lr/],
    ["metrics.acc LIKE '1%'", /operator LIKE is not allowed for metrics\.acc/],
    ["attributes.colour = 'x'", /unknown attribute 'colour'/],
    ["datasets.size = 'x'", /unknown dataset attribute 'size'/],
    ['metrics.acc IS NULL', /IS NULL is not supported for metrics\.acc/],
    ['metrics.acc ~ 1', /unexpected character '~'/],
    ["params.a = 'x' params.b = 'y'", /expected AND between clauses/],
  ])('refuses %s, naming what is wrong', (filter, message) => {
    let caught: unknown
    try {
      parseFilter(filter, RUNS)
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(InvalidParameterError)
    expect((caught as Error).message).toMatch(message)
  })
})

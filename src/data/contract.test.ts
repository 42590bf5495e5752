import { describe, expect, it } from 'vitest'
import { column, defineContract } from './contract-builder.js'
import { parseContract, parseContractText } from './parse-contract.js'

const YAML = `
name: orders
description: Orders as exported nightly
columns:
  id: { type: int, nullable: false, unique: true }
  amount: { type: float, min: 0, max: 10000, mean: { min: 10, max: 500 }, quantiles: [{ q: 0.5, max: 300 }] }
  status: { type: category, allowed: [new, paid, 3] }
  email: { type: string, regex: '^[^@]+@[^@]+$', maxNullFraction: 0.05 }
  created: { type: timestamp, maxAge: 7d }
unique: [[id, status]]
rowCount: { min: 1 }
`

describe('contracts as files', () => {
  it('parses YAML with columns as a map into the stored list form, with defaults', () => {
    const contract = parseContractText(YAML, 'orders.yaml')
    expect(contract.columns.map((c) => [c.name, c.type, c.nullable])).toEqual([
      ['id', 'int', false],
      ['amount', 'float', true],
      ['status', 'category', true],
      ['email', 'string', true],
      ['created', 'timestamp', true],
    ])
    expect(contract.columns[2]?.allowed).toEqual(['new', 'paid', '3'])
    expect(contract.allowExtraColumns).toBe(true)
    expect(contract.unique).toEqual([['id', 'status']])
  })

  it('gives the same contract from JSON with columns as a list', () => {
    const fromYaml = parseContractText(YAML, 'orders.yml')
    const json = JSON.stringify({ ...fromYaml, columns: fromYaml.columns })
    expect(parseContractText(json, 'orders.json')).toEqual(fromYaml)
  })

  it('names an unknown column type and lists the allowed ones', () => {
    expect(() =>
      parseContractText('name: x\ncolumns:\n  price: { type: integer }\n', 'x.yaml'),
    ).toThrow(
      'Contract \'x.yaml\' is invalid: columns.price.type: unknown column type "integer"; allowed: int, float, bool, string, timestamp, category',
    )
  })

  it('names columns by name in list form too, and reports every problem', () => {
    const input = {
      name: 'x',
      columns: [
        { name: 'a', type: 'string', min: 1 },
        { name: 'b', type: 'int', regex: '[' },
        { name: 'c', type: 'float', maxNullFraction: 2, typo: true },
      ],
      unique: [['a', 'zz']],
    }
    let message = ''
    try {
      parseContract(input)
    } catch (err) {
      message = (err as Error).message
    }
    expect(message).toContain('columns.c.maxNullFraction: must be in [0, 1]')
    expect(message).toContain('columns.c: Unrecognized key: "typo"')
  })

  it('checks which expectations fit which types and that keys name columns', () => {
    const input = {
      name: 'x',
      columns: [
        { name: 'a', type: 'string', min: 1 },
        { name: 'b', type: 'int', regex: 'x', min: 5, max: 1 },
        { name: 'a', type: 'timestamp', maxAge: 'soon' },
      ],
      unique: [['a', 'zz']],
    }
    expect(() => parseContract(input)).toThrow(
      'The contract is invalid: columns.a.min: only int and float columns take min; ' +
        'columns.b.regex: only string and category columns take regex; ' +
        'columns.b.min: min must not exceed max; ' +
        "columns.a.name: column 'a' is declared twice; " +
        "columns.a.maxAge: must be a duration such as '90s', '30m', '24h', '7d'; " +
        "unique.0: key column 'zz' is not a declared column",
    )
  })

  it('reports YAML syntax errors and bad names as invalid parameters', () => {
    expect(() => parseContractText('name: [', 'bad.yaml')).toThrow(
      "Contract 'bad.yaml' is not valid YAML/JSON",
    )
    expect(() => parseContract({ name: '../x', columns: [] })).toThrow('name: must be letters')
  })
})

describe('contracts as code', () => {
  it('builds the same contract as the YAML file', () => {
    const built = defineContract('orders', 'Orders as exported nightly')
      .column('id', column.int().notNull().unique())
      .column(
        'amount',
        column.float().range(0, 10000).mean({ min: 10, max: 500 }).quantile(0.5, { max: 300 }),
      )
      .column('status', column.category(['new', 'paid', 3]))
      .column(
        'email',
        column
          .string()
          .regex(/^[^@]+@[^@]+$/)
          .maxNullFraction(0.05),
      )
      .column('created', column.timestamp().maxAge('7d'))
      .unique('id', 'status')
      .rowCount({ min: 1 })
      .build()
    expect(built).toEqual(parseContractText(YAML, 'orders.yaml'))
  })

  it('applies the file rules to built contracts', () => {
    expect(() => defineContract('x').column('a', column.bool().range(0, 1)).build()).toThrow(
      "Contract 'x' is invalid: columns.a.min: only int and float columns take min",
    )
  })
})

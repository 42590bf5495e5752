import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { column, defineContract } from '../contract-builder.js'
import type { Contract } from '../contract.js'
import { DataSession } from '../data-session.js'
import type { ExpectationResult } from '../validation-report.js'
import { writeQuery } from '../write-query.js'
import { validateTable } from './validate-table.js'

const NOW = Date.parse('2024-01-10T00:00:00Z')

const ORDERS = `id,amount,status,email,created,zip
1,10.5,new,a@x.com,2024-01-09 10:00:00,007
2,20,paid,b@x.com,2024-01-08 10:00:00+02,008
2,abc,weird,nope,2024-01-07,009
3,NaN,new,,2024-01-06,
4,inf,paid,c@x.com,garbage,010
`

const orders = defineContract('orders')
  .column('id', column.int().notNull().unique())
  .column(
    'amount',
    column.float().range(0, 100).mean({ min: 0, max: 50 }).quantile(0.5, { max: 100 }),
  )
  .column('status', column.category(['new', 'paid']))
  .column(
    'email',
    column
      .string()
      .regex(/^[^@]+@[^@]+$/)
      .maxNullFraction(0.1),
  )
  .column('created', column.timestamp().maxAge('7d'))
  .column('zip', column.string().regex('^\\d{3}$'))
  .column('coupon', column.string())
  .unique('id', 'status')
  .rowCount({ min: 1, max: 10 })
  .build()

describe('validateTable', () => {
  let dir: string
  let session: DataSession
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text)
    return join(dir, name)
  }
  const validate = async (path: string, contract: Contract) => {
    const types = Object.fromEntries(contract.columns.map((c) => [c.name, c.type]))
    const table = await session.register('data', path, { types })
    return validateTable(session, table, contract, { nowMs: NOW, maxExamples: 2 })
  }
  const verdicts = (results: readonly ExpectationResult[]) =>
    results.map((r) => `${r.success ? 'pass' : 'FAIL'} ${r.description}`)
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lathe-validate-test-'))
    session = await DataSession.open()
  })
  afterAll(async () => {
    await session.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('passes or fails every expectation with what it observed', async () => {
    const report = await validate(write('orders.csv', ORDERS), orders)
    expect(verdicts(report.results)).toEqual([
      'pass column id is present',
      'pass column amount is present (optional: nullable)',
      'pass column status is present (optional: nullable)',
      'pass column email is present (optional: nullable)',
      'pass column created is present (optional: nullable)',
      'pass column zip is present (optional: nullable)',
      'pass column coupon is present (optional: nullable)',
      'pass id is int',
      'pass id has no nulls',
      'FAIL amount is float',
      'FAIL amount in [0, 100]',
      'pass mean(amount) in [0, 50]',
      'pass q0.5(amount) in [-∞, 100]',
      'pass status is category',
      'FAIL status in {new, paid}',
      'pass email is string',
      'FAIL email null fraction ≤ 0.1',
      'FAIL email matches /^[^@]+@[^@]+$/',
      'FAIL created is timestamp',
      'pass newest created at most 7d old',
      'pass zip is string',
      'pass zip matches /^\\d{3}$/',
      'FAIL id is unique',
      'pass (id, status) is unique',
      'pass row count in [1, 10]',
    ])
    expect(report).toMatchObject({
      success: false,
      rowCount: 5,
      statistics: { evaluated: 25, passed: 18, failed: 7 },
    })
    const byDescription = new Map(report.results.map((r) => [r.description, r]))
    expect(byDescription.get('amount is float')).toMatchObject({
      observed: { sourceType: 'VARCHAR', failing: 1 },
      examples: [
        {
          id: '2',
          amount: 'abc',
          status: 'weird',
          email: 'nope',
          created: '2024-01-07',
          zip: '009',
        },
      ],
    })
    // NaN and Infinity are outside every range; the mean and median skip them.
    expect(byDescription.get('amount in [0, 100]')).toMatchObject({
      failingCount: 2,
      observed: { min: 10.5, max: 'NaN' },
    })
    expect(byDescription.get('mean(amount) in [0, 50]')?.observed).toBe(15.25)
    expect(byDescription.get('email null fraction ≤ 0.1')?.observed).toBe(0.2)
    expect(byDescription.get('newest created at most 7d old')?.observed).toEqual({
      latest: '2024-01-09T10:00:00.000Z',
      ageSeconds: 50400,
    })
    expect(byDescription.get('id is unique')).toMatchObject({
      observed: { duplicateKeys: 1, duplicateRows: 2 },
      examples: [{ id: 2, count: 2 }],
    })
  })

  it('checks Parquet the same way, and keeps only N examples', async () => {
    const path = join(dir, 'many.parquet')
    await writeQuery('SELECT range AS id, range * 10 AS amount FROM range(100)', path, 'parquet')
    const contract = defineContract('many')
      .column('id', column.int())
      .column('amount', column.float().range(0, 500))
      .build()
    const report = await validate(path, contract)
    const range = report.results.find((r) => r.expectation === 'range')
    expect(range).toMatchObject({ success: false, failingCount: 49 })
    expect(range?.examples).toHaveLength(2)
  })

  it('fails a required column that is absent and columns beyond a closed contract', async () => {
    const contract = defineContract('c')
      .column('a', column.int().notNull())
      .column('b', column.int())
      .noExtraColumns()
      .build()
    const report = await validate(write('extra.csv', 'b,c\n1,2\n'), contract)
    expect(verdicts(report.results)).toEqual([
      'FAIL column a is present',
      'pass column b is present (optional: nullable)',
      'FAIL no columns beyond the contract',
      'pass b is int',
    ])
    expect(report.results[2]?.observed).toEqual(['c'])
  })

  it('gives defined results for an empty dataset and an all-null column', async () => {
    const contract = defineContract('c')
      .column('x', column.float().notNull().maxNullFraction(0).mean({ min: 0 }))
      .column('t', column.timestamp().maxAge('1d'))
      .rowCount({ min: 1 })
      .build()
    const empty = await validate(write('empty.csv', 'x,t\n'), contract)
    expect(verdicts(empty.results)).toEqual([
      'pass column x is present',
      'pass column t is present (optional: nullable)',
      'pass x is float',
      'pass x has no nulls',
      'pass x null fraction ≤ 0',
      'FAIL mean(x) in [0, ∞]',
      'pass t is timestamp',
      'FAIL newest t at most 1d old',
      'FAIL row count in [1, ∞]',
    ])
    const nulls = await validate(write('nulls.csv', 'x,t\n,\n,\n'), contract)
    expect(nulls.results.find((r) => r.expectation === 'max_null_fraction')?.observed).toBe(1)
    expect(nulls.results.find((r) => r.expectation === 'mean')).toMatchObject({
      success: false,
      observed: null,
    })
    expect(nulls.results.find((r) => r.expectation === 'freshness')?.observed).toEqual({
      latest: null,
      ageSeconds: null,
    })
  })

  it('reports a pattern RE2 cannot compile as a failed expectation', async () => {
    const contract = defineContract('c').column('s', column.string().regex('(?<=a)b')).build()
    const report = await validate(write('s.csv', 's\nab\n'), contract)
    const regex = report.results.find((r) => r.expectation === 'regex')
    expect(regex).toMatchObject({ success: false })
    expect(String(regex?.observed)).toMatch(/^invalid RE2 pattern: /)
  })
})

import { describe, expect, it } from 'vitest'
import { column, defineContract } from './contract-builder.js'
import { diffContracts } from './contract-diff.js'

const base = () =>
  defineContract('orders')
    .column('id', column.int().notNull().unique())
    .column('amount', column.float().range(0, 100))
    .column('status', column.category(['new', 'paid']))
    .column('note', column.string())
    .column('created', column.timestamp().maxAge('7d'))
    .rowCount({ min: 1, max: 1000 })

describe('diffContracts', () => {
  it('finds nothing between equal contracts', () => {
    expect(diffContracts(base().build(), base().build())).toEqual({
      changes: [],
      isBreaking: false,
    })
  })

  it('calls removed columns, required new columns and narrowed types breaking', () => {
    const after = defineContract('orders')
      .column('id', column.int().notNull().unique())
      .column('amount', column.int().range(0, 100))
      .column('status', column.category(['new', 'paid']))
      .column('created', column.timestamp().maxAge('7d'))
      .column('region', column.string().notNull())
      .rowCount({ min: 1, max: 1000 })
      .build()
    const diff = diffContracts(base().build(), after)
    expect(diff.isBreaking).toBe(true)
    expect(diff.changes.map((c) => [c.path, c.change, c.breaking])).toEqual([
      ['columns.amount.type', 'changed', true],
      ['columns.note', 'removed', true],
      ['columns.region', 'added', true],
    ])
    expect(diff.changes[0]?.reason).toBe('float values may not be valid int')
  })

  it('calls optional new columns, widened types and relaxed expectations compatible', () => {
    const after = defineContract('orders', 'now documented')
      .column('id', column.float().unique())
      .column('amount', column.float().range(-10))
      .column('status', column.category(['new', 'paid', 'refunded']))
      .column('note', column.string())
      .column('created', column.timestamp().maxAge('30d'))
      .column('coupon', column.string())
      .rowCount({ min: 0 })
      .build()
    const diff = diffContracts(base().build(), after)
    expect(diff.changes.filter((c) => c.breaking)).toEqual([])
    expect(diff.changes.map((c) => `${c.path}: ${c.reason}`)).toEqual([
      'columns.id.type: int values read losslessly as float',
      'columns.id.nullable: nulls now allowed',
      'columns.amount.min: lower bound relaxed',
      'columns.amount.max: upper bound relaxed',
      'columns.status.allowed: values added: refunded',
      'columns.created.maxAge: freshness relaxed',
      'columns.coupon: an optional (nullable) column',
      'description: documentation only',
      'rowCount.min: lower bound relaxed',
      'rowCount.max: upper bound relaxed',
    ])
  })

  it('calls every tightened expectation breaking', () => {
    const after = defineContract('orders')
      .column('id', column.int().notNull().unique())
      .column('amount', column.float().range(0, 50).mean({ max: 10 }).maxNullFraction(0))
      .column('status', column.category(['new']))
      .column('note', column.string().regex(/^n/).unique())
      .column('created', column.timestamp().maxAge('1d'))
      .unique('status', 'note')
      .noExtraColumns()
      .rowCount({ min: 10, max: 1000 })
      .build()
    const diff = diffContracts(base().build(), after)
    expect(diff.changes.every((c) => c.breaking)).toBe(true)
    expect(diff.changes.map((c) => c.path)).toEqual([
      'columns.amount.maxNullFraction',
      'columns.amount.max',
      'columns.amount.mean.max',
      'columns.status.allowed',
      'columns.note.unique',
      'columns.note.regex',
      'columns.created.maxAge',
      'allowExtraColumns',
      'unique.(status, note)',
      'rowCount.min',
    ])
  })
})

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readEvents } from '../src/events/index.js'
import { testBackends } from './support/backends.js'
import { startTestLathe, type TestLathe } from './support/lathe.js'

const CONTRACT = {
  name: 'orders',
  columns: {
    id: { type: 'int', nullable: false, unique: true },
    amount: { type: 'float', min: 0 },
    status: { type: 'category', allowed: ['new', 'paid'] },
  },
  rowCount: { min: 1 },
}
const GOOD = 'id,amount,status\n1,10,new\n2,20,paid\n'
const BAD = 'id,amount,status\n1,10,new\n1,-5,lost\n'

for (const backend of testBackends) {
  describe(`data HTTP routes (${backend.name})`, () => {
    let t: TestLathe
    let dir: string
    const add = (name: string, text: string) => {
      const path = join(dir, `${name}-${text.length}.csv`)
      writeFileSync(path, text)
      return t.lathe.data.datasets.add(path, { name })
    }
    const get = (url: string) => t.app.inject({ method: 'GET', url })
    const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, payload })
    beforeAll(async () => {
      t = await startTestLathe(backend)
      dir = mkdtempSync(join(tmpdir(), 'lathe-data-api-'))
    })
    afterAll(async () => {
      await t.close()
      rmSync(dir, { recursive: true, force: true })
    })

    it('registers contracts as versions, the same body once, and diffs them', async () => {
      const first = await post('/api/v1/contracts', CONTRACT)
      expect(first.statusCode, first.body).toBe(200)
      expect(first.json()).toMatchObject({
        created: true,
        contract: { name: 'orders', version: 1 },
      })
      expect((await post('/api/v1/contracts', CONTRACT)).json()).toMatchObject({
        created: false,
        contract: { version: 1 },
      })
      const tighter = {
        ...CONTRACT,
        columns: { ...CONTRACT.columns, amount: { type: 'int', min: 0 } },
      }
      expect((await post('/api/v1/contracts', tighter)).json().contract.version).toBe(2)
      expect((await get('/api/v1/contracts')).json()).toEqual({
        contracts: [{ name: 'orders', latest_version: 2, updated_at: expect.any(Number) }],
      })
      expect(
        (await get('/api/v1/contracts/orders'))
          .json()
          .versions.map((v: { version: number }) => v.version),
      ).toEqual([2, 1])
      const diff = await get('/api/v1/contracts/orders/diff?from=1&to=2')
      expect(diff.json()).toMatchObject({
        is_breaking: true,
        changes: [
          {
            path: 'columns.amount.type',
            change: 'changed',
            from: 'float',
            to: 'int',
            breaking: true,
          },
        ],
      })
      const events = await readEvents(t.lathe.store.db(), {
        afterId: 0,
        limit: 10,
        types: ['contract.created'],
      })
      expect(events.map((e) => e.subject)).toEqual([
        'contract_version:orders:1',
        'contract_version:orders:2',
      ])
    })

    it('answers a bad contract with 400 naming the field', async () => {
      const response = await post('/api/v1/contracts', {
        name: 'x',
        columns: { a: { type: 'decimal' } },
      })
      expect(response.statusCode).toBe(400)
      expect(response.json()).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message:
          'The contract is invalid: columns.a.type: unknown column type "decimal"; allowed: int, float, bool, string, timestamp, category',
      })
      expect((await get('/api/v1/contracts/nope')).statusCode).toBe(404)
      expect((await get('/api/v1/contracts/orders/versions/0')).statusCode).toBe(400)
    })

    it('lists datasets and versions, and moves aliases', async () => {
      await add('orders', GOOD)
      const second = await add('orders', BAD)
      expect((await get('/api/v1/datasets')).json()).toEqual({
        datasets: [
          { name: 'orders', latest_version: 2, version_count: 2, updated_at: expect.any(Number) },
        ],
      })
      const versions = (await get('/api/v1/datasets/orders/versions')).json().versions
      expect(
        versions.map((v: { version: number; row_count: number }) => [v.version, v.row_count]),
      ).toEqual([
        [2, 2],
        [1, 2],
      ])
      const aliased = await post('/api/v1/datasets/orders/aliases', { alias: 'golden', version: 1 })
      expect(aliased.json().version).toMatchObject({ version: 1, aliases: ['golden'] })
      const one = (await get('/api/v1/datasets/orders/versions/2')).json().version
      expect(one).toMatchObject({
        id: second.version.id,
        digest: second.version.digest,
        format: 'csv',
      })
      expect(one.schema[0]).toEqual({ name: 'id', type: 'int', source_type: 'BIGINT' })
      expect(
        (await t.app.inject({ method: 'DELETE', url: '/api/v1/datasets/orders/aliases/golden' }))
          .statusCode,
      ).toBe(200)
      expect(
        (await t.app.inject({ method: 'DELETE', url: '/api/v1/datasets/orders/aliases/golden' }))
          .statusCode,
      ).toBe(404)
      expect((await get('/api/v1/datasets/none/versions')).statusCode).toBe(404)
      expect(
        (await post('/api/v1/datasets/orders/aliases', { alias: 'x', version: 9 })).statusCode,
      ).toBe(404)
    })

    it('validates a stored version, stores the report and links it to the version', async () => {
      const bad = await post('/api/v1/validation-reports', {
        dataset: 'orders:2',
        contract: 'orders:1',
        max_examples: 1,
      })
      expect(bad.statusCode, bad.body).toBe(200)
      const report = bad.json().report
      expect(report).toMatchObject({
        success: false,
        contract: { name: 'orders', version: 1 },
        dataset: { source: 'orders:2', format: 'csv', row_count: 2 },
        statistics: { failed: 3 },
      })
      const failed = report.results.filter((r: { success: boolean }) => !r.success)
      expect(failed.map((r: { description: string }) => r.description)).toEqual([
        'amount in [0, ∞]',
        'status in {new, paid}',
        'id is unique',
      ])
      // Examples show the rows as written in the file.
      expect(failed[0].examples).toEqual([{ id: '1', amount: '-5', status: 'lost' }])
      const stored = await get(`/api/v1/validation-reports/${report.id}`)
      expect(stored.json().report).toEqual(report)
      const good = (
        await post('/api/v1/validation-reports', { dataset: 'orders:1', contract: 'orders:1' })
      ).json().report
      expect(good.success).toBe(true)
      const listed = (
        await get(`/api/v1/validation-reports?dataset_version_id=${report.dataset.version_id}`)
      ).json()
      expect(listed.reports.map((r: { id: string }) => r.id)).toEqual([report.id])
      expect(listed.reports[0].results).toBeUndefined()
      const events = await readEvents(t.lathe.store.db(), {
        afterId: 0,
        limit: 10,
        types: ['validation.completed'],
      })
      expect(events[0]?.payload).toMatchObject({
        reportId: report.id,
        success: false,
        datasetVersionId: report.dataset.version_id,
      })
      expect((await get('/api/v1/validation-reports/nope')).statusCode).toBe(404)
      expect(
        (await post('/api/v1/validation-reports', { dataset: 'orders', contract: 'nope' }))
          .statusCode,
      ).toBe(404)
      expect(
        (await post('/api/v1/validation-reports', { dataset: 'orders' })).json(),
      ).toMatchObject({
        error_code: 'INVALID_PARAMETER_VALUE',
      })
    })
  })
}

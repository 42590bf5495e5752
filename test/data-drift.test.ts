import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeQuery } from '../src/data/write-query.js'
import { testBackends } from './support/backends.js'
import { startTestLathe, type TestLathe } from './support/lathe.js'

const rows = (shift: number) => `
  SELECT ((range * 7919) % 1000) / 100.0 + ${shift} AS amount,
         ['a', 'b', 'c'][(range % 3) + 1] AS segment
  FROM range(3000)`

for (const backend of testBackends) {
  describe(`drift between stored versions (${backend.name})`, () => {
    let t: TestLathe
    let dir: string
    beforeAll(async () => {
      t = await startTestLathe(backend)
      dir = mkdtempSync(join(tmpdir(), 'lathe-data-drift-'))
      for (const [name, shift] of [
        ['week1', 0],
        ['week2', 4],
      ] as const) {
        const path = join(dir, `${name}.parquet`)
        await writeQuery(rows(shift), path, 'parquet')
        await t.lathe.data.datasets.add(path, { name: 'sales' })
      }
    })
    afterAll(async () => {
      await t.close()
      rmSync(dir, { recursive: true, force: true })
    })

    it('stores a profile with each version', async () => {
      const version = await t.lathe.data.datasets.get('sales:1')
      expect(version.profile?.rowCount).toBe(3000)
      expect(version.profile?.columns.map((c) => [c.name, c.kind])).toEqual([
        ['amount', 'numerical'],
        ['segment', 'categorical'],
      ])
      const { data, profile } = await t.lathe.data.profiles.profile({ ref: 'sales:1' })
      expect(data).toMatchObject({ source: 'sales:1', rowCount: 3000, versionId: version.id })
      expect(profile).toEqual(version.profile)
    })

    it('answers POST /api/v1/drift for two versions', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/drift',
        payload: { reference: 'sales:1', current: 'sales:2' },
      })
      expect(response.statusCode, response.body).toBe(200)
      const { report } = response.json()
      expect(report.reference).toMatchObject({ source: 'sales:1', row_count: 3000 })
      expect(report.dataset).toEqual({
        column_count: 2,
        drifted_count: 1,
        drifted_share: 0.5,
        drift_share: 0.5,
        is_drifted: true,
      })
      expect(
        report.columns.map((c: { name: string; test: string; is_drifted: boolean }) => [
          c.name,
          c.test,
          c.is_drifted,
        ]),
      ).toEqual([
        ['amount', 'wasserstein', true],
        ['segment', 'jensenshannon', false],
      ])
    })

    it('counts the current version again on the reference bins for histogram tests', async () => {
      const { report } = await t.lathe.data.profiles.drift(
        { ref: 'sales:1' },
        { ref: 'sales:2' },
        { test: 'psi', maxExactValues: 0 },
      )
      expect(report.columns.map((c) => [c.name, c.result?.test, c.skipped])).toEqual([
        ['amount', 'psi', undefined],
        ['segment', 'psi', undefined],
      ])
      expect(report.columns[0]?.result?.isDrifted).toBe(true)
    })

    it('refuses bad requests with 4xx', async () => {
      const post = (payload: object) =>
        t.app.inject({ method: 'POST', url: '/api/v1/drift', payload })
      expect((await post({ reference: 'sales:1', current: 'sales:9' })).statusCode).toBe(404)
      expect((await post({ reference: 'sales:1' })).json()).toMatchObject({
        error_code: 'INVALID_PARAMETER_VALUE',
      })
      expect(
        (await post({ reference: 'sales:1', current: 'sales:2', test: 'magic' })).statusCode,
      ).toBe(400)
      expect((await post({ reference: '/etc/passwd', current: 'sales:2' })).json()).toMatchObject({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: "Invalid reference '/etc/passwd': expected 'name', 'name:3' or 'name@alias'",
      })
    })
  })
}

import { DuckDBInstance } from '@duckdb/node-api'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parquetLogPrefix } from '../src/serving/index.js'
import { testBackends } from './support/backends.js'
import {
  classifierFiles,
  invoke,
  registerModel,
  startServingLathe,
  tabularRecords,
} from './support/serving.js'

/*
 * The inference log samples requests, applies the per-field PII policy before anything is
 * written, and writes in batches to the metadata DB or to Parquet files in the artifact store.
 */

const rows = tabularRecords(2)

for (const backend of testBackends) {
  describe(`inference log (${backend.name})`, () => {
    let t: Awaited<ReturnType<typeof startServingLathe>>

    beforeEach(async () => {
      t = await startServingLathe(backend)
      await registerModel(t.lathe, 'churn', classifierFiles(), ['champion'])
    })
    afterEach(() => t.close())

    it('keeps about the sampled share of requests', async () => {
      await t.lathe.serving.deployments.create({
        name: 'half',
        model: 'churn',
        config: { logging: { sampleRate: 0.5 } },
      })
      await t.lathe.serving.deployments.create({
        name: 'none',
        model: 'churn',
        config: { logging: { sampleRate: 0 } },
      })
      for (let i = 0; i < 400; i++) {
        await invoke(t.app, 'half', { dataframe_records: rows })
        if (i < 50) await invoke(t.app, 'none', { dataframe_records: rows })
      }
      await t.lathe.serving.inferenceLog.flush()
      const half = await t.lathe.serving.readLog({ deployment: 'half', limit: 10_000 })
      // Binomial(400, 0.5): four standard deviations is ±40.
      expect(half.length).toBeGreaterThan(160)
      expect(half.length).toBeLessThan(240)
      expect(await t.lathe.serving.readLog({ deployment: 'none' })).toEqual([])
    })

    it('writes Parquet files with the PII policy applied, and the metrics count them', async () => {
      await t.lathe.serving.deployments.create({
        name: 'files',
        model: 'churn',
        config: { logging: { sink: 'parquet', pii: { city: 'drop', x1: 'hash', label: 'hash' } } },
      })
      for (let i = 0; i < 5; i++)
        await invoke(t.app, 'files', { dataframe_records: rows }, { 'x-request-id': `req-${i}` })
      await t.lathe.serving.inferenceLog.flush()
      const days = await t.lathe.artifacts.list(parquetLogPrefix('files'))
      expect(days).toHaveLength(1)
      const [file] = await t.lathe.artifacts.list(days[0]!.key)
      expect(file!.key).toMatch(/\.parquet$/)
      const dir = mkdtempSync(join(tmpdir(), 'lathe-log-read-'))
      try {
        const chunks: Buffer[] = []
        for await (const chunk of await t.lathe.artifacts.get(file!.key))
          chunks.push(chunk as Buffer)
        writeFileSync(join(dir, 'log.parquet'), Buffer.concat(chunks))
        const instance = await DuckDBInstance.create(':memory:')
        const connection = await instance.connect()
        const logged = (
          await connection.runAndReadAll(
            `SELECT * FROM '${join(dir, 'log.parquet')}' ORDER BY request_id`,
          )
        ).getRowObjectsJS()
        connection.closeSync()
        instance.closeSync()
        expect(logged.map((r) => r.request_id)).toEqual([
          'req-0',
          'req-1',
          'req-2',
          'req-3',
          'req-4',
        ])
        const inputs = JSON.parse(logged[0]!.inputs as string) as Record<string, unknown>[]
        expect(inputs).toHaveLength(2)
        expect(inputs[0]).not.toHaveProperty('city')
        expect(inputs[0]!.x1).toMatch(/^hmac-sha256:[0-9a-f]{32}$/)
        expect(inputs[0]!.x2).toBe(rows[0]!.x2)
        const outputs = JSON.parse(logged[0]!.outputs as string) as Record<string, unknown>[]
        expect(outputs[0]!.label).toMatch(/^hmac-sha256:/)
        expect(outputs[0]!.probabilities).toHaveLength(3)
        expect(logged[0]).toMatchObject({
          deployment: 'files',
          version: 1n,
          variant: 'stable',
          status: 'ok',
        })
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
      const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
      expect(metrics).toContain('lathe_inference_log_entries_total{result="written"} 5')
    })

    it('hashes a field the same way every time, so logged requests still join on it', async () => {
      await t.lathe.serving.deployments.create({
        name: 'ids',
        model: 'churn',
        config: { logging: { pii: { city: 'hash' } } },
      })
      const same = { dataframe_records: [{ ...rows[0], city: 'a' }] }
      await invoke(t.app, 'ids', same)
      await invoke(t.app, 'ids', same)
      await invoke(t.app, 'ids', { dataframe_records: [{ ...rows[0], city: 'b' }] })
      await t.lathe.serving.inferenceLog.flush()
      const cities = (await t.lathe.serving.readLog({ deployment: 'ids' })).map(
        (r) => r.inputs[0]!.city,
      )
      expect(cities[0]).toBe(cities[1])
      expect(cities[2]).not.toBe(cities[0])
    })
  })
}

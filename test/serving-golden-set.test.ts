import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testBackends } from './support/backends.js'
import {
  classifierFiles,
  registerModel,
  startServingLathe,
  tabularRecords,
} from './support/serving.js'

/*
 * The smoke gate runs every release on the deployment's golden set, a stored dataset version read
 * through the data context: a golden set the candidate answers passes (and says how many rows
 * ran), one it cannot take fails the release with the reason, and the serving version stays.
 */

function csv(records: Record<string, unknown>[]): string {
  const columns = ['x1', 'x2', 'x3', 'city']
  const cell = (v: unknown) => (v === null || v === undefined ? '' : String(v))
  return [columns.join(','), ...records.map((r) => columns.map((c) => cell(r[c])).join(','))]
    .join('\n')
    .concat('\n')
}

for (const backend of testBackends) {
  describe(`golden-set smoke gate (${backend.name})`, () => {
    let t: Awaited<ReturnType<typeof startServingLathe>>
    let dir: string

    beforeAll(async () => {
      t = await startServingLathe(backend)
      dir = mkdtempSync(join(tmpdir(), 'lathe-golden-'))
      for (const seed of [1, 2]) await registerModel(t.lathe, 'churn', classifierFiles({ seed }))
      const good = join(dir, 'holdout.csv')
      writeFileSync(good, csv(tabularRecords(40, 5)))
      await t.lathe.data.datasets.add(good, { name: 'holdout' })
      await t.lathe.data.datasets.setAlias('holdout', 'golden', 1)
      // Parquet-free and readable, but a column the model takes as numbers holds text.
      const bad = join(dir, 'broken.csv')
      writeFileSync(bad, csv(tabularRecords(5, 6).map((r) => ({ ...r, x2: 'n/a' }))))
      await t.lathe.data.datasets.add(bad, { name: 'broken' })
    })
    afterAll(async () => {
      await t.close()
      rmSync(dir, { recursive: true, force: true })
    })

    it('passes a release whose candidate answers every row of the golden set', async () => {
      const created = await t.lathe.serving.deployments.create({
        name: 'churn-api',
        model: 'churn',
        version: 1,
        config: { goldenSet: 'holdout@golden' },
      })
      const smoke = created.release!.gates.find((g) => g.gate === 'smoke')!
      expect(smoke).toMatchObject({ passed: true })
      expect(smoke.detail).toMatch(/golden set holdout@golden \(40 rows\)/)
      // The smoke test ran on the model worker, off the event loop that answers requests.
      const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
      expect(metrics).toMatch(/lathe_model_worker_calls_total\{role="primary"\} [1-9]/)
      // So this process keeps no onnxruntime session of its own: one copy of the model, not two.
      expect(t.lathe.serving.runtime.get('churn-api')!.stable.loaded.holdsSession()).toBe(false)
    })

    it('fails a release on a golden set the candidate cannot take, keeping the serving version', async () => {
      await t.lathe.serving.deployments.update('churn-api', { config: { goldenSet: 'broken' } })
      await expect(
        t.lathe.serving.deployments.release('churn-api', { version: 2 }),
      ).rejects.toThrow(/Version 2 failed the smoke gate: The golden set broken failed: .*x2/)
      const d = await t.lathe.serving.deployments.get('churn-api')
      expect(d.version).toBe(1)
      expect(d.release).toMatchObject({ status: 'failed', candidateVersion: 2 })
    })

    it('refuses a golden set that does not exist, naming it', async () => {
      await t.lathe.serving.deployments.update('churn-api', {
        config: { goldenSet: 'nope@golden' },
      })
      await expect(
        t.lathe.serving.deployments.release('churn-api', { version: 2 }),
      ).rejects.toThrow("Dataset 'nope' has no alias 'golden'")
    })
  })
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testBackends } from './support/backends.js'
import { startTestLathe, type TestLathe } from './support/lathe.js'

for (const backend of testBackends) {
  describe(`smoke (${backend.name})`, () => {
    let t: TestLathe
    beforeAll(async () => {
      t = await startTestLathe(backend)
    })
    afterAll(async () => t.close())

    it('creates a run and logs a batch', async () => {
      const create = await t.app.inject({
        method: 'POST',
        url: '/api/2.0/mlflow/experiments/create',
        payload: { name: 'e1' },
      })
      expect(create.statusCode).toBe(200)
      const { experiment_id } = create.json()
      const run = await t.app.inject({
        method: 'POST',
        url: '/api/2.0/mlflow/runs/create',
        payload: { experiment_id, start_time: 1 },
      })
      expect(run.statusCode).toBe(200)
      const runId = run.json().run.info.run_id
      expect(runId).toMatch(/^[0-9a-f]{32}$/)
      const batch = await t.app.inject({
        method: 'POST',
        url: '/api/2.0/mlflow/runs/log-batch',
        payload: {
          run_id: runId,
          metrics: [
            { key: 'acc', value: 0.5, timestamp: 10, step: 1 },
            { key: 'acc', value: 'NaN', timestamp: 11, step: 2 },
          ],
          params: [{ key: 'lr', value: '0.1' }],
        },
      })
      expect(batch.statusCode, batch.body).toBe(200)
      const got = await t.app.inject({
        method: 'GET',
        url: `/api/2.0/mlflow/runs/get?run_id=${runId}`,
      })
      expect(got.json().run.data.metrics).toEqual([
        { key: 'acc', value: 'NaN', timestamp: 11, step: 2 },
      ])
      const search = await t.app.inject({
        method: 'POST',
        url: '/api/2.0/mlflow/runs/search',
        payload: { experiment_ids: [experiment_id], filter: "params.lr = '0.1'" },
      })
      expect(search.json().runs).toHaveLength(1)
    })
  })
}

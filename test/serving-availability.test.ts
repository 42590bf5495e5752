import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildServingServer } from '../src/api/routes/serving-server.js'
import { openLathe } from '../src/main.js'
import { artifactKeyOf } from '../src/tracking/index.js'
import { testBackends } from './support/backends.js'
import {
  classifierFiles,
  registerModel,
  slowFiles,
  startServingLathe,
  tabularRecords,
} from './support/serving.js'

/*
 * A deployment this process cannot answer for now is a 503 with Retry-After, never a 404 or a
 * 500: one whose model failed to load here (another process may serve it), and requests past
 * the process's in-flight limit, which are refused rather than queued.
 */

const body = { dataframe_records: tabularRecords(1) }

for (const backend of testBackends) {
  describe(`serving availability (${backend.name})`, () => {
    let t: Awaited<ReturnType<typeof startServingLathe>>

    beforeAll(async () => {
      t = await startServingLathe(backend)
      await registerModel(t.lathe, 'churn', classifierFiles(), ['champion'])
      await registerModel(t.lathe, 'slow', slowFiles(400), ['champion'])
      await t.lathe.serving.deployments.create({ name: 'churn-api', model: 'churn' })
      await t.lathe.serving.deployments.create({ name: 'slow-api', model: 'slow' })
    })
    afterAll(() => t.close())

    it('refuses requests past the in-flight limit with 503 and counts them', async () => {
      t.lathe.serving.maxInFlight = 1
      try {
        const answers = await Promise.all(
          Array.from({ length: 8 }, () =>
            t.app.inject({ method: 'POST', url: '/serve/slow-api/invocations', payload: body }),
          ),
        )
        const statuses = answers.map((a) => a.statusCode)
        expect(statuses).toContain(200)
        expect(statuses).toContain(503)
        expect(statuses.every((s) => s === 200 || s === 503)).toBe(true)
        const refused = answers.find((a) => a.statusCode === 503)!
        expect(refused.headers['retry-after']).toBe('1')
        expect(refused.json()).toEqual({
          error_code: 'TEMPORARILY_UNAVAILABLE',
          message: 'Serving is overloaded: 1 requests are running (at most 1); retry shortly',
        })
        const metrics = await t.app.inject({ method: 'GET', url: '/metrics' })
        const count = statuses.filter((s) => s === 503).length
        expect(metrics.body).toContain(
          `lathe_inference_rejected_total{deployment="slow-api"} ${count}`,
        )
      } finally {
        t.lathe.serving.maxInFlight = 1024
      }
      const after = await t.app.inject({
        method: 'POST',
        url: '/serve/slow-api/invocations',
        payload: body,
      })
      expect(after.statusCode).toBe(200)
    })

    it('answers 503 naming the reason for a deployment whose model failed to load here', async () => {
      // Another serving process starts after the model's files went missing.
      const version = await t.lathe.registry.versions.get('churn', 1)
      await t.lathe.artifacts.delete(`${artifactKeyOf(version.storageLocation)}/model.onnx`)
      const other = await openLathe(t.lathe.config)
      const app = await buildServingServer(other)
      try {
        await app.ready()
        const mlflow = await app.inject({
          method: 'POST',
          url: '/serve/churn-api/invocations',
          payload: body,
        })
        expect(mlflow.statusCode).toBe(503)
        expect(mlflow.headers['retry-after']).toBe('1')
        const error = mlflow.json() as { error_code: string; message: string }
        expect(error.error_code).toBe('TEMPORARILY_UNAVAILABLE')
        expect(error.message).toMatch(/^Deployment 'churn-api' is not loaded here: .*onnx/)
        const v2 = await app.inject({ method: 'GET', url: '/v2/models/churn-api/ready' })
        expect(v2.statusCode).toBe(503)
        const ready = await app.inject({ method: 'GET', url: '/v2/health/ready' })
        expect([ready.statusCode, ready.json()]).toEqual([503, { ready: false }])
        // The other deployment still serves, and an unknown name is still a 404.
        const slow = await app.inject({
          method: 'POST',
          url: '/serve/slow-api/invocations',
          payload: body,
        })
        expect(slow.statusCode).toBe(200)
        const unknown = await app.inject({
          method: 'POST',
          url: '/serve/nope/invocations',
          payload: body,
        })
        expect(unknown.statusCode).toBe(404)
      } finally {
        await app.close()
        await other.close()
      }
    })
  })
}

import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildServer } from '../src/api/server.js'
import { openLathe, type Lathe } from '../src/main.js'
import { testBackends } from './support/backends.js'

/*
 * A version's `source` must resolve inside the artifact store: MLflow's CVE-2023-1177,
 * CVE-2023-6977 and CVE-2025-11201 came from sources naming local files, `//proc/self/root` or
 * `../`. Anything else is a 400 that changes nothing.
 */

const API = '/api/2.0/mlflow'
type Method = 'GET' | 'POST'

for (const backend of testBackends) {
  describe(`model version sources (${backend.name})`, () => {
    let lathe: Lathe
    let app: FastifyInstance
    let cleanup: () => Promise<void>
    let runId: string

    async function call(method: Method, path: string, body?: Record<string, unknown>) {
      const query = method === 'GET' && body ? `?${new URLSearchParams(body as never)}` : ''
      const res = await app.inject({
        method,
        url: `${API}/${path}${query}`,
        ...(method === 'GET' ? {} : { payload: body ?? {} }),
      })
      return { status: res.statusCode, body: res.json() as Record<string, unknown> }
    }
    async function ok(method: Method, path: string, body?: Record<string, unknown>) {
      const res = await call(method, path, body)
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      return res.body
    }

    beforeAll(async () => {
      const fresh = await backend.fresh()
      cleanup = fresh.cleanup
      lathe = await openLathe(fresh.config)
      app = await buildServer(lathe)
      const run = await ok('POST', 'runs/create', { experiment_id: '0', start_time: 1 })
      runId = (run.run as { info: { run_id: string } }).info.run_id
      await ok('POST', 'registered-models/create', { name: 'm' })
    })
    afterAll(async () => {
      await app.close()
      await lathe.close()
      await cleanup()
    })

    it.each([
      ['/etc/passwd'],
      ['file:///etc/passwd'],
      ['//proc/self/root/etc/passwd'],
      ['../../secrets'],
      ['s3://bucket/model'],
      ['mlflow-artifacts:/0/../../../etc'],
      ['mlflow-artifacts:/0/%2e%2e/%2e%2e/etc'],
      ['runs:/RUN/../../../../etc'],
      ['models:/m/../../x'],
      ['http://evil.example/model'],
    ])('refuses the source %s with 400 and changes nothing', async (source) => {
      const before = await ok('GET', 'model-versions/search', { filter: "name = 'm'" })
      const res = await call('POST', 'model-versions/create', {
        name: 'm',
        source: source.replace('RUN', runId),
      })
      expect(res.status, JSON.stringify(res.body)).toBe(400)
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE')
      expect(res.body.message).toMatch(/^Invalid model version source/)
      expect(await ok('GET', 'model-versions/search', { filter: "name = 'm'" })).toEqual(before)
    })

    it('refuses a runs:/ source naming another run than run_id, and unknown runs with 404', async () => {
      const res = await call('POST', 'model-versions/create', {
        name: 'm',
        source: `runs:/${runId}/model`,
        run_id: 'f'.repeat(32),
      })
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE')
      const missing = await call('POST', 'model-versions/create', {
        name: 'm',
        source: `runs:/${'e'.repeat(32)}/model`,
      })
      expect(missing.status).toBe(404)
    })
  })
}

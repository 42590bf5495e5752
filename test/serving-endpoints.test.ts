import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testBackends } from './support/backends.js'
import { startTestLathe, type TestLathe } from './support/lathe.js'
import { classifierFiles, registerModel, tabularRecords } from './support/serving.js'

/*
 * A deployment answers MLflow's scoring protocol and the Open Inference Protocol, marks every
 * answer with the version that gave it and a request id, logs what it answered (PII policy
 * applied) and counts it in /metrics.
 */

for (const backend of testBackends) {
  describe(`serving endpoints (${backend.name})`, () => {
    let t: TestLathe
    const rows = tabularRecords(4)

    async function post(url: string, payload: unknown, headers: Record<string, string> = {}) {
      const res = await t.app.inject({ method: 'POST', url, payload: payload as object, headers })
      return {
        status: res.statusCode,
        body: res.json() as Record<string, unknown>,
        headers: res.headers,
      }
    }

    beforeAll(async () => {
      t = await startTestLathe(backend)
      await registerModel(t.lathe, 'churn', classifierFiles(), ['champion'])
      await t.app.ready()
      t.lathe.serving.controller.stop()
      const res = await post('/api/v1/deployments', {
        name: 'churn-api',
        model: 'churn',
        alias: 'champion',
        config: { logging: { pii: { city: 'hash', x3: 'drop' } } },
      })
      expect(res.status, JSON.stringify(res.body)).toBe(200)
    })
    afterAll(() => t.close())

    it('records the passed release gates on the deployment', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/deployments/churn-api' })
      const { deployment } = res.json() as {
        deployment: {
          version: number
          serving: { loaded: boolean }
          release: { gates: { gate: string; passed: boolean; detail: string }[] }
        }
      }
      expect(deployment.version).toBe(1)
      expect(deployment.serving.loaded).toBe(true)
      expect(
        deployment.release.gates.map((g: { gate: string; passed: boolean }) => [g.gate, g.passed]),
      ).toEqual([
        ['schema', true],
        ['signature', true],
        ['smoke', true],
      ])
      expect(deployment.release.gates[2]!.detail).toMatch(/input example \(3 rows\)/)
    })

    it('answers every MLflow request form with the same predictions', async () => {
      const columns = ['x1', 'x2', 'x3', 'city']
      const forms = [
        { dataframe_records: rows },
        { dataframe_split: { columns, data: rows.map((r) => columns.map((c) => r[c])) } },
        { instances: rows },
        { inputs: Object.fromEntries(columns.map((c) => [c, rows.map((r) => r[c])])) },
      ]
      const answers = []
      for (const form of forms) {
        const res = await post('/serve/churn-api/invocations', form)
        expect(res.status, JSON.stringify(res.body)).toBe(200)
        expect(res.headers['x-lathe-model-version']).toBe('1')
        expect(res.headers['x-request-id']).toMatch(/^[\w-]{8,}$/)
        answers.push(res.body.predictions)
      }
      const records = answers[0] as { label: string; probabilities: number[] }[]
      expect(records).toHaveLength(4)
      expect(records[0]!.label).toMatch(/^c[012]$/)
      expect(records[0]!.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6)
      expect(answers[1]).toEqual(records)
      // Tensor forms answer name → list, as MLflow does for dict outputs.
      const byName = answers[2] as { label: string[] }
      expect(byName.label).toEqual(records.map((r) => r.label))
      expect(answers[3]).toEqual(answers[2])
    })

    it('takes CSV bodies and echoes the caller request id', async () => {
      const csv = 'x1,x2,x3,city\n1.5,-0.2,,a\n0.1,0.3,-3.1,"b"\n'
      const res = await t.app.inject({
        method: 'POST',
        url: '/serve/churn-api/invocations',
        payload: csv,
        headers: { 'content-type': 'text/csv', 'x-request-id': 'abc-123' },
      })
      expect(res.statusCode, res.body).toBe(200)
      expect(res.headers['x-request-id']).toBe('abc-123')
      expect((res.json() as { predictions: unknown[] }).predictions).toHaveLength(2)
    })

    it('answers the Open Inference Protocol: infer, metadata, readiness', async () => {
      const inputs = ['x1', 'x2', 'x3'].map((name) => ({
        name,
        shape: [2, 1],
        datatype: 'FP64',
        data: rows.slice(0, 2).map((r) => r[name]),
      }))
      inputs.push({ name: 'city', shape: [2, 1], datatype: 'BYTES', data: ['a', 'c'] })
      const res = await post('/v2/models/churn-api/infer', { id: 'r1', inputs })
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      expect(res.body).toMatchObject({ model_name: 'churn-api', model_version: '1', id: 'r1' })
      const outputs = res.body.outputs as { name: string; datatype: string; shape: number[] }[]
      expect(outputs.map((o) => [o.name, o.datatype, o.shape])).toEqual([
        ['label', 'BYTES', [2]],
        ['probabilities', 'FP64', [2, 3]],
      ])
      const pinned = await post('/v2/models/churn-api/versions/1/infer', { inputs })
      expect(pinned.status).toBe(200)
      for (const url of ['/v2/health/live', '/v2/health/ready', '/v2/models/churn-api/ready']) {
        expect((await t.app.inject({ method: 'GET', url })).statusCode, url).toBe(200)
      }
      const meta = (await t.app.inject({ method: 'GET', url: '/v2/models/churn-api' })).json()
      expect(meta).toMatchObject({ name: 'churn-api', versions: ['1'], platform: 'onnx_onnxv1' })
      expect(meta.inputs[0]).toEqual({ name: 'x1', datatype: 'FP64', shape: [-1, 1] })
    })

    it('counts requests, errors and latency per deployment and version in /metrics', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/metrics' })
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
      const labels = 'deployment="churn-api",model="churn",version="1",variant="stable"'
      expect(res.body).toMatch(
        new RegExp(`lathe_inference_requests_total\\{${labels},protocol="mlflow",code="200"\\} 5`),
      )
      expect(res.body).toContain(
        `lathe_inference_request_duration_seconds_bucket{${labels},protocol="v2",le="+Inf"} 2`,
      )
      expect(res.body).toContain('# TYPE lathe_inference_request_duration_seconds histogram')
      expect(res.body).toContain('lathe_model_loaded{model="churn",version="1"} 1')
    })

    it('logs requests with the PII policy applied before writing', async () => {
      await post(
        '/serve/churn-api/invocations',
        { dataframe_records: [rows[0]] },
        { 'x-request-id': 'log-me' },
      )
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/v1/deployments/churn-api/log?limit=100',
      })
      type Logged = {
        request_id: string
        inputs: Record<string, unknown>[]
        outputs: Record<string, string>[]
      }
      const logged = (res.json() as { requests: Logged[] }).requests
      const entry = logged.find((r) => r.request_id === 'log-me')!
      expect(entry).toMatchObject({ version: 1, variant: 'stable', status: 'ok' })
      expect(entry.inputs[0]!.x1).toBe(rows[0]!.x1)
      expect(entry.inputs[0]).not.toHaveProperty('x3')
      expect(entry.inputs[0]!.city).toMatch(/^hmac-sha256:[0-9a-f]{32}$/)
      expect(entry.outputs[0]!.label).toMatch(/^c[012]$/)
    })
  })
}

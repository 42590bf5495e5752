import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testBackends } from './support/backends.js'
import { startTestLathe, type TestLathe } from './support/lathe.js'

/*
 * Bad input on every tracking route: each answer is a 4xx with an MLflow error body whose
 * message says what was wrong; none is a 500.
 */

const API = '/api/2.0/mlflow'
type Method = 'GET' | 'POST'
type Body = Record<string, unknown>

/** Every tracking route with a valid request, built from a live run and experiment. */
function routes(ids: { runId: string; experimentId: string }): [Method, string, Body][] {
  const { runId, experimentId } = ids
  const metric = { key: 'm', value: 1, timestamp: 1, step: 0 }
  const dataset = { name: 'd', digest: 'x', source_type: 'local', source: 'file.csv' }
  return [
    ['POST', 'experiments/create', { name: 'sweep', artifact_location: 'sweep', tags: [] }],
    ['GET', 'experiments/get', { experiment_id: experimentId }],
    ['GET', 'experiments/get-by-name', { experiment_name: 'bad-input' }],
    ['POST', 'experiments/search', { max_results: 5, filter: "name = 'x'", order_by: ['name'] }],
    ['GET', 'experiments/search', { max_results: 5, view_type: 'ALL' }],
    ['POST', 'experiments/update', { experiment_id: experimentId, new_name: 'bad-input' }],
    [
      'POST',
      'experiments/set-experiment-tag',
      { experiment_id: experimentId, key: 'k', value: 'v' },
    ],
    ['POST', 'experiments/delete-experiment-tag', { experiment_id: experimentId, key: 'k' }],
    ['POST', 'experiments/restore', { experiment_id: experimentId }],
    [
      'POST',
      'runs/create',
      { experiment_id: experimentId, start_time: 1, tags: [], run_name: 'r' },
    ],
    ['GET', 'runs/get', { run_id: runId, run_uuid: runId }],
    ['POST', 'runs/update', { run_id: runId, status: 'RUNNING', end_time: 2, run_name: 'r' }],
    ['POST', 'runs/log-metric', { run_id: runId, ...metric }],
    ['POST', 'runs/log-parameter', { run_id: runId, key: 'p', value: 'v' }],
    ['POST', 'runs/set-tag', { run_id: runId, key: 't', value: 'v' }],
    ['POST', 'runs/delete-tag', { run_id: runId, key: 't' }],
    ['POST', 'runs/log-batch', { run_id: runId, metrics: [metric], params: [], tags: [] }],
    ['POST', 'runs/log-inputs', { run_id: runId, datasets: [{ tags: [], dataset }] }],
    ['POST', 'runs/outputs', { run_id: runId, models: [{ model_id: 'm-1', step: 0 }] }],
    ['POST', 'runs/log-model', { run_id: runId, model_json: '{"flavors":{}}' }],
    ['POST', 'runs/search', { experiment_ids: [experimentId], filter: '', max_results: 5 }],
    ['GET', 'metrics/get-history', { run_id: runId, metric_key: 'm', max_results: 5 }],
    ['GET', 'artifacts/list', { run_id: runId, path: '' }],
    ['POST', 'runs/restore', { run_id: runId }],
  ]
}

/** Values of every JSON type, plus edge cases, to put in each field in turn. */
const WRONG_VALUES: unknown[] = [
  null,
  true,
  -1,
  1.5,
  1e300,
  '',
  '../../etc/passwd',
  'x'.repeat(10_001),
  ['a', 'b'],
  { key: 'k' },
]

for (const backend of testBackends) {
  describe(`bad input on every tracking route (${backend.name})`, () => {
    let t: TestLathe
    let ids: { runId: string; experimentId: string }
    beforeAll(async () => {
      t = await startTestLathe(backend)
      const experimentId = await t.lathe.tracking.experiments.create({ name: 'bad-input' })
      const run = await t.lathe.tracking.runs.create({ experimentId })
      ids = { runId: run.info.runId, experimentId }
    })
    afterAll(async () => t.close())

    async function send(method: Method, path: string, body: Body | string, headers = {}) {
      const query = new URLSearchParams()
      if (method === 'GET' && typeof body === 'object')
        for (const [k, v] of Object.entries(body))
          for (const item of Array.isArray(v) ? v : [v]) query.append(k, String(item))
      const response = await t.app.inject({
        method,
        url: `${API}/${path}${method === 'GET' ? `?${query}` : ''}`,
        headers: { 'content-type': 'application/json', ...headers },
        payload:
          method === 'GET' ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      })
      return {
        status: response.statusCode,
        body: response.json() as { error_code?: string; message?: string },
      }
    }

    function expectClientError(result: Awaited<ReturnType<typeof send>>, what: string): void {
      if (result.status === 200) return
      expect(result.status, `${what}: ${JSON.stringify(result.body)}`).toBeGreaterThanOrEqual(400)
      expect(result.status, `${what}: ${JSON.stringify(result.body)}`).toBeLessThan(500)
      expect(result.body.error_code, what).toMatch(/^[A-Z_]+$/)
      expect(result.body.message?.length, what).toBeGreaterThan(5)
    }

    it('never answers 5xx when any field of any route holds a value of the wrong kind', async () => {
      for (const [method, path, valid] of routes(ids)) {
        expectClientError(await send(method, path, valid), `${path} (valid)`)
        for (const field of Object.keys(valid)) {
          for (const value of WRONG_VALUES) {
            const body = { ...valid, [field]: value }
            expectClientError(
              await send(method, path, body),
              `${method} ${path} ${field}=${JSON.stringify(value).slice(0, 40)}`,
            )
          }
          const { [field]: _dropped, ...without } = valid
          expectClientError(await send(method, path, without), `${method} ${path} without ${field}`)
        }
      }
    })

    it('answers unknown routes and wrong verbs with a JSON 404 ENDPOINT_NOT_FOUND', async () => {
      for (const [method, url] of [
        ['GET', `${API}/no/such/route`],
        ['POST', `${API}/runs/no-such-verb`],
        ['GET', `${API}/runs/create`],
        ['DELETE', `${API}/experiments/get`],
        ['GET', '/api/2.0/preview/mlflow/experiments/list'],
      ] as const) {
        const response = await t.app.inject({ method, url })
        expect([response.statusCode, response.json()], url).toEqual([
          404,
          { error_code: 'ENDPOINT_NOT_FOUND', message: `No endpoint ${method} ${url}` },
        ])
      }
    })

    it('refuses cross-site shapes: text/plain and form posts (CSRF) and foreign Host headers', async () => {
      const create = (headers: Record<string, string>, payload: string) =>
        t.app.inject({ method: 'POST', url: `${API}/experiments/create`, headers, payload })
      const json = JSON.stringify({ name: 'csrf' })
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
      ]) {
        const response = await create({ 'content-type': type }, json)
        expect([response.statusCode, response.json().error_code], type).toEqual([
          415,
          'UNSUPPORTED_MEDIA_TYPE',
        ])
      }
      const rebound = await create(
        { 'content-type': 'application/json', host: 'evil.example:5000' },
        json,
      )
      expect([rebound.statusCode, rebound.json()]).toEqual([
        400,
        {
          error_code: 'BAD_REQUEST',
          message: "Host 'evil.example' is not allowed; add it to LATHE_ALLOWED_HOSTS",
        },
      ])
      const read = await t.app.inject({
        method: 'GET',
        url: `${API}/experiments/get?experiment_id=0`,
        headers: { host: 'evil.example' },
      })
      expect(read.statusCode).toBe(400)
      expect(
        (await send('GET', 'experiments/get-by-name', { experiment_name: 'csrf' })).status,
      ).toBe(404)
    })

    it('refuses an empty JSON body, a bad Content-Length and an over-limit body with 4xx', async () => {
      const empty = await send('POST', 'runs/log-batch', '')
      expect([empty.status, empty.body.error_code]).toEqual([400, 'BAD_REQUEST'])
      const huge = await send(
        'POST',
        'runs/log-batch',
        JSON.stringify({
          run_id: ids.runId,
          tags: [{ key: 'k', value: 'v'.repeat(t.lathe.config.server.bodyLimitBytes) }],
        }),
      )
      expect([huge.status, huge.body.error_code]).toEqual([413, 'REQUEST_LIMIT_EXCEEDED'])
    })

    it('answers malformed and non-object JSON bodies with 400 on every POST route', async () => {
      for (const [method, path] of routes(ids).filter(([m]) => m === 'POST')) {
        const malformed = await send(method, path, '{"run_id": ')
        expect([malformed.status, malformed.body.error_code], path).toEqual([400, 'BAD_REQUEST'])
        expect(malformed.body.message, path).toMatch(/^Malformed JSON body/)
        for (const payload of ['[]', '"text"', '42', '{"__proto__": {"x": 1}}']) {
          const result = await send(method, path, payload)
          expect(result.status, `${path} ${payload}`).toBe(400)
        }
      }
    })
  })
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testBackends } from './support/backends.js'
import { startTestLathe, type TestLathe } from './support/lathe.js'

/*
 * Each kind of bad request gets the status and MLflow error code the Python client branches on,
 * and a message that names the field and what is allowed.
 */

const UNKNOWN_RUN = 'f'.repeat(32)
const INVALID = 'INVALID_PARAMETER_VALUE'
const MISSING = 'RESOURCE_DOES_NOT_EXIST'
const TAKEN = 'RESOURCE_ALREADY_EXISTS'
type Body = Record<string, unknown>
type Case = [endpoint: string, body: Body, status: number, code: string, message: RegExp]

const metrics = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ key: 'm', value: i, timestamp: 1, step: i }))
const keyValues = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'v' }))

function experimentCases(experimentId: string, deletedExperiment: string): Case[] {
  // prettier-ignore
  return [
    ['POST experiments/create', {}, 400, INVALID, /name.*required/],
    ['POST experiments/create', { name: 'n'.repeat(501) }, 400, INVALID, /exceeded length limit of 500/],
    ['POST experiments/create', { name: 'errors' }, 400, TAKEN, /'errors' already exists/],
    ['POST experiments/create', { name: 'a1', artifact_location: 'file:///etc' }, 400, INVALID, /outside the artifact store/],
    ['POST experiments/create', { name: 'a2', artifact_location: '/etc' }, 400, INVALID, /absolute paths/],
    ['POST experiments/create', { name: 'a3', artifact_location: 's3://bucket/x' }, 400, INVALID, /outside the artifact store/],
    ['POST experiments/create', { name: 'a4', artifact_location: 'mlflow-artifacts:/../../x' }, 400, INVALID, /'\.\.'/],
    ['POST experiments/create', { name: 'a5', artifact_location: '..\\..\\x' }, 400, INVALID, /backslashes/],
    ['GET experiments/get', { experiment_id: '987654' }, 404, MISSING, /No Experiment with id=987654/],
    ['GET experiments/get', { experiment_id: 'abc' }, 400, INVALID, /experiment_id 'abc'/],
    ['GET experiments/get', {}, 400, INVALID, /experiment_id is required/],
    ['GET experiments/get-by-name', { experiment_name: 'nope' }, 404, MISSING, /'nope'/],
    ['POST experiments/delete', { experiment_id: '0' }, 400, INVALID, /default experiment/],
    ['POST experiments/delete', { experiment_id: '987654' }, 404, MISSING, /987654/],
    ['POST experiments/update', { experiment_id: experimentId, new_name: 'Default' }, 400, TAKEN, /Default/],
    ['POST experiments/set-experiment-tag', { experiment_id: deletedExperiment, key: 'k', value: 'v' }, 400, INVALID, /'active' state/],
    ['POST experiments/delete-experiment-tag', { experiment_id: experimentId, key: 'never' }, 404, MISSING, /never/],
    ['POST experiments/search', { max_results: 0 }, 400, INVALID, /max_results/],
    ['POST experiments/search', { view_type: 'SOME' }, 400, INVALID, /view_type/],
    ['POST experiments/search', { filter: 'name ~ 1' }, 400, INVALID, /Invalid filter 'name ~ 1': unexpected character '~'/],
    ['POST experiments/search', { filter: 'tags.x < 1' }, 400, INVALID, /operator < is not allowed for tags\.x/],
    ['POST experiments/search', { order_by: ['colour DESC'] }, 400, INVALID, /unknown attribute 'colour'/],
    ['POST experiments/search', { page_token: 'bogus' }, 400, INVALID, /Invalid page_token 'bogus'/],
  ]
}

function runCases(
  runId: string,
  experimentId: string,
  deleted: { run: string; experiment: string },
): Case[] {
  const run = { run_id: runId }
  const point = { key: 'm', value: 1, timestamp: 1 }
  const search = { experiment_ids: [experimentId] }
  // prettier-ignore
  return [
    ['POST runs/create', { experiment_id: '987654' }, 404, MISSING, /987654/],
    ['POST runs/create', { experiment_id: deleted.experiment }, 400, INVALID, /'active' state/],
    ['GET runs/get', { run_id: UNKNOWN_RUN }, 404, MISSING, /Run with id=f{32} not found/],
    ['GET runs/get', {}, 400, INVALID, /run_id is required/],
    ['POST runs/update', { ...run, status: 'DONE' }, 400, INVALID, /status/],
    ['POST runs/log-metric', { ...point, ...run, value: 'abc' }, 400, INVALID, /value/],
    ['POST runs/log-metric', { ...run, key: 'm', value: 1 }, 400, INVALID, /timestamp/],
    ['POST runs/log-metric', { ...point, ...run, step: 1.5 }, 400, INVALID, /step/],
    ['POST runs/log-metric', { ...point, ...run, timestamp: 2 ** 63 }, 400, INVALID, /timestamp/],
    ['POST runs/log-metric', { ...point, ...run, key: 'a$b' }, 400, INVALID, /Invalid metric name: 'a\$b'/],
    ['POST runs/log-metric', { ...point, ...run, key: 'a/../b' }, 400, INVALID, /Invalid metric name/],
    ['POST runs/log-metric', { ...point, ...run, key: 'k'.repeat(251) }, 400, INVALID, /length limit of 250/],
    ['POST runs/log-metric', { ...point, run_id: deleted.run }, 400, INVALID, /'active' state/],
    ['POST runs/log-metric', { ...point, run_id: UNKNOWN_RUN }, 404, MISSING, /not found/],
    ['POST runs/log-parameter', { ...run, key: 'long', value: 'v'.repeat(6001) }, 400, INVALID, /length 6001, which exceeded length limit of 6000/],
    ['POST runs/log-parameter', { ...run, key: 'fixed', value: 'b' }, 400, INVALID, /Changing param values is not allowed.*old_value: 'a', new_value: 'b'/],
    ['POST runs/set-tag', { ...run, key: 't', value: 'v'.repeat(8001) }, 400, INVALID, /exceeded length limit of 8000/],
    ['POST runs/delete-tag', { ...run, key: 'never' }, 404, MISSING, /never/],
    ['POST runs/log-batch', { ...run, metrics: metrics(1001) }, 400, INVALID, /at most 1000 metrics/],
    ['POST runs/log-batch', { ...run, params: keyValues(101) }, 400, INVALID, /at most 100 params/],
    ['POST runs/log-batch', { ...run, tags: keyValues(101) }, 400, INVALID, /at most 100 tags/],
    ['POST runs/log-batch', { ...run, metrics: metrics(1000), params: keyValues(1) }, 400, INVALID, /at most 1000 metrics, params and tags in total, got 1001/],
    ['POST runs/log-batch', { ...run, params: [{ key: 'd', value: '1' }, { key: 'd', value: '2' }] }, 400, INVALID, /Duplicate parameter keys/],
    ['POST runs/log-inputs', { ...run, datasets: [{ dataset: { name: 'd', source_type: 's', source: 'x' } }] }, 400, INVALID, /datasets\.0\.dataset\.digest/],
    ['POST runs/log-model', { ...run, model_json: '{oops' }, 400, INVALID, /model_json is not valid JSON/],
    ['POST runs/log-model', { ...run, model_json: '[1]' }, 400, INVALID, /model_json must be a JSON object/],
    ['POST runs/search', { experiment_ids: ['abc'] }, 400, INVALID, /experiment_id 'abc'/],
    ['POST runs/search', { ...search, filter: 'metrics.acc >' }, 400, INVALID, /Invalid filter.*expected a value after >/],
    ['POST runs/search', { ...search, filter: "params.lr < '1'" }, 400, INVALID, /operator < is not allowed for params\.lr/],
    ['POST runs/search', { ...search, filter: "metrics.acc = 'high'" }, 400, INVALID, /metrics\.acc compares with a number/],
    ['POST runs/search', { ...search, filter: 'metrics.a > 1 OR metrics.b > 1' }, 400, INVALID, /only AND/],
    ['POST runs/search', { ...search, filter: "attributes.colour = 'x'" }, 400, INVALID, /unknown attribute 'colour'/],
    ['POST runs/search', { ...search, filter: "datasets.context != 'x'" }, 400, INVALID, /datasets\.context only supports '='/],
    ['POST runs/search', { ...search, max_results: 50_001 }, 400, INVALID, /max_results must be at most 50000/],
    ['POST runs/search', { ...search, order_by: ['bogus.x'] }, 400, INVALID, /Invalid order_by clause 'bogus\.x'/],
    ['POST runs/search', { ...search, page_token: 'bogus' }, 400, INVALID, /Invalid page_token/],
    ['GET metrics/get-history', run, 400, INVALID, /metric_key/],
    ['GET metrics/get-history', { ...run, metric_key: 'm', max_results: 'abc' }, 400, INVALID, /max_results/],
    ['GET metrics/get-history', { run_id: UNKNOWN_RUN, metric_key: 'm' }, 404, MISSING, /not found/],
    ['GET artifacts/list', { run_id: UNKNOWN_RUN }, 404, MISSING, /not found/],
    ['GET artifacts/list', { ...run, path: '../x' }, 400, INVALID, /Invalid artifact path '\.\.\/x'/],
  ]
}

for (const backend of testBackends) {
  describe(`MLflow error codes and messages (${backend.name})`, () => {
    let t: TestLathe
    let failures: (cases: Case[]) => Promise<string[]>
    beforeAll(async () => {
      t = await startTestLathe(backend)
      failures = async (cases) => {
        const failed: string[] = []
        for (const [endpoint, body, status, code, message] of cases) {
          const [method, path] = endpoint.split(' ') as ['GET' | 'POST', string]
          const query = new URLSearchParams(body as Record<string, string>)
          const response = await t.app.inject({
            method,
            url: `/api/2.0/mlflow/${path}${method === 'GET' ? `?${query}` : ''}`,
            ...(method === 'POST' ? { payload: body } : {}),
          })
          const got = response.json() as { error_code?: string; message?: string }
          if (
            response.statusCode !== status ||
            got.error_code !== code ||
            !message.test(got.message ?? '')
          )
            failed.push(
              `${endpoint} ${JSON.stringify(body).slice(0, 80)} → ${response.statusCode} ${response.body.slice(0, 300)}`,
            )
        }
        return failed
      }
    })
    afterAll(async () => t.close())

    it('experiments', async () => {
      const experimentId = await t.lathe.tracking.experiments.create({ name: 'errors' })
      const deleted = await t.lathe.tracking.experiments.create({ name: 'gone' })
      await t.lathe.tracking.experiments.delete(deleted)
      expect(await failures(experimentCases(experimentId, deleted))).toEqual([])
    })

    it('runs, metrics and artifact listings', async () => {
      const experimentId = await t.lathe.tracking.experiments.create({ name: 'run-errors' })
      const runId = (await t.lathe.tracking.runs.create({ experimentId })).info.runId
      const deletedRun = (await t.lathe.tracking.runs.create({ experimentId })).info.runId
      await t.lathe.tracking.runs.delete(deletedRun)
      const experiment = await t.lathe.tracking.experiments.create({ name: 'run-errors-gone' })
      await t.lathe.tracking.experiments.delete(experiment)
      await t.lathe.tracking.logParams(runId, { fixed: 'a' })
      const cases = runCases(runId, experimentId, { run: deletedRun, experiment })
      expect(await failures(cases)).toEqual([])
    })
  })
}

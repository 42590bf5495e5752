import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readEvents } from '../src/events/index.js'
import { testBackends } from './support/backends.js'
import { startTestLathe, type TestLathe } from './support/lathe.js'

/*
 * The HTTP sequences of MLflow 3.x `mlflow.<flavor>.log_model(...)` and `mlflow.register_model`
 * (reference/mlflow-rest.md §3.7), up to the registry calls, plus the errors clients branch on.
 */

const API = '/api/2.0/mlflow'
const MODEL_ID = /^m-[0-9a-f]{32}$/

/** The tags fluent `_create_logged_model` resolves from the context registry. */
const contextTags = [
  { key: 'mlflow.user', value: 'ada' },
  { key: 'mlflow.source.name', value: 'train.py' },
  { key: 'mlflow.source.type', value: 'LOCAL' },
]

for (const backend of testBackends) {
  describe(`MLflow 3 logged models (${backend.name})`, () => {
    let t: TestLathe
    let experimentId: string
    let runId: string

    async function call(
      method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
      url: string,
      payload?: object,
    ) {
      const res = await t.app.inject({ method, url: `${API}/${url}`, payload })
      return { status: res.statusCode, body: res.json() }
    }
    async function ok(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) {
      const res = await call(method, url, payload)
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      return res.body
    }
    async function put(path: string, body: string) {
      const res = await t.app.inject({
        method: 'PUT',
        url: `/api/2.0/mlflow-artifacts/artifacts/${path}`,
        headers: { 'content-type': 'application/octet-stream' },
        payload: body,
      })
      expect(res.statusCode, res.body).toBe(200)
    }

    beforeAll(async () => {
      t = await startTestLathe(backend)
      experimentId = (await ok('POST', 'experiments/create', { name: 'lm' })).experiment_id
      const run = await ok('POST', 'runs/create', {
        experiment_id: experimentId,
        start_time: 1,
        tags: contextTags,
      })
      runId = run.run.info.run_id
    })
    afterAll(async () => t.close())

    /** `mlflow.sklearn.log_model(model, name="model", params=...)` inside a run. */
    async function logModel(name: string): Promise<string> {
      const created = await ok('POST', 'logged-models', {
        experiment_id: experimentId,
        name,
        source_run_id: runId,
        tags: [...contextTags, { key: 'mlflow.modelFlavor', value: 'sklearn' }],
        params: [],
      })
      const { model_id: modelId, artifact_uri: artifactUri } = created.model.info
      expect(created.model.info).toMatchObject({
        experiment_id: experimentId,
        name,
        source_run_id: runId,
        status: 'LOGGED_MODEL_PENDING',
        artifact_uri: `mlflow-artifacts:/${experimentId}/models/${modelId}/artifacts`,
      })
      const root = artifactUri.slice('mlflow-artifacts:/'.length)
      await put(`${root}/MLmodel`, 'artifact_path: model\nflavors: {}\n')
      await put(`${root}/model.pkl`, 'weights')
      await put(`${root}/env/requirements.txt`, 'scikit-learn\n')
      await ok('POST', `logged-models/${modelId}/params`, {
        model_id: modelId,
        params: [{ key: 'alpha', value: '0.5' }],
      })
      const ready = await ok('PATCH', `logged-models/${modelId}`, {
        model_id: modelId,
        status: 'LOGGED_MODEL_READY',
      })
      expect(ready.model.info.status).toBe('LOGGED_MODEL_READY')
      await ok('POST', 'runs/outputs', { run_id: runId, models: [{ model_id: modelId, step: 0 }] })
      return modelId
    }

    it('answers the log_model sequence and links the model to its run', async () => {
      const modelId = await logModel('model')
      expect(modelId).toMatch(MODEL_ID)
      const got = (await ok('GET', `logged-models/${modelId}`)).model
      expect(got.data.params).toEqual([{ key: 'alpha', value: '0.5' }])
      expect(got.info.tags).toContainEqual({ key: 'mlflow.modelFlavor', value: 'sklearn' })
      expect(got.info.creation_timestamp_ms).toEqual(expect.any(Number))
      const run = (await ok('GET', `runs/get?run_id=${runId}`)).run
      expect(run.outputs.model_outputs).toContainEqual({ model_id: modelId, step: 0 })
      const listing = await ok('GET', `logged-models/${modelId}/artifacts/directories`)
      expect(listing).toEqual({
        root_uri: got.info.artifact_uri,
        files: [
          { path: 'MLmodel', is_dir: false, file_size: 33 },
          { path: 'env', is_dir: true },
          { path: 'model.pkl', is_dir: false, file_size: 7 },
        ],
      })
      const nested = await ok(
        'GET',
        `logged-models/${modelId}/artifacts/directories?artifact_directory_path=env`,
      )
      expect(nested.files).toEqual([{ path: 'env/requirements.txt', is_dir: false, file_size: 13 }])
      const events = await readEvents(t.lathe.store.db(), { afterId: 0, limit: 1000 })
      expect(
        events.filter((e) => e.subject === `logged_model:${modelId}`).map((e) => e.type),
      ).toEqual(['logged_model.created', 'logged_model.params_logged', 'logged_model.finalized'])
    })

    it('answers the register_model lookup up to the registry calls', async () => {
      const modelId = await logModel('registered')
      // The run has no MLmodel at <run root>/registered, so the client searches logged models.
      const run = (await ok('GET', `runs/get?run_id=${runId}`)).run
      const root = run.info.artifact_uri.slice('mlflow-artifacts:/'.length)
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/2.0/mlflow-artifacts/artifacts?path=${root}/registered`,
      })
      expect(res.json().files ?? []).toEqual([])
      const page = await ok('POST', 'logged-models/search', {
        experiment_ids: [run.info.experiment_id],
        filter: "name = 'registered'",
      })
      const found = page.models.filter(
        (m: { info: { source_run_id: string } }) => m.info.source_run_id === runId,
      )
      expect(found.map((m: { info: { model_id: string } }) => m.info.model_id)).toEqual([modelId])
      expect(page.next_page_token).toBeUndefined()
      // After model-versions/create the client records the version on the model.
      const model = (await ok('GET', `logged-models/${modelId}`)).model
      const previous = model.info.tags.find(
        (tag: { key: string }) => tag.key === 'mlflow.modelVersions',
      )
      expect(previous).toBeUndefined()
      const versions = JSON.stringify([{ name: 'reg', version: '1' }])
      await ok('PATCH', `logged-models/${modelId}/tags`, {
        tags: [{ key: 'mlflow.modelVersions', value: versions }],
      })
      const tagged = (await ok('GET', `logged-models/${modelId}`)).model
      expect(tagged.info.tags).toContainEqual({ key: 'mlflow.modelVersions', value: versions })
      await ok('DELETE', `logged-models/${modelId}/tags/mlflow.modelVersions`)
      const untagged = (await ok('GET', `logged-models/${modelId}`)).model
      expect(untagged.info.tags).not.toContainEqual({
        key: 'mlflow.modelVersions',
        value: versions,
      })
    })

    it('records a log-metric with model_id on the run and on the model', async () => {
      const modelId = await logModel('evaluated')
      await ok('POST', 'runs/log-metric', {
        run_id: runId,
        run_uuid: runId,
        key: 'accuracy',
        value: 0.93,
        timestamp: 10,
        step: 0,
        model_id: modelId,
        dataset_name: 'test',
        dataset_digest: 'abc',
      })
      const run = (await ok('GET', `runs/get?run_id=${runId}`)).run
      expect(run.data.metrics).toContainEqual({
        key: 'accuracy',
        value: 0.93,
        timestamp: 10,
        step: 0,
      })
      const model = (await ok('GET', `logged-models/${modelId}`)).model
      expect(model.data.metrics).toEqual([
        {
          key: 'accuracy',
          value: 0.93,
          timestamp: 10,
          step: 0,
          run_id: runId,
          dataset_name: 'test',
          dataset_digest: 'abc',
          model_id: modelId,
        },
      ])
      const page = await ok('POST', 'logged-models/search', {
        experiment_ids: [experimentId],
        filter: 'metrics.accuracy > 0.9',
        datasets: [{ dataset_name: 'test', dataset_digest: 'abc' }],
        order_by: [{ field_name: 'metrics.accuracy', ascending: false, dataset_name: 'test' }],
      })
      expect(page.models.map((m: { info: { model_id: string } }) => m.info.model_id)).toEqual([
        modelId,
      ])
    })

    it('refuses unknown ids, bad statuses and malformed bodies with MLflow error codes', async () => {
      const missing = 'm-' + '0'.repeat(32)
      for (const [method, url] of [
        ['GET', `logged-models/${missing}`],
        ['DELETE', `logged-models/${missing}`],
        ['DELETE', `logged-models/${missing}/tags/x`],
        ['GET', `logged-models/${missing}/artifacts/directories`],
      ] as const) {
        expect(await call(method, url)).toMatchObject({
          status: 404,
          body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
        })
      }
      expect(
        await call('PATCH', `logged-models/${missing}`, { status: 'LOGGED_MODEL_READY' }),
      ).toMatchObject({ status: 404 })
      const { model } = await ok('POST', 'logged-models', { experiment_id: experimentId })
      const id = model.info.model_id
      for (const status of ['LOGGED_MODEL_PENDING', 'DONE', 7]) {
        expect(await call('PATCH', `logged-models/${id}`, { status })).toMatchObject({
          status: 400,
          body: { error_code: 'INVALID_PARAMETER_VALUE' },
        })
      }
      const malformed = await t.app.inject({
        method: 'POST',
        url: `${API}/logged-models`,
        headers: { 'content-type': 'application/json' },
        payload: '{"experiment_id": ',
      })
      expect(malformed.statusCode).toBe(400)
      expect(malformed.json().error_code).toBe('BAD_REQUEST')
      const cases: [string, object, string][] = [
        ['logged-models', {}, 'INVALID_PARAMETER_VALUE'],
        ['logged-models', { experiment_id: '12345' }, 'RESOURCE_DOES_NOT_EXIST'],
        ['logged-models', { experiment_id: experimentId, name: 'a:b' }, 'INVALID_PARAMETER_VALUE'],
        [
          'logged-models/search',
          { experiment_ids: [experimentId], max_results: 51 },
          'INVALID_PARAMETER_VALUE',
        ],
        [
          'logged-models/search',
          { experiment_ids: [experimentId], filter: 'metrics.a ~ 1' },
          'INVALID_PARAMETER_VALUE',
        ],
        [
          'logged-models/search',
          { experiment_ids: [experimentId], page_token: 'zzz' },
          'INVALID_PARAMETER_VALUE',
        ],
      ]
      for (const [url, payload, code] of cases) {
        const res = await call('POST', url, payload)
        expect(res.body.error_code, `${url} ${JSON.stringify(payload)}`).toBe(code)
      }
      await ok('POST', `logged-models/${id}/params`, { params: [{ key: 'k', value: '1' }] })
      expect(
        await call('POST', `logged-models/${id}/params`, { params: [{ key: 'k', value: '2' }] }),
      ).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } })
    })

    it('writes nothing when log-metric names an unknown model', async () => {
      const res = await call('POST', 'runs/log-metric', {
        run_id: runId,
        key: 'orphan',
        value: 1,
        timestamp: 1,
        model_id: 'm-' + 'f'.repeat(32),
      })
      expect(res).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } })
      const run = (await ok('GET', `runs/get?run_id=${runId}`)).run
      expect(run.data?.metrics ?? []).not.toContainEqual(expect.objectContaining({ key: 'orphan' }))
    })

    it('deletes a model: it is gone from get and search', async () => {
      const modelId = await logModel('doomed')
      await ok('DELETE', `logged-models/${modelId}`, { model_id: modelId })
      expect((await call('GET', `logged-models/${modelId}`)).status).toBe(404)
      const page = await ok('POST', 'logged-models/search', {
        experiment_ids: [experimentId],
        filter: "name = 'doomed'",
      })
      expect(page.models ?? []).toEqual([])
    })
  })
}

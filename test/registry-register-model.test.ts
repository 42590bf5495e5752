import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testBackends } from './support/backends.js'
import { startTestLathe, type TestLathe } from './support/lathe.js'

/*
 * The HTTP sequences of the MLflow Python client's `mlflow.register_model`,
 * `MlflowClient.set_registered_model_alias` and `get_model_version_by_alias`
 * (reference/mlflow-rest.md §3.7), replayed request by request.
 */

const API = '/api/2.0/mlflow'
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT'
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are read loosely, as the Python client reads them
type Body = Record<string, any>

for (const backend of testBackends) {
  describe(`register_model replay (${backend.name})`, () => {
    let t: TestLathe
    let experimentId: string

    async function call(method: Method, url: string, payload?: object) {
      const res = await t.app.inject({ method, url, payload })
      return { status: res.statusCode, body: res.json() as Body }
    }
    async function ok(method: Method, url: string, payload?: object) {
      const res = await call(method, url, payload)
      expect(res.status, `${method} ${url}: ${JSON.stringify(res.body)}`).toBe(200)
      return res.body
    }

    /** `mlflow.register_model(model_uri, name)` of MLflow 3.x, as the client sends it. */
    async function registerModel(modelUri: string, name: string) {
      const created = await call('POST', `${API}/registered-models/create`, { name })
      if (created.status !== 200) expect(created.body.error_code).toBe('RESOURCE_ALREADY_EXISTS')
      const [, runId, path] = /^runs:\/([^/]+)\/(.*)$/.exec(modelUri)!
      const { run } = await ok('GET', `${API}/runs/get?run_id=${runId}`)
      const root = run.info.artifact_uri as string
      const key = `${root.replace('mlflow-artifacts:/', '')}/${path}`
      const listing = await ok('GET', `/api/2.0/mlflow-artifacts/artifacts?path=${key}`)
      const hasMlmodel = ((listing.files ?? []) as { path: string }[]).some((f) =>
        f.path.endsWith('MLmodel'),
      )
      let source = `${root}/${path}`
      let modelId: string | undefined
      if (!hasMlmodel) {
        const found = await ok('POST', `${API}/logged-models/search`, {
          experiment_ids: [run.info.experiment_id],
          filter: `source_run_id = '${runId}' AND name = '${path}'`,
          max_results: 2,
        })
        modelId = found.models[0].info.model_id
        source = `models:/${modelId}`
      }
      let { model_version } = await ok('POST', `${API}/model-versions/create`, {
        name,
        source,
        run_id: runId,
        tags: [],
        model_id: modelId,
      })
      while (model_version.status === 'PENDING_REGISTRATION') {
        ;({ model_version } = await ok(
          'GET',
          `${API}/model-versions/get?name=${name}&version=${model_version.version}`,
        ))
      }
      if (modelId) {
        await ok('GET', `${API}/logged-models/${modelId}`)
        const value = JSON.stringify([{ name, version: model_version.version }])
        await ok('PATCH', `${API}/logged-models/${modelId}/tags`, {
          tags: [{ key: 'mlflow.modelVersions', value }],
        })
      }
      return model_version
    }

    beforeAll(async () => {
      t = await startTestLathe(backend)
      experimentId = (await ok('POST', `${API}/experiments/create`, { name: 'reg' })).experiment_id
    })
    afterAll(async () => t.close())

    it('registers a run model whose MLmodel is under the run (MLflow 2 layout)', async () => {
      const { run } = await ok('POST', `${API}/runs/create`, {
        experiment_id: experimentId,
        start_time: 1,
      })
      const key = `${(run.info.artifact_uri as string).replace('mlflow-artifacts:/', '')}/model/MLmodel`
      const put = await t.app.inject({
        method: 'PUT',
        url: `/api/2.0/mlflow-artifacts/artifacts/${key}`,
        headers: { 'content-type': 'application/octet-stream' },
        payload: 'flavors: {}',
      })
      expect(put.statusCode).toBe(200)
      const version = await registerModel(`runs:/${run.info.run_id}/model`, 'churn')
      expect(version).toMatchObject({
        name: 'churn',
        version: '1',
        source: `${run.info.artifact_uri}/model`,
        run_id: run.info.run_id,
        status: 'READY',
        current_stage: 'None',
      })
      const again = await registerModel(`runs:/${run.info.run_id}/model`, 'churn')
      expect(again).toMatchObject({ version: '2' })
    })

    it('registers an MLflow 3 logged model through models:/<model_id>', async () => {
      const { run } = await ok('POST', `${API}/runs/create`, {
        experiment_id: experimentId,
        start_time: 1,
      })
      const { model } = await ok('POST', `${API}/logged-models`, {
        experiment_id: experimentId,
        name: 'model',
        source_run_id: run.info.run_id,
      })
      await ok('PATCH', `${API}/logged-models/${model.info.model_id}`, {
        status: 'LOGGED_MODEL_READY',
      })
      const version = await registerModel(`runs:/${run.info.run_id}/model`, 'churn')
      expect(version).toMatchObject({
        version: '3',
        source: `models:/${model.info.model_id}`,
        model_id: model.info.model_id,
        run_id: run.info.run_id,
        status: 'READY',
      })
      const uri = await ok('GET', `${API}/model-versions/get-download-uri?name=churn&version=3`)
      expect(uri).toEqual({ artifact_uri: model.info.artifact_uri })
      const logged = await ok('GET', `${API}/logged-models/${model.info.model_id}`)
      expect(logged.model.info.tags).toContainEqual({
        key: 'mlflow.modelVersions',
        value: '[{"name":"churn","version":"3"}]',
      })
    })

    it('set_registered_model_alias then get_model_version_by_alias', async () => {
      expect(
        await ok('POST', `${API}/registered-models/alias`, {
          name: 'churn',
          alias: 'champion',
          version: '3',
        }),
      ).toEqual({})
      const { model_version } = await ok(
        'GET',
        `${API}/registered-models/alias?name=churn&alias=champion`,
      )
      expect(model_version).toMatchObject({
        name: 'churn',
        version: '3',
        aliases: ['champion'],
        status: 'READY',
      })
      const { registered_model } = await ok('GET', `${API}/registered-models/get?name=churn`)
      expect(registered_model.aliases).toEqual([{ alias: 'champion', version: '3' }])
    })
  })
}

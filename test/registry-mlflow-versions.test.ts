import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildServer } from '../src/api/server.js'
import { openLathe, type Lathe } from '../src/main.js'
import { testBackends } from './support/backends.js'

/*
 * MLflow's model-version routes with MLflow's shapes, the sources a version may name (only what
 * resolves inside the artifact store), and the lineage recorded from the run.
 */

const API = '/api/2.0/mlflow'
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'
const COMMIT = '0f3c2d1e9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d'

for (const backend of testBackends) {
  describe(`MLflow model versions (${backend.name})`, () => {
    const clock = { now: 1000, nowMs: () => clock.now }
    let lathe: Lathe
    let app: FastifyInstance
    let cleanup: () => Promise<void>
    let runId: string
    let artifactUri: string

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
    const versionsOf = (b: Record<string, unknown>) =>
      (b.model_versions as { name: string; version: string }[] | undefined)?.map(
        (v) => `${v.name}/${v.version}`,
      ) ?? []

    beforeAll(async () => {
      const fresh = await backend.fresh()
      cleanup = fresh.cleanup
      lathe = await openLathe(fresh.config, clock)
      app = await buildServer(lathe)
      const tags = [{ key: 'mlflow.source.git.commit', value: COMMIT }]
      const run = await ok('POST', 'runs/create', { experiment_id: '0', start_time: 1, tags })
      runId = (run.run as { info: { run_id: string; artifact_uri: string } }).info.run_id
      artifactUri = (run.run as { info: { artifact_uri: string } }).info.artifact_uri
      await ok('POST', 'runs/log-inputs', {
        run_id: runId,
        datasets: [
          {
            tags: [{ key: 'mlflow.data.context', value: 'training' }],
            dataset: { name: 'churn', digest: 'abc123', source_type: 'local', source: 'data.csv' },
          },
        ],
      })
      await ok('POST', 'registered-models/create', { name: 'm' })
    })
    afterAll(async () => {
      await app.close()
      await lathe.close()
      await cleanup()
    })

    it('creates a version from runs:/ READY at once, with its lineage', async () => {
      clock.now = 2000
      const tags = [{ key: 'k', value: 'v' }]
      const body = { name: 'm', source: `runs:/${runId}/model`, tags, description: 'first' }
      const expected = {
        name: 'm',
        version: '1',
        creation_timestamp: 2000,
        last_updated_timestamp: 2000,
        user_id: expect.any(String),
        current_stage: 'None',
        description: 'first',
        source: `runs:/${runId}/model`,
        run_id: runId,
        status: 'READY',
        tags,
      }
      expect(await ok('POST', 'model-versions/create', body)).toEqual({ model_version: expected })
      expect(await ok('GET', 'model-versions/get', { name: 'm', version: '1' })).toEqual({
        model_version: expected,
      })
      expect(
        await ok('GET', 'model-versions/get-download-uri', { name: 'm', version: '1' }),
      ).toEqual({
        artifact_uri: `${artifactUri}/model`,
      })
      const lineage = await app.inject({
        method: 'GET',
        url: '/api/v1/registered-models/m/versions/1/lineage',
      })
      expect(lineage.json()).toEqual({
        lineage: {
          name: 'm',
          version: '1',
          source: `runs:/${runId}/model`,
          storage_location: `${artifactUri}/model`,
          run_id: runId,
          model_id: null,
          git_commit: COMMIT,
          datasets: [
            {
              name: 'churn',
              digest: 'abc123',
              source_type: 'local',
              source: 'data.csv',
              context: 'training',
            },
          ],
        },
      })
    })

    it('accepts mlflow-artifacts:/, models:/<model_id> and models:/<name>/<version> sources', async () => {
      const v2 = await ok('POST', 'model-versions/create', {
        name: 'm',
        source: `${artifactUri}/other`,
        run_id: runId,
      })
      expect(v2.model_version).toMatchObject({ version: '2', run_id: runId })
      const logged = await ok('POST', 'logged-models', {
        experiment_id: '0',
        name: 'lm',
        source_run_id: runId,
      })
      const info = (logged.model as { info: { model_id: string; artifact_uri: string } }).info
      const v3 = await ok('POST', 'model-versions/create', {
        name: 'm',
        source: `models:/${info.model_id}`,
        model_id: info.model_id,
      })
      expect(v3.model_version).toMatchObject({
        version: '3',
        run_id: runId,
        model_id: info.model_id,
      })
      expect(
        await ok('GET', 'model-versions/get-download-uri', { name: 'm', version: '3' }),
      ).toEqual({ artifact_uri: info.artifact_uri })
      const v4 = await ok('POST', 'model-versions/create', { name: 'm', source: 'models:/m/1' })
      expect(v4.model_version).toMatchObject({ version: '4', source: 'models:/m/1' })
      expect(
        await ok('GET', 'model-versions/get-download-uri', { name: 'm', version: '4' }),
      ).toEqual({ artifact_uri: `${artifactUri}/model` })
    })

    it('updates, tags, transitions with archiving, and 404s unknown versions', async () => {
      clock.now = 3000
      expect(
        (await ok('PATCH', 'model-versions/update', { name: 'm', version: '2', description: 'x' }))
          .model_version,
      ).toMatchObject({ description: 'x', last_updated_timestamp: 3000 })
      expect(
        await ok('POST', 'model-versions/set-tag', {
          name: 'm',
          version: '2',
          key: 'a',
          value: 'b',
        }),
      ).toEqual({})
      expect(
        (await ok('GET', 'model-versions/get', { name: 'm', version: 2 })).model_version,
      ).toMatchObject({ tags: [{ key: 'a', value: 'b' }] })
      expect(
        await ok('DELETE', 'model-versions/delete-tag', { name: 'm', version: '2', key: 'a' }),
      ).toEqual({})
      await ok('POST', 'model-versions/transition-stage', {
        name: 'm',
        version: '1',
        stage: 'Production',
        archive_existing_versions: false,
      })
      const moved = await ok('POST', 'model-versions/transition-stage', {
        name: 'm',
        version: '2',
        stage: 'production',
        archive_existing_versions: true,
      })
      expect(moved.model_version).toMatchObject({ version: '2', current_stage: 'Production' })
      expect(
        (await ok('GET', 'model-versions/get', { name: 'm', version: '1' })).model_version,
      ).toMatchObject({ current_stage: 'Archived' })
      const archiveNone = await call('POST', 'model-versions/transition-stage', {
        name: 'm',
        version: '1',
        stage: 'None',
        archive_existing_versions: true,
      })
      expect(archiveNone.body.error_code).toBe('INVALID_PARAMETER_VALUE')
      const missingFlag = await call('POST', 'model-versions/transition-stage', {
        name: 'm',
        version: '1',
        stage: 'Staging',
      })
      expect(missingFlag.body.error_code).toBe('INVALID_PARAMETER_VALUE')
      expect(await call('GET', 'model-versions/get', { name: 'm', version: '99' })).toEqual({
        status: 404,
        body: {
          error_code: 'RESOURCE_DOES_NOT_EXIST',
          message: 'Model Version (name=m, version=99) not found',
        },
      })
      expect((await call('GET', 'model-versions/get', { name: 'm', version: 'one' })).body).toEqual(
        {
          error_code: 'INVALID_PARAMETER_VALUE',
          message: "Parameter 'version' must be an integer, got 'one'.",
        },
      )
    })

    it('searches by name, run_id, version_number, source_path and tags, ordered and paged', async () => {
      await ok('POST', 'model-versions/set-tag', {
        name: 'm',
        version: '3',
        key: 'flavor',
        value: 'onnx',
      })
      expect(
        versionsOf(await ok('GET', 'model-versions/search', { filter: "name = 'm'" })),
      ).toEqual(['m/2', 'm/1', 'm/4', 'm/3'])
      const byNumber = await ok('GET', 'model-versions/search', {
        filter: "name = 'm' and version_number >= 3",
        order_by: 'version_number ASC',
      })
      expect(versionsOf(byNumber)).toEqual(['m/3', 'm/4'])
      expect(
        versionsOf(
          await ok('GET', 'model-versions/search', {
            filter: `run_id = '${runId}' and tags.flavor = 'onnx'`,
          }),
        ),
      ).toEqual(['m/3'])
      expect(
        versionsOf(
          await ok('GET', 'model-versions/search', {
            filter: "source_path LIKE 'models:/%'",
            order_by: 'version_number DESC',
          }),
        ),
      ).toEqual(['m/4', 'm/3'])
      const page = await ok('GET', 'model-versions/search', {
        filter: "name = 'm'",
        max_results: '3',
        order_by: 'version_number ASC',
      })
      expect(versionsOf(page)).toEqual(['m/1', 'm/2', 'm/3'])
      const rest = await ok('GET', 'model-versions/search', {
        filter: "name = 'm'",
        max_results: '3',
        order_by: 'version_number ASC',
        page_token: String(page.next_page_token),
      })
      expect(rest).toEqual({ model_versions: [expect.objectContaining({ version: '4' })] })
      expect((await call('GET', 'model-versions/search', { filter: 'params.x = 1' })).status).toBe(
        400,
      )
      const twice = await call('GET', 'model-versions/search?order_by=name&order_by=name+DESC')
      expect(twice.body.error_code).toBe('INVALID_PARAMETER_VALUE')
    })

    it('deletes a version: it disappears, its aliases go, its number is never reused', async () => {
      await ok('POST', 'registered-models/alias', { name: 'm', alias: 'canary', version: '4' })
      expect(await ok('DELETE', 'model-versions/delete', { name: 'm', version: '4' })).toEqual({})
      expect((await call('GET', 'model-versions/get', { name: 'm', version: '4' })).status).toBe(
        404,
      )
      expect(
        (await call('GET', 'registered-models/alias', { name: 'm', alias: 'canary' })).status,
      ).toBe(404)
      expect(
        (await call('DELETE', 'model-versions/delete', { name: 'm', version: '4' })).status,
      ).toBe(404)
      const next = await ok('POST', 'model-versions/create', {
        name: 'm',
        source: `${artifactUri}/again`,
      })
      expect(next.model_version).toMatchObject({ version: '5' })
      expect(
        versionsOf(
          await ok('GET', 'model-versions/search', { filter: "name = 'm' and version_number = 4" }),
        ),
      ).toEqual([])
    })
  })
}

import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildServer } from '../src/api/server.js'
import { openLathe, type Lathe } from '../src/main.js'
import { testBackends } from './support/backends.js'

/*
 * MLflow's registered-model routes (model_registry.proto), answered with MLflow's exact shapes:
 * deep equality against what the MLflow server sends, on every backend.
 */

const API = '/api/2.0/mlflow'
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'

for (const backend of testBackends) {
  describe(`MLflow registered models (${backend.name})`, () => {
    const clock = { now: 1000, nowMs: () => clock.now }
    let lathe: Lathe
    let app: FastifyInstance
    let cleanup: () => Promise<void>

    async function call(method: Method, path: string, body?: Record<string, unknown>) {
      const query = method === 'GET' && body ? `?${new URLSearchParams(body as never)}` : ''
      const res = await app.inject({
        method,
        url: `${API}/${path}${query}`,
        headers: { 'x-lathe-user': 'ada' },
        ...(method === 'GET' ? {} : { payload: body ?? {} }),
      })
      return { status: res.statusCode, body: res.json() as Record<string, unknown> }
    }
    async function ok(method: Method, path: string, body?: Record<string, unknown>) {
      const res = await call(method, path, body)
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      return res.body
    }
    async function version(name: string, at: number) {
      clock.now = at
      const source = `mlflow-artifacts:/0/models/${name}/${at}`
      return ok('POST', 'model-versions/create', { name, source })
    }

    beforeAll(async () => {
      const fresh = await backend.fresh()
      cleanup = fresh.cleanup
      lathe = await openLathe(fresh.config, clock)
      app = await buildServer(lathe)
    })
    afterAll(async () => {
      await app.close()
      await lathe.close()
      await cleanup()
    })

    it('creates a model and refuses a second one with RESOURCE_ALREADY_EXISTS', async () => {
      clock.now = 1000
      const body = { name: 'churn', description: 'd', tags: [{ key: 't', value: '1' }] }
      expect(await ok('POST', 'registered-models/create', body)).toEqual({
        registered_model: {
          name: 'churn',
          creation_timestamp: 1000,
          last_updated_timestamp: 1000,
          user_id: 'ada',
          description: 'd',
          tags: [{ key: 't', value: '1' }],
        },
      })
      expect(await call('POST', 'registered-models/create', { name: 'churn' })).toEqual({
        status: 400,
        body: {
          error_code: 'RESOURCE_ALREADY_EXISTS',
          message: 'Registered Model (name=churn) already exists.',
        },
      })
    })

    it('gets a model with its latest version per stage and its aliases', async () => {
      await ok('POST', 'registered-models/create', { name: 'fraud' })
      await version('fraud', 2000)
      await version('fraud', 2001)
      clock.now = 2002
      await ok('POST', 'model-versions/transition-stage', {
        name: 'fraud',
        version: '1',
        stage: 'production',
        archive_existing_versions: false,
      })
      await ok('POST', 'registered-models/alias', {
        name: 'fraud',
        alias: 'champion',
        version: '1',
      })
      const { registered_model } = await ok('GET', 'registered-models/get', { name: 'fraud' })
      const v = (n: number, stage: string, extra: object) => ({
        name: 'fraud',
        version: String(n),
        creation_timestamp: 1999 + n,
        user_id: 'ada',
        source: `mlflow-artifacts:/0/models/fraud/${1999 + n}`,
        status: 'READY',
        current_stage: stage,
        ...extra,
      })
      expect(registered_model).toEqual({
        name: 'fraud',
        creation_timestamp: 1000,
        last_updated_timestamp: 2002,
        user_id: 'ada',
        latest_versions: [
          v(1, 'Production', { last_updated_timestamp: 2002, aliases: ['champion'] }),
          v(2, 'None', { last_updated_timestamp: 2001 }),
        ],
        aliases: [{ alias: 'champion', version: '1' }],
      })
      expect(
        await ok('GET', 'registered-models/get-latest-versions?name=fraud&stages=None'),
      ).toEqual({
        model_versions: [v(2, 'None', { last_updated_timestamp: 2001 })],
      })
      const latest = await ok('POST', 'registered-models/get-latest-versions', {
        name: 'fraud',
        stages: ['Production', 'Staging'],
      })
      expect((latest.model_versions as { version: string }[]).map((m) => m.version)).toEqual(['1'])
      expect(
        (
          await call('POST', 'registered-models/get-latest-versions', {
            name: 'fraud',
            stages: ['Live'],
          })
        ).body,
      ).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message:
          'Invalid Model Version stage: Live. Value must be one of None, Staging, Production, Archived.',
      })
    })

    it('answers 404 RESOURCE_DOES_NOT_EXIST for an unknown model', async () => {
      expect(await call('GET', 'registered-models/get', { name: 'nope' })).toEqual({
        status: 404,
        body: {
          error_code: 'RESOURCE_DOES_NOT_EXIST',
          message: 'Registered Model with name=nope not found',
        },
      })
      for (const [method, path, body] of [
        ['PATCH', 'registered-models/update', { name: 'nope', description: 'x' }],
        ['DELETE', 'registered-models/delete', { name: 'nope' }],
        ['POST', 'registered-models/rename', { name: 'nope', new_name: 'x' }],
        ['POST', 'registered-models/set-tag', { name: 'nope', key: 'k', value: 'v' }],
        ['POST', 'model-versions/create', { name: 'nope', source: 'mlflow-artifacts:/x' }],
      ] as const) {
        expect((await call(method, path, body)).status, path).toBe(404)
      }
    })

    it('renames a model, its versions following, and refuses a taken name', async () => {
      await ok('POST', 'registered-models/create', { name: 'old' })
      await version('old', 3000)
      clock.now = 3001
      const { registered_model } = await ok('POST', 'registered-models/rename', {
        name: 'old',
        new_name: 'new',
      })
      expect(registered_model).toMatchObject({ name: 'new', last_updated_timestamp: 3001 })
      expect(
        (await ok('GET', 'model-versions/get', { name: 'new', version: '1' })).model_version,
      ).toMatchObject({ name: 'new', version: '1' })
      expect((await call('GET', 'registered-models/get', { name: 'old' })).status).toBe(404)
      expect(
        await call('POST', 'registered-models/rename', { name: 'new', new_name: 'churn' }),
      ).toEqual({
        status: 400,
        body: {
          error_code: 'RESOURCE_ALREADY_EXISTS',
          message: 'Registered Model (name=churn) already exists.',
        },
      })
      expect((await call('POST', 'registered-models/rename', { name: 'new' })).body).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: "new_name: Missing value for required parameter 'new_name'.",
      })
    })

    it('updates the description, sets and deletes tags, and deletes a model', async () => {
      clock.now = 4000
      await ok('POST', 'registered-models/create', { name: 'tmp' })
      expect(
        await ok('PATCH', 'registered-models/update', { name: 'tmp', description: 'x' }),
      ).toEqual({
        registered_model: {
          name: 'tmp',
          creation_timestamp: 4000,
          last_updated_timestamp: 4000,
          user_id: 'ada',
          description: 'x',
        },
      })
      expect(
        await ok('POST', 'registered-models/set-tag', { name: 'tmp', key: 'k', value: 'v' }),
      ).toEqual({})
      expect(
        (await ok('GET', 'registered-models/get', { name: 'tmp' })).registered_model,
      ).toMatchObject({ tags: [{ key: 'k', value: 'v' }] })
      expect(await ok('DELETE', 'registered-models/delete-tag', { name: 'tmp', key: 'k' })).toEqual(
        {},
      )
      expect(await ok('DELETE', 'registered-models/delete-tag', { name: 'tmp', key: 'k' })).toEqual(
        {},
      )
      expect(
        (await ok('GET', 'registered-models/get', { name: 'tmp' })).registered_model,
      ).not.toHaveProperty('tags')
      await version('tmp', 4001)
      expect(await ok('DELETE', 'registered-models/delete', { name: 'tmp' })).toEqual({})
      expect((await call('GET', 'model-versions/get', { name: 'tmp', version: '1' })).status).toBe(
        404,
      )
    })

    it('searches by name and tag, orders and pages', async () => {
      await ok('POST', 'registered-models/create', {
        name: 'search-b',
        tags: [{ key: 'team', value: 'risk' }],
      })
      await ok('POST', 'registered-models/create', {
        name: 'search-a',
        tags: [{ key: 'team', value: 'growth' }],
      })
      await ok('POST', 'registered-models/create', { name: 'Search-c' })
      const names = (b: Record<string, unknown>) =>
        (b.registered_models as { name: string }[] | undefined)?.map((m) => m.name) ?? []
      expect(
        names(await ok('GET', 'registered-models/search', { filter: "name LIKE 'search-%'" })),
      ).toEqual(['search-a', 'search-b'])
      expect(
        names(await ok('GET', 'registered-models/search', { filter: "name ILIKE 'search-%'" })),
      ).toEqual(['Search-c', 'search-a', 'search-b'])
      expect(
        names(await ok('GET', 'registered-models/search', { filter: "tags.team = 'risk'" })),
      ).toEqual(['search-b'])
      const first = await ok(
        'GET',
        `registered-models/search?filter=${encodeURIComponent("name LIKE 'search-%'")}&max_results=1&order_by=name+DESC`,
      )
      expect(names(first)).toEqual(['search-b'])
      const second = await ok('GET', 'registered-models/search', {
        filter: "name LIKE 'search-%'",
        max_results: '1',
        order_by: 'name DESC',
        page_token: String(first.next_page_token),
      })
      expect(second).toEqual({ registered_models: [expect.objectContaining({ name: 'search-a' })] })
      expect(
        (await call('GET', 'registered-models/search', { filter: 'metrics.x > 1' })).status,
      ).toBe(400)
      expect(
        (await call('GET', 'registered-models/search', { max_results: '1001' })).body,
      ).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' })
    })
  })
}

import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildServer } from '../src/api/server.js'
import { readEvents } from '../src/events/index.js'
import { openLathe, type Lathe } from '../src/main.js'
import { testBackends } from './support/backends.js'

/*
 * Aliases over MLflow's routes, and concurrent moves: racing moves end in one consistent state,
 * each one audited, the events forming a chain (each `before` is the previous `after`).
 */

const API = '/api/2.0/mlflow'
type Method = 'GET' | 'POST' | 'DELETE'

for (const backend of testBackends) {
  describe(`aliases (${backend.name})`, () => {
    const clock = { now: 1000, nowMs: () => clock.now }
    let lathe: Lathe
    let app: FastifyInstance
    let cleanup: () => Promise<void>

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
    async function version(name: string, at: number) {
      clock.now = at
      return ok('POST', 'model-versions/create', { name, source: `mlflow-artifacts:/0/${at}` })
    }
    /** The alias events of one model, oldest first, as [before, after] versions. */
    async function aliasChain(name: string): Promise<[number | null, number | null][]> {
      const events = await readEvents(lathe.store.db(), { afterId: 0, limit: 10_000 })
      const version = (side: unknown) => (side as { version: number } | null)?.version ?? null
      return events
        .filter((e) => e.type.startsWith('model_version.alias_') && e.payload.name === name)
        .map((e) => [version(e.payload.before), version(e.payload.after)])
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

    it('sets, gets and deletes aliases; unknown aliases are 404, reserved names 400', async () => {
      await ok('POST', 'registered-models/create', { name: 'al' })
      await version('al', 5000)
      await version('al', 5001)
      expect(
        await ok('POST', 'registered-models/alias', { name: 'al', alias: 'prod', version: '2' }),
      ).toEqual({})
      const { model_version } = await ok('GET', 'registered-models/alias', {
        name: 'al',
        alias: 'prod',
      })
      expect(model_version).toMatchObject({ version: '2', aliases: ['prod'] })
      expect(await call('GET', 'registered-models/alias', { name: 'al', alias: 'ghost' })).toEqual({
        status: 404,
        body: {
          error_code: 'RESOURCE_DOES_NOT_EXIST',
          message: "Registered model alias ghost not found for registered model 'al'.",
        },
      })
      expect(
        (await call('DELETE', 'registered-models/alias', { name: 'al', alias: 'ghost' })).status,
      ).toBe(404)
      expect(
        (await call('POST', 'registered-models/alias', { name: 'al', alias: 'prod', version: '9' }))
          .status,
      ).toBe(404)
      for (const alias of ['latest', 'v3', 'a b']) {
        const res = await call('POST', 'registered-models/alias', {
          name: 'al',
          alias,
          version: '1',
        })
        expect(res.body.error_code, alias).toBe('INVALID_PARAMETER_VALUE')
      }
      expect(await ok('DELETE', 'registered-models/alias', { name: 'al', alias: 'prod' })).toEqual(
        {},
      )
      expect(
        (await call('GET', 'registered-models/alias', { name: 'al', alias: 'prod' })).status,
      ).toBe(404)
    })

    it('two racing moves both apply, one after the other, and both are audited', async () => {
      await ok('POST', 'registered-models/create', { name: 'race' })
      for (let i = 0; i < 3; i++) await version('race', 6000 + i)
      await ok('POST', 'registered-models/alias', { name: 'race', alias: 'champion', version: '1' })
      const moves = await Promise.all(
        ['2', '3'].map((v) =>
          call('POST', 'registered-models/alias', { name: 'race', alias: 'champion', version: v }),
        ),
      )
      expect(moves.map((m) => m.status)).toEqual([200, 200])
      const chain = await aliasChain('race')
      expect(chain).toHaveLength(3)
      expect(chain[0]).toEqual([null, 1])
      for (let i = 1; i < chain.length; i++) expect(chain[i]![0]).toBe(chain[i - 1]![1])
      expect(new Set(chain.slice(1).map(([, after]) => after))).toEqual(new Set([2, 3]))
      const { model_version } = await ok('GET', 'registered-models/alias', {
        name: 'race',
        alias: 'champion',
      })
      expect(Number((model_version as { version: string }).version)).toBe(chain.at(-1)![1])
    })

    it('many racing moves and removals leave the alias where the last event says', async () => {
      await ok('POST', 'registered-models/create', { name: 'storm' })
      for (let i = 0; i < 5; i++) await version('storm', 7000 + i)
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          i % 4 === 3
            ? lathe.registry.aliases.delete('storm', 'prod').catch((err: Error) => err)
            : lathe.registry.aliases.set('storm', 'prod', String((i % 5) + 1)),
        ),
      )
      for (const result of results) {
        if (result instanceof Error) expect(result.name).toBe('NotFoundError')
      }
      const chain = await aliasChain('storm')
      for (let i = 1; i < chain.length; i++) expect(chain[i]![0]).toBe(chain[i - 1]![1])
      const last = chain.at(-1)![1]
      const res = await call('GET', 'registered-models/alias', { name: 'storm', alias: 'prod' })
      if (last === null) expect(res.status).toBe(404)
      else expect((res.body.model_version as { version: string }).version).toBe(String(last))
    })
  })
}

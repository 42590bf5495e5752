import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildServer } from '../src/api/server.js'
import { readEvents } from '../src/events/index.js'
import { openLathe, type Lathe } from '../src/main.js'
import { testBackends } from './support/backends.js'

/*
 * Human approvals over HTTP: request with a reason, approve or reject by someone else (self-
 * approval is 403), the alias moving only with gates passed and approval given; racing
 * approvals end in one consistent, fully audited state.
 */

const V1 = '/api/v1'
type Method = 'GET' | 'POST' | 'PUT'

for (const backend of testBackends) {
  describe(`approvals (${backend.name})`, () => {
    let lathe: Lathe
    let app: FastifyInstance
    let cleanup: () => Promise<void>

    async function call(user: string, method: Method, url: string, payload?: object) {
      const res = await app.inject({
        method,
        url,
        headers: { 'x-lathe-user': user },
        ...(method === 'GET' ? {} : { payload: payload ?? {} }),
      })
      return { status: res.statusCode, body: res.json() as Record<string, any> } // eslint-disable-line @typescript-eslint/no-explicit-any -- read loosely
    }
    async function ok(user: string, method: Method, url: string, payload?: object) {
      const res = await call(user, method, url, payload)
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      return res.body
    }
    const request = (user: string, version: number, alias = 'champion') =>
      ok(user, 'POST', `${V1}/registered-models/ok/versions/${version}/approvals`, {
        alias,
        reason: `v${version} is better`,
      }).then((b) => b.approval as { id: string })
    const setAlias = (version: string) =>
      call('ada', 'POST', '/api/2.0/mlflow/registered-models/alias', {
        name: 'ok',
        alias: 'champion',
        version,
      })

    beforeAll(async () => {
      const fresh = await backend.fresh()
      cleanup = fresh.cleanup
      lathe = await openLathe(fresh.config)
      app = await buildServer(lathe)
      await lathe.registry.models.create({ name: 'ok' })
      for (let i = 1; i <= 4; i++) {
        await lathe.registry.versions.create({ name: 'ok', source: `mlflow-artifacts:/0/${i}` })
      }
      await ok('ada', 'PUT', `${V1}/registered-models/ok/gates`, {
        gates: [],
        approval_aliases: ['champion'],
      })
    })
    afterAll(async () => {
      await app.close()
      await lathe.close()
      await cleanup()
    })

    it('blocks an approval alias until someone else approves, which moves it', async () => {
      expect((await setAlias('1')).body.message).toContain(
        "approval: no approved request for alias 'champion' on version 1",
      )
      const approval = await request('ada', 1)
      expect(approval).toEqual({
        id: approval.id,
        name: 'ok',
        version: '1',
        alias: 'champion',
        status: 'PENDING',
        reason: 'v1 is better',
        requested_by: 'ada',
        requested_at: expect.any(Number),
        decided_by: null,
        comment: null,
        decided_at: null,
      })
      expect(await call('ada', 'POST', `${V1}/approvals/${approval.id}/approve`)).toEqual({
        status: 403,
        body: {
          error_code: 'PERMISSION_DENIED',
          message: `User 'ada' requested approval ${approval.id} and cannot decide it; another user must approve it`,
        },
      })
      expect(
        (await call('ada', 'POST', `${V1}/approvals/${approval.id}/reject`, { comment: 'no' }))
          .status,
      ).toBe(403)
      const approved = await ok('bob', 'POST', `${V1}/approvals/${approval.id}/approve`, {
        comment: 'lgtm',
      })
      expect(approved.approval).toMatchObject({
        status: 'APPROVED',
        decided_by: 'bob',
        comment: 'lgtm',
      })
      expect(await lathe.registry.aliases.getVersion('ok', 'champion')).toMatchObject({
        version: 1,
      })
      const twice = await call('carol', 'POST', `${V1}/approvals/${approval.id}/approve`)
      expect(twice).toEqual({
        status: 409,
        body: {
          error_code: 'INVALID_STATE',
          message: `Approval ${approval.id} was already approved by bob`,
        },
      })
      expect((await setAlias('1')).status).toBe(200)
    })

    it('records a rejection, which keeps blocking the alias', async () => {
      const approval = await request('ada', 2)
      expect(
        (
          await call('ada', 'POST', `${V1}/registered-models/ok/versions/2/approvals`, {
            alias: 'champion',
            reason: 'again',
          })
        ).status,
      ).toBe(409)
      expect(
        (await call('bob', 'POST', `${V1}/approvals/${approval.id}/reject`, {})).body.error_code,
      ).toBe('INVALID_PARAMETER_VALUE')
      const rejected = await ok('bob', 'POST', `${V1}/approvals/${approval.id}/reject`, {
        comment: 'drift',
      })
      expect(rejected.approval).toMatchObject({
        status: 'REJECTED',
        decided_by: 'bob',
        comment: 'drift',
      })
      expect((await setAlias('2')).body.message).toContain(
        `approval: request ${approval.id} was rejected by bob`,
      )
      expect((await ok('bob', 'GET', `${V1}/approvals?name=ok&status=REJECTED`)).approvals).toEqual(
        [rejected.approval],
      )
      expect((await ok('bob', 'GET', `${V1}/approvals/${approval.id}`)).approval).toEqual(
        rejected.approval,
      )
      expect((await call('bob', 'GET', `${V1}/approvals/999`)).status).toBe(404)
    })

    it('refuses to approve while gates fail, leaving the request pending', async () => {
      await ok('ada', 'PUT', `${V1}/registered-models/ok/gates`, {
        gates: [{ kind: 'signature' }],
        approval_aliases: ['champion'],
      })
      const approval = await request('ada', 3)
      const res = await call('bob', 'POST', `${V1}/approvals/${approval.id}/approve`)
      expect(res.status).toBe(400)
      expect(res.body.message).toContain('signature: missing (version 3 has no evaluation report')
      expect((await ok('bob', 'GET', `${V1}/approvals/${approval.id}`)).approval.status).toBe(
        'PENDING',
      )
      await ok('ada', 'PUT', `${V1}/registered-models/ok/gates`, {
        gates: [],
        approval_aliases: ['champion'],
      })
      await ok('bob', 'POST', `${V1}/approvals/${approval.id}/reject`, { comment: 'gates first' })
    })

    it('racing approvals both move the alias, one after the other, all audited', async () => {
      const ids = [(await request('ada', 3)).id, (await request('ada', 4)).id]
      const results = await Promise.all(
        ids.map((id) => call('bob', 'POST', `${V1}/approvals/${id}/approve`)),
      )
      expect(results.map((r) => r.status)).toEqual([200, 200])
      const events = await readEvents(lathe.store.db(), { afterId: 0, limit: 10_000 })
      const moves = events.filter(
        (e) => e.type === 'model_version.alias_set' && e.payload.name === 'ok',
      )
      const version = (side: unknown) => (side as { version: number } | null)?.version ?? null
      const chain = moves.map((e) => [version(e.payload.before), version(e.payload.after)])
      for (let i = 1; i < chain.length; i++) expect(chain[i]![0]).toBe(chain[i - 1]![1])
      expect(
        moves
          .slice(-2)
          .map((e) => e.payload.approval_id)
          .sort(),
      ).toEqual([...ids].sort())
      const decided = events.filter(
        (e) =>
          e.type === 'model_version.approval_approved' &&
          ids.includes(String(e.payload.approval_id)),
      )
      expect(decided.map((e) => e.actor)).toEqual(['bob', 'bob'])
      const champion = await lathe.registry.aliases.getVersion('ok', 'champion')
      expect(champion.version).toBe(chain.at(-1)![1])
    })

    it('lets one of two racing deciders win the same request', async () => {
      const approval = await request('ada', 2, 'canary')
      const results = await Promise.all([
        call('bob', 'POST', `${V1}/approvals/${approval.id}/approve`),
        call('carol', 'POST', `${V1}/approvals/${approval.id}/reject`, { comment: 'no' }),
      ])
      expect(results.map((r) => r.status).sort()).toEqual([200, 409])
      const final = (await ok('bob', 'GET', `${V1}/approvals/${approval.id}`)).approval
      expect(final.decided_by).toBe(results[0]!.status === 200 ? 'bob' : 'carol')
    })
  })
}

import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildServer } from '../src/api/server.js'
import { openLathe, type Lathe } from '../src/main.js'
import { testBackends } from './support/backends.js'

/*
 * Gates over HTTP: a model declares gates (PUT /api/v1/registered-models/:name/gates), a version
 * is evaluated and the report stored, and a protected alias refuses a version without a passing
 * report with a 400 that lists each failed or missing gate.
 */

const NATIVE = '/api/v1/registered-models'
type Method = 'GET' | 'POST' | 'PUT'

for (const backend of testBackends) {
  describe(`gates over HTTP (${backend.name})`, () => {
    const clock = { now: 1000, nowMs: () => clock.now }
    let lathe: Lathe
    let app: FastifyInstance
    let cleanup: () => Promise<void>
    const runs: string[] = []

    async function call(method: Method, url: string, payload?: object) {
      const res = await app.inject({
        method,
        url,
        ...(method === 'GET' ? {} : { payload: payload ?? {} }),
      })
      return { status: res.statusCode, body: res.json() as Record<string, unknown> }
    }
    async function ok(method: Method, url: string, payload?: object) {
      const res = await call(method, url, payload)
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      return res.body
    }
    const setAlias = (alias: string, version: string) =>
      call('POST', '/api/2.0/mlflow/registered-models/alias', { name: 'gated', alias, version })

    beforeAll(async () => {
      const fresh = await backend.fresh()
      cleanup = fresh.cleanup
      lathe = await openLathe(fresh.config, clock)
      app = await buildServer(lathe)
      await lathe.registry.models.create({ name: 'gated' })
      for (const accuracy of [0.7, 0.85]) {
        const run = await lathe.tracking.runs.create({ experimentId: '0' })
        await lathe.tracking.logMetrics(run.info.runId, { accuracy })
        await lathe.registry.versions.create({
          name: 'gated',
          source: `runs:/${run.info.runId}/model`,
        })
        runs.push(run.info.runId)
      }
    })
    afterAll(async () => {
      await app.close()
      await lathe.close()
      await cleanup()
    })

    it('stores gates and answers them back; the default protects champion', async () => {
      expect(await ok('GET', `${NATIVE}/gated/gates`)).toEqual({
        gates: [],
        protected_aliases: ['champion'],
        approval_aliases: [],
      })
      const body = { gates: [{ kind: 'metric', metric: 'accuracy', op: '>=', threshold: 0.8 }] }
      const expected = { ...body, protected_aliases: ['champion'], approval_aliases: [] }
      expect(await ok('PUT', `${NATIVE}/gated/gates`, body)).toEqual(expected)
      expect(await ok('GET', `${NATIVE}/gated/gates`)).toEqual(expected)
    })

    it('refuses malformed gates with 400 naming the field, and unknown models with 404', async () => {
      const typo = await call('PUT', `${NATIVE}/gated/gates`, {
        gates: [{ kind: 'metric', metric: 'accuracy', op: '>=', treshold: 0.8 }],
      })
      expect(typo.status).toBe(400)
      expect(typo.body.error_code).toBe('INVALID_PARAMETER_VALUE')
      expect(typo.body.message).toMatch(/gates\.0/)
      const twice = await call('PUT', `${NATIVE}/gated/gates`, {
        gates: [{ kind: 'signature' }, { kind: 'signature' }],
      })
      expect(twice.body).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: "Gate name 'signature' is used twice; give one of the gates a distinct 'name'",
      })
      expect((await call('PUT', `${NATIVE}/ghost/gates`, { gates: [] })).status).toBe(404)
      expect((await call('POST', `${NATIVE}/gated/versions/9/evaluate`)).status).toBe(404)
    })

    it('blocks champion for a version never evaluated, listing the missing gate', async () => {
      expect(await setAlias('champion', '2')).toEqual({
        status: 400,
        body: {
          error_code: 'INVALID_PARAMETER_VALUE',
          message:
            "Cannot set alias 'champion' of registered model 'gated' to version 2: 1 gate(s) failed or missing: metric:accuracy>=0.8: missing (version 2 has no evaluation report; run 'lathe models evaluate gated 2 --data <dataset>')",
        },
      })
      expect((await setAlias('staging', '1')).status).toBe(200)
    })

    it('evaluates, stores the report, and lets only a passing version take champion', async () => {
      clock.now = 2000
      const failing = await ok('POST', `${NATIVE}/gated/versions/1/evaluate`, {})
      const result = (observed: number, passed: boolean, run: string) => ({
        gate: 'metric:accuracy>=0.8',
        kind: 'metric',
        passed,
        observed,
        threshold: 0.8,
        detail: `run ${run} logged accuracy = ${observed}; the gate needs >= 0.8`,
        definition: { kind: 'metric', metric: 'accuracy', op: '>=', threshold: 0.8 },
      })
      expect(failing).toEqual({
        report: {
          id: expect.any(String),
          name: 'gated',
          version: '1',
          dataset: null,
          passed: false,
          results: [result(0.7, false, runs[0]!)],
          created_at: 2000,
          user_id: expect.any(String),
        },
      })
      const refused = await setAlias('champion', '1')
      expect(refused.status).toBe(400)
      expect(refused.body.message).toContain(
        `metric:accuracy>=0.8: failed (observed 0.7, threshold 0.8: run ${runs[0]} logged accuracy = 0.7; the gate needs >= 0.8)`,
      )
      const passing = await ok('POST', `${NATIVE}/gated/versions/2/evaluate`, {
        dataset: 'holdout',
      })
      expect(passing.report).toMatchObject({
        passed: true,
        dataset: 'holdout',
        results: [result(0.85, true, runs[1]!)],
      })
      expect((await setAlias('champion', '2')).status).toBe(200)
      expect(await ok('GET', `${NATIVE}/gated/versions/2/reports/latest`)).toEqual(passing)
      expect((await ok('GET', `${NATIVE}/gated/versions/1/reports`)).reports).toEqual([
        failing.report,
      ])
    })

    it('stops counting a report once the gates change', async () => {
      await ok('PUT', `${NATIVE}/gated/gates`, {
        gates: [{ kind: 'metric', metric: 'accuracy', op: '>=', threshold: 0.84, name: 'acc' }],
        protected_aliases: ['champion', 'prod'],
      })
      const res = await setAlias('prod', '2')
      expect(res.status).toBe(400)
      expect(res.body.message).toMatch(
        /acc: missing \(not in evaluation report \d+, made before this gate was declared/,
      )
      await ok('POST', `${NATIVE}/gated/versions/2/evaluate`)
      expect((await setAlias('prod', '2')).status).toBe(200)
    })

    it('fails the smoke test of a version whose files are missing, saying which', async () => {
      await ok('PUT', `${NATIVE}/gated/gates`, { gates: [{ kind: 'smoke_test' }] })
      const { report } = await ok('POST', `${NATIVE}/gated/versions/2/evaluate`)
      expect(report).toMatchObject({
        passed: false,
        results: [
          {
            gate: 'smoke_test',
            passed: false,
            observed: null,
            threshold: null,
            detail: `0/${runs[1]}/artifacts/model holds no .onnx files; a model package needs exactly one, or MLmodel flavors.onnx.data naming it`,
          },
        ],
      })
      expect((await call('GET', `${NATIVE}/gated/versions/1/reports/latest`)).status).toBe(200)
      await lathe.registry.versions.create({ name: 'gated', source: 'mlflow-artifacts:/0/x' })
      expect((await call('GET', `${NATIVE}/gated/versions/3/reports/latest`)).status).toBe(404)
    })
  })
}

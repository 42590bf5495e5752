import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ShadowSummaryJson } from '../src/serving/index.js'
import { testBackends } from './support/backends.js'
import {
  classifierFiles,
  failingFiles,
  invoke,
  registerModel,
  slowFiles,
  startServingLathe,
  tabularRecords,
} from './support/serving.js'

/*
 * Shadow: the candidate gets a copy of each request after the caller's answer is decided; the
 * caller sees the primary's answer whatever the shadow does (slow, failing), and the two outputs
 * are logged side by side and summarised.
 */

const requests = Array.from({ length: 30 }, (_, i) => ({
  dataframe_records: tabularRecords(2, i + 10),
}))

for (const backend of testBackends) {
  describe(`shadow releases (${backend.name})`, () => {
    let t: Awaited<ReturnType<typeof startServingLathe>>
    let baseline: unknown[]

    beforeEach(async () => {
      t = await startServingLathe(backend)
      await registerModel(t.lathe, 'churn', classifierFiles({ seed: 1 }), ['champion'])
      await registerModel(t.lathe, 'churn', classifierFiles({ seed: 5 }))
      await registerModel(t.lathe, 'churn', failingFiles())
      await registerModel(t.lathe, 'churn', slowFiles())
      await t.lathe.serving.deployments.create({
        name: 'churn',
        model: 'churn',
        strategy: 'shadow',
      })
      baseline = []
      for (const body of requests) baseline.push((await invoke(t.app, 'churn', body)).body)
    })
    afterEach(() => t.close())

    /** Sends every request, checking each answer is exactly the primary's. */
    async function expectPrimaryAnswers() {
      for (const [i, body] of requests.entries()) {
        const res = await invoke(t.app, 'churn', body)
        expect(res.status).toBe(200)
        expect(res.version).toBe(1)
        expect(res.variant).toBe('stable')
        expect(res.body).toEqual(baseline[i])
      }
    }

    async function settledSummary(): Promise<ShadowSummaryJson> {
      const shadow = () => t.lathe.serving.runtime.get('churn')!.shadow!
      for (let i = 0; i < 500 && shadow().inFlight > 0; i++)
        await new Promise((r) => setTimeout(r, 20))
      return shadow().summary.toJSON()
    }

    it('summarises agreement with a healthy shadow and logs both answers under one request id', async () => {
      await t.lathe.serving.deployments.release('churn', { version: 2 })
      await expectPrimaryAnswers()
      const summary = await settledSummary()
      expect(summary).toMatchObject({
        version: 2,
        calls: 30,
        comparedRows: 60,
        errors: 0,
        dropped: 0,
      })
      expect(summary.agreement).toBeGreaterThan(0.5)
      expect(summary.agreement).toBeLessThanOrEqual(1)
      await t.lathe.serving.inferenceLog.flush()
      const log = await t.lathe.serving.readLog({ deployment: 'churn', limit: 1000 })
      const shadowed = log.filter((r) => r.variant === 'shadow')
      expect(shadowed).toHaveLength(30)
      const primary = log.find(
        (r) => r.variant === 'stable' && r.requestId === shadowed[0]!.requestId,
      )
      expect(primary?.version).toBe(1)
      expect(shadowed[0]!.version).toBe(2)
      const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
      expect(metrics).toContain('lathe_model_worker_up{role="shadow"} 1')
      expect(metrics).toContain('lathe_model_worker_up{role="primary"} 1')
      expect(metrics).toMatch(
        /lathe_shadow_rows_total\{deployment="churn",version="2",result="agree"\} \d+/,
      )
      const deployment = (
        await t.app.inject({ method: 'GET', url: '/api/v1/deployments/churn' })
      ).json()
      expect(deployment.deployment.serving.shadow).toMatchObject({ version: 2, calls: 30 })
    })

    it('answers with the primary when the shadow throws on every call', async () => {
      await t.lathe.serving.deployments.release('churn', { version: 3 })
      await expectPrimaryAnswers()
      const summary = await settledSummary()
      expect(summary).toMatchObject({ version: 3, errors: 30, calls: 0 })
      await t.lathe.serving.inferenceLog.flush()
      const log = await t.lathe.serving.readLog({ deployment: 'churn', limit: 1000 })
      expect(log.filter((r) => r.variant === 'shadow' && r.status === 'error')).toHaveLength(30)
    })

    it('answers with the primary, before the shadow finishes, when the shadow is slow', async () => {
      await t.lathe.serving.deployments.update('churn', {
        config: { shadow: { timeoutMs: 1, maxInFlight: 4 } },
      })
      await t.lathe.serving.deployments.release('churn', { version: 4 })
      const res = await invoke(t.app, 'churn', requests[0])
      // The answer is out while the shadow's copy has not even finished.
      expect(t.lathe.serving.runtime.get('churn')!.shadow!.inFlight).toBe(1)
      expect(res.body).toEqual(baseline[0])
      await expectPrimaryAnswers()
      const summary = await settledSummary()
      expect(summary.timeouts + summary.dropped).toBeGreaterThan(0)
      expect(summary.calls + summary.timeouts + summary.errors + summary.dropped).toBe(31)
    })

    it('stops mirroring at once on rollback; promote makes the shadow the primary', async () => {
      const { deployments, runtime } = t.lathe.serving
      await deployments.release('churn', { version: 2 })
      await deployments.rollback('churn', 'not convinced')
      expect(runtime.get('churn')!.shadow).toBeUndefined()
      await expectPrimaryAnswers()
      await deployments.release('churn', { version: 2 })
      await deployments.promote('churn')
      const res = await invoke(t.app, 'churn', requests[0])
      expect(res.version).toBe(2)
    })
  })
}

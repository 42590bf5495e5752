import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { testBackends } from './support/backends.js'
import {
  classifierFiles,
  failingFiles,
  invoke,
  registerModel,
  startServingLathe,
  tabularRecords,
} from './support/serving.js'

/*
 * Canary: the candidate answers a weighted share of callers, each caller always the same version
 * (hash of the routing key); the ramp advances only while the candidate meets its SLOs, and a
 * failing candidate is rolled back by the controller, with the rollback in the audit log.
 */

const row = { dataframe_records: tabularRecords(1) }

for (const backend of testBackends) {
  describe(`canary releases (${backend.name})`, () => {
    let t: Awaited<ReturnType<typeof startServingLathe>>

    beforeEach(async () => {
      t = await startServingLathe(backend)
      await registerModel(t.lathe, 'fraud', classifierFiles({ seed: 1 }), ['champion'])
      await registerModel(t.lathe, 'fraud', classifierFiles({ seed: 2 }))
      await registerModel(t.lathe, 'fraud', failingFiles())
      await t.lathe.serving.deployments.create({
        name: 'fraud',
        model: 'fraud',
        strategy: 'canary',
        config: {
          canary: { steps: [10, 50, 100], stepSeconds: 20 },
          analysis: { intervalSeconds: 10, windowSeconds: 30, minSamples: 20, maxErrorRate: 0.05 },
        },
      })
    })
    afterEach(() => t.close())

    async function versionsFor(keys: readonly string[]) {
      const versions: number[] = []
      for (const key of keys) {
        const res = await invoke(t.app, 'fraud', row, { 'x-lathe-route-key': key })
        expect(res.status, JSON.stringify(res.body)).toBe(200)
        versions.push(res.version)
      }
      return versions
    }

    it('gives the canary its share within statistical tolerance, sticky per key', async () => {
      await t.lathe.serving.deployments.release('fraud', { version: 2 })
      const keys = Array.from({ length: 1000 }, (_, i) => `user-${i}`)
      const first = await versionsFor(keys)
      const share = first.filter((v) => v === 2).length / keys.length
      // Binomial(1000, 0.10): four standard deviations is ±0.038.
      expect(share).toBeGreaterThan(0.1 - 0.038)
      expect(share).toBeLessThan(0.1 + 0.038)
      // The same callers again: every one sees the version it saw before.
      expect(await versionsFor(keys.slice(0, 200))).toEqual(first.slice(0, 200))
      // Raising the weight only moves callers from stable to canary, never back.
      const { release } = await t.lathe.serving.deployments.get('fraud')
      await t.lathe.serving.deployments.advance('fraud', release!.id, 'test')
      const raised = await versionsFor(keys.slice(0, 200))
      raised.forEach((v, i) => {
        if (first[i] === 2) expect(v).toBe(2)
      })
      const moved = raised.filter((v) => v === 2).length / 200
      // Binomial(200, 0.5): four standard deviations is ±0.14.
      expect(moved).toBeGreaterThan(0.5 - 0.14)
      expect(moved).toBeLessThan(0.5 + 0.14)
    })

    it('routes by a request field when the deployment says so', async () => {
      await t.lathe.serving.deployments.update('fraud', {
        config: { canary: { stickyField: 'city' } },
      })
      await t.lathe.serving.deployments.release('fraud', { version: 2 })
      const seen = new Map<string, Set<number>>()
      for (let i = 0; i < 60; i++) {
        const city = ['a', 'b', 'c'][i % 3]!
        const res = await invoke(t.app, 'fraud', {
          dataframe_records: [{ ...tabularRecords(1)[0], city }],
        })
        seen.set(city, (seen.get(city) ?? new Set()).add(res.version))
      }
      for (const versions of seen.values()) expect(versions.size).toBe(1)
    })

    it('ramps a healthy canary step by step while its SLOs hold, then promotes it', async () => {
      const { serving } = t.lathe
      await serving.deployments.release('fraud', { version: 2 })
      const weights: number[] = []
      for (let round = 0; round < 6; round++) {
        await serving.controller.tick()
        await versionsFor(Array.from({ length: 250 }, (_, i) => `r${round}-${i}`))
        t.clock.advance(10_000)
        await serving.controller.tick()
        const d = await serving.deployments.get('fraud')
        weights.push(d.release!.weight)
        if (d.release!.status !== 'progressing') break
      }
      const d = await serving.deployments.get('fraud')
      expect(d.release!.status).toBe('promoted')
      expect(d.version).toBe(2)
      expect(d.previousVersion).toBe(1)
      expect(weights).toContain(50)
      const gates = d.release!.gates.map((g) => `${g.gate}:${g.passed}`)
      expect(gates.slice(0, 4)).toEqual([
        'schema:true',
        'signature:true',
        'smoke:true',
        'start:true',
      ])
      expect(gates.at(-1)).toBe('decision:true')
      expect((await versionsFor(['x', 'y', 'z'])).every((v) => v === 2)).toBe(true)
    })

    it('rolls a failing canary back by itself, audits the rollback, and callers never see its errors', async () => {
      const { serving, audit } = t.lathe
      await serving.deployments.release('fraud', { version: 3 })
      await serving.controller.tick()
      const keys = Array.from({ length: 400 }, (_, i) => `k${i}`)
      // The canary fails on every call; the stable version answers in its place.
      expect((await versionsFor(keys)).every((v) => v === 1)).toBe(true)
      t.clock.advance(10_000)
      const [result] = await serving.controller.tick()
      expect(result).toMatchObject({ verdict: 'fail', action: 'rolled_back' })
      const d = await serving.deployments.get('fraud')
      expect(d.version).toBe(1)
      expect(d.release).toMatchObject({ status: 'rolled_back', candidateVersion: 3, weight: 0 })
      expect(d.release!.reason).toMatch(
        /^Automatic rollback: SLO breached: error rate 100\.0% > 5\.0%/,
      )
      await audit.drain()
      const { entries } = await audit.list({ types: ['deployment.rolled_back'] })
      expect(entries).toHaveLength(1)
      expect(entries[0]).toMatchObject({
        actor: 'lathe-release-controller',
        subject: 'deployment:fraud',
      })
      expect(entries[0]!.payload).toMatchObject({ automatic: true, from: 3, to: 1 })
      const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
      expect(metrics).toMatch(
        /lathe_inference_errors_total\{deployment="fraud",model="fraud",version="3",variant="canary"\} [1-9]/,
      )
    })

    it('rolls back a canary whose predictions drift from the stable version', async () => {
      const { serving } = t.lathe
      await registerModel(t.lathe, 'fraud', classifierFiles({ seed: 3, skewed: true }))
      await serving.deployments.update('fraud', {
        config: { canary: { steps: [50, 100] }, analysis: { maxDrift: 0.3 } },
      })
      await serving.deployments.release('fraud', { version: 4 })
      await serving.controller.tick()
      for (let i = 0; i < 300; i++) {
        const body = { dataframe_records: tabularRecords(1, 1000 + i) }
        await invoke(t.app, 'fraud', body, { 'x-lathe-route-key': `user-${i}` })
      }
      t.clock.advance(10_000)
      const [result] = await serving.controller.tick()
      expect(result).toMatchObject({ verdict: 'fail', action: 'rolled_back' })
      expect(result!.drift).toBeGreaterThan(0.3)
      const d = await serving.deployments.get('fraud')
      expect(d.release!.reason).toMatch(/prediction drift 0\.\d+ > 0\.3/)
    })

    it('waits while too few canary requests arrive: inconclusive is never a pass', async () => {
      const { serving } = t.lathe
      await serving.deployments.release('fraud', { version: 2 })
      await serving.controller.tick()
      await versionsFor(['only', 'a', 'few'])
      t.clock.advance(60_000)
      const [result] = await serving.controller.tick()
      expect(result).toMatchObject({ verdict: 'inconclusive', action: 'none' })
      expect((await serving.deployments.get('fraud')).release!.weight).toBe(10)
    })
  })
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openLathe, type Lathe } from '../src/main.js'
import { testBackends } from './support/backends.js'
import { classifierFiles, registerModel } from './support/serving.js'

/*
 * Alert actions are taken by a serving process only: a command that merely drains the outbox
 * leaves the firing there, and the serving process takes it, once, recording a failure (an
 * unknown pipeline) as an audited outcome rather than losing it.
 */

for (const backend of testBackends) {
  describe(`alert actions (${backend.name})`, () => {
    let lathe: Lathe
    let cleanup: () => Promise<void>

    beforeAll(async () => {
      const fresh = await backend.fresh()
      cleanup = fresh.cleanup
      lathe = await openLathe(fresh.config)
      await registerModel(lathe, 'churn', classifierFiles(), ['champion'])
      await lathe.serving.deployments.create({ name: 'churn', model: 'churn', alias: 'champion' })
    })
    afterAll(async () => {
      await lathe.close()
      await cleanup()
    })

    it('waits for a serving process, then acts once and records a failed action', async () => {
      const { monitoring } = lathe
      const monitor = await monitoring.monitors.create({
        deployment: 'churn',
        kind: 'operational',
        windowMs: 60_000,
      })
      const rule = await monitoring.alerts.createRule({
        monitorId: monitor.id,
        metric: 'requests',
        op: 'above',
        threshold: -1,
        actions: [{ kind: 'retrain', pipeline: 'no-such-pipeline' }],
      })
      await monitoring.monitors.run(monitor.id, { startMs: 0, endMs: 60_000 })
      await lathe.events.drain()
      expect(await monitoring.actions!.list(rule.id)).toEqual([])

      monitoring.actions!.start()
      await lathe.events.drain()
      await lathe.events.drain()
      const actions = await monitoring.actions!.list(rule.id)
      expect(actions).toHaveLength(1)
      expect(actions[0]).toMatchObject({ kind: 'retrain', status: 'failed' })
      expect(actions[0]!.error).toContain('no-such-pipeline')
      await lathe.audit.drain()
      const { entries } = await lathe.audit.list({ types: ['alert.action_taken'] })
      expect(entries.map((e) => [e.actor, e.payload.status])).toEqual([['lathe-monitor', 'failed']])
    })
  })
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testBackends } from '../../test/support/backends.js'
import { readEvents } from '../events/index.js'
import { openLathe, type Lathe } from '../main.js'
import { runAs } from '../shared/actor.js'
import { InvalidParameterError } from '../shared/errors.js'

/** A clock the test moves by hand. */
function steppingClock(start = 1_000) {
  let now = start
  return { nowMs: () => now++ }
}

for (const backend of testBackends) {
  describe(`RunService writes and their events (${backend.name})`, () => {
    let lathe: Lathe
    let cleanup: () => Promise<void>
    beforeAll(async () => {
      const fresh = await backend.fresh()
      cleanup = fresh.cleanup
      lathe = await openLathe(fresh.config, steppingClock())
    })
    afterAll(async () => {
      await lathe.close()
      await cleanup()
    })

    async function eventsOf(runId: string) {
      const all = await readEvents(lathe.store.db(), { afterId: 0, limit: 10_000 })
      return all.filter((e) => e.subject === `run:${runId}`).map((e) => [e.type, e.actor])
    }

    it('appends one event per committed change, with the acting user', async () => {
      const run = await runAs('ada', () => lathe.tracking.runs.create({ experimentId: '0' }))
      const runId = run.info.runId
      await runAs('bob', () =>
        lathe.tracking.runs.logBatch(runId, {
          metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
          params: [{ key: 'p', value: '1' }],
        }),
      )
      await runAs('bob', () =>
        lathe.tracking.runs.update(runId, { status: 'FINISHED', endTime: 2 }),
      )
      expect(await eventsOf(runId)).toEqual([
        ['run.created', 'ada'],
        ['run.logged', 'bob'],
        ['run.updated', 'bob'],
      ])
    })

    it('writes nothing and appends no event when a batch is refused part-way', async () => {
      const run = await lathe.tracking.runs.create({ experimentId: '0' })
      const runId = run.info.runId
      await lathe.tracking.logParams(runId, { fixed: 'a' })
      const before = await eventsOf(runId)
      const refused = lathe.tracking.runs.logBatch(runId, {
        params: [
          { key: 'fresh', value: 'x' },
          { key: 'fixed', value: 'b' },
        ],
        metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
        tags: [{ key: 't', value: 'v' }],
      })
      await expect(refused).rejects.toBeInstanceOf(InvalidParameterError)
      const after = await lathe.tracking.runs.get(runId)
      expect(after.data).toEqual({
        metrics: [],
        params: [{ key: 'fixed', value: 'a' }],
        tags: run.data.tags,
      })
      expect(await lathe.tracking.runs.metricHistory(runId, 'm')).toEqual({
        items: [],
        nextPageToken: undefined,
      })
      expect(await eventsOf(runId)).toEqual(before)
    })

    it('keeps the latest metric by step, then timestamp, whatever order points arrive in', async () => {
      const { info } = await lathe.tracking.runs.create({ experimentId: '0' })
      const point = (value: number, timestamp: number, step: number) => ({
        key: 'm',
        value,
        timestamp,
        step,
      })
      await lathe.tracking.runs.logBatch(info.runId, { metrics: [point(3, 10, 2)] })
      await lathe.tracking.runs.logBatch(info.runId, { metrics: [point(9, 99, 1), point(1, 5, 2)] })
      await lathe.tracking.runs.logBatch(info.runId, { metrics: [point(4, 11, 2)] })
      const run = await lathe.tracking.runs.get(info.runId)
      expect(run.data.metrics).toEqual([point(4, 11, 2)])
      const history = await lathe.tracking.runs.metricHistory(info.runId, 'm')
      expect(history.items).toEqual([
        point(9, 99, 1),
        point(1, 5, 2),
        point(3, 10, 2),
        point(4, 11, 2),
      ])
    })

    it('does not let a deleted run be written, and restores it', async () => {
      const { info } = await lathe.tracking.runs.create({ experimentId: '0' })
      await lathe.tracking.runs.delete(info.runId)
      await expect(lathe.tracking.logMetrics(info.runId, { m: 1 })).rejects.toThrow(
        /must be in the 'active' state/,
      )
      await lathe.tracking.runs.restore(info.runId)
      await lathe.tracking.logMetrics(info.runId, { m: 1 })
      expect((await lathe.tracking.runs.get(info.runId)).info.lifecycleStage).toBe('active')
    })
  })
}

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { openLathe } from '../src/main.js'
import { testBackends } from './support/backends.js'

/*
 * Schedules fire once per due time even with two processes ticking; a storm of matching events
 * starts one run after the debounce; events that do not match start nothing.
 */

const HELLO = fileURLToPath(new URL('./fixtures/pipelines/hello/pipeline.yaml', import.meta.url))
const at = (iso: string) => Date.parse(iso)

for (const backend of testBackends) {
  describe(`pipeline schedules and triggers (${backend.name})`, () => {
    it(
      'fires a cron schedule once per due time across two processes',
      { timeout: 60_000 },
      async () => {
        const { config, cleanup } = await backend.fresh()
        const clock = { now: at('2025-01-01T00:01:00Z'), nowMs: () => clock.now }
        const one = await openLathe(config, clock)
        const two = await openLathe(config, clock)
        try {
          await one.pipelines.catalog.register(HELLO)
          const schedule = await one.pipelines.schedules.create('hello', {
            cron: '*/5 * * * *',
            params: { who: 'cron' },
          })
          expect(schedule.nextAtMs).toBe(at('2025-01-01T00:05:00Z'))
          clock.now = at('2025-01-01T00:04:59Z')
          expect(await one.pipelines.tick()).toEqual([])
          clock.now = at('2025-01-01T00:05:00Z')
          const started = [
            ...(await Promise.all([one.pipelines.tick(), two.pipelines.tick()])).flat(),
          ]
          expect(started).toHaveLength(1)
          expect(await one.pipelines.tick()).toEqual([])
          const run = await one.pipelines.status(started[0]!)
          expect(run).toMatchObject({
            startedBy: `schedule:${schedule.id}`,
            params: { who: 'cron' },
          })
          expect((await one.pipelines.schedules.list())[0]).toMatchObject({
            nextAtMs: at('2025-01-01T00:10:00Z'),
            lastRunId: started[0],
          })
        } finally {
          await two.close()
          await one.close()
          await cleanup()
        }
      },
    )

    it(
      'starts one run for a storm of matching events, after the debounce',
      { timeout: 60_000 },
      async () => {
        const { config, cleanup } = await backend.fresh()
        const clock = { now: at('2025-01-01T00:00:00Z'), nowMs: () => clock.now }
        const lathe = await openLathe(config, clock)
        try {
          await lathe.pipelines.catalog.register(HELLO)
          const trigger = await lathe.pipelines.triggers.create('hello', {
            event: 'dataset.version_created',
            match: { name: 'churn' },
            debounceMs: 10_000,
          })
          const dir = mkdtempSync(join(tmpdir(), 'lathe-storm-'))
          let last = ''
          for (let i = 0; i < 5; i++) {
            writeFileSync(join(dir, `v${i}.csv`), `x\n${i}\n`)
            last = (await lathe.data.datasets.add(join(dir, `v${i}.csv`), { name: 'churn' }))
              .version.id
            writeFileSync(join(dir, `o${i}.csv`), `y\n${i}\n`)
            await lathe.data.datasets.add(join(dir, `o${i}.csv`), { name: 'other' })
            clock.now += 1000
          }
          await lathe.events.drain()
          clock.now = at('2025-01-01T00:00:13Z')
          expect(await lathe.pipelines.tick()).toEqual([])
          clock.now = at('2025-01-01T00:00:14Z')
          const started = await lathe.pipelines.tick()
          expect(started).toHaveLength(1)
          expect(await lathe.pipelines.tick()).toEqual([])
          expect(await lathe.pipelines.status(started[0]!)).toMatchObject({
            startedBy: `trigger:${trigger.id}`,
          })
          expect((await lathe.pipelines.triggers.list())[0]).toMatchObject({
            fireAtMs: null,
            lastRunId: started[0],
          })
          await lathe.lineage.drain()
          const graph = await lathe.lineage.upstream({ kind: 'pipeline_run', id: started[0]! }, 1)
          expect(graph.edges.map((e) => `${e.from.kind}:${e.from.id} ${e.relation}`)).toContain(
            `dataset_version:${last} triggered`,
          )
        } finally {
          await lathe.close()
          await cleanup()
        }
      },
    )
  })
}

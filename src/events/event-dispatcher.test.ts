import { afterEach, describe, expect, it } from 'vitest'
import { openMetadataStore, ownTables, type MetadataStore } from '../store/index.js'
import { testBackends } from '../../test/support/backends.js'
import { EventDispatcher } from './event-dispatcher.js'
import { eventMigrations } from './migrations.js'
import { appendEvents } from './outbox.js'
import type { EventTables } from './schema.js'

const HOUR_MS = 60 * 60 * 1000

/** Inserts an event with a chosen id, as a transaction that took its id earlier commits later. */
async function insertWithId(store: MetadataStore, id: number, type = 'thing.happened') {
  await ownTables<EventTables>(store.db())
    .insertInto('events')
    .values({ id, type, subject: `thing:${id}`, payload: '{}', actor: null, created_at: 0 })
    .execute()
}

for (const backend of testBackends) {
  describe(`event dispatcher gaps (${backend.name})`, () => {
    let cleanups: (() => Promise<void>)[] = []
    afterEach(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup()
      cleanups = []
    })

    async function setup() {
      const { config, cleanup } = await backend.fresh()
      const store = await openMetadataStore(config.database)
      await store.migrate(eventMigrations)
      cleanups.push(cleanup, () => store.close())
      const clock = { now: 1_000_000, nowMs: () => clock.now }
      const delivered: number[] = []
      const dispatcher = new EventDispatcher(store, clock, { gapTimeoutMs: 1000 })
      dispatcher.subscribe('test', async (e) => void delivered.push(e.id), { fromStart: true })
      return { store, clock, delivered, dispatcher }
    }

    it('delivers an event that commits after the dispatcher read past its id', async () => {
      const { store, clock, delivered, dispatcher } = await setup()
      await insertWithId(store, 1)
      await insertWithId(store, 3)
      await dispatcher.drain()
      expect(delivered).toEqual([1])
      clock.now += 1000
      await dispatcher.drain()
      expect(delivered).toEqual([1, 3])
      await insertWithId(store, 2)
      await dispatcher.drain()
      expect(delivered).toEqual([1, 3, 2])
      await dispatcher.drain()
      expect(delivered).toEqual([1, 3, 2])
    })

    it('forgets skipped ids after an hour', async () => {
      const { store, clock, delivered, dispatcher } = await setup()
      await insertWithId(store, 1)
      await insertWithId(store, 3)
      await dispatcher.drain()
      clock.now += 1000
      await dispatcher.drain()
      clock.now += HOUR_MS + 1
      await dispatcher.drain()
      await insertWithId(store, 2)
      await dispatcher.drain()
      expect(delivered).toEqual([1, 3])
    })

    it.skipIf(backend.name !== 'postgres')(
      'delivers an event whose transaction commits late (PostgreSQL only: SQLite ids commit in order)',
      async () => {
        const { store, clock, delivered, dispatcher } = await setup()
        let release!: () => void
        const held = new Promise<void>((resolve) => (release = resolve))
        let appended!: () => void
        const inserted = new Promise<void>((resolve) => (appended = resolve))
        const slow = store.transaction(async (trx) => {
          await appendEvents(trx, [{ type: 'slow', subject: 'thing:slow', payload: {} }], 0)
          appended()
          await held
        })
        await inserted
        await store.transaction((trx) =>
          appendEvents(trx, [{ type: 'fast', subject: 'thing:fast', payload: {} }], 0),
        )
        await dispatcher.drain()
        clock.now += 1000
        await dispatcher.drain()
        expect(delivered).toHaveLength(1)
        release()
        await slow
        await dispatcher.drain()
        expect(delivered).toHaveLength(2)
        expect(delivered[1]).toBeLessThan(delivered[0]!)
      },
    )
  })
}

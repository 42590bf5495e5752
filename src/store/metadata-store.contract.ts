import type { Kysely } from 'kysely'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { MetadataStore, NamedMigration } from './metadata-store.js'

/** A fresh, empty database: `open` connects to it (again), `cleanup` removes it. */
export interface FreshDatabase {
  open(): Promise<MetadataStore>
  cleanup(): Promise<void>
}

interface Tables {
  contract_items: { id: string; count: number; at_ms: number }
  contract_log: { item_id: string; what: string }
}

let applied = 0
/** Two tables changed together, the way a context writes a row and its outbox event. */
const MIGRATIONS: readonly NamedMigration[] = [
  {
    name: 'contract-0001-items',
    async up(db) {
      applied++
      await db.schema
        .createTable('contract_items')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('at_ms', 'bigint', (c) => c.notNull())
        .execute()
    },
  },
  {
    name: 'contract-0002-log',
    async up(db) {
      applied++
      await db.schema
        .createTable('contract_log')
        .addColumn('item_id', 'text', (c) => c.notNull())
        .addColumn('what', 'text', (c) => c.notNull())
        .execute()
    },
  },
]

/** The rows of item `id` and its log entries. */
async function contents(db: Kysely<Tables>, id: string) {
  return {
    items: await db.selectFrom('contract_items').selectAll().where('id', '=', id).execute(),
    log: await db.selectFrom('contract_log').selectAll().where('item_id', '=', id).execute(),
  }
}

/** The behaviour every MetadataStore backend shares, run by each backend's test. */
export function describeMetadataStore(name: string, fresh: () => Promise<FreshDatabase>): void {
  describe(`${name} metadata store`, () => {
    const opened: MetadataStore[] = []
    const cleanups: (() => Promise<void>)[] = []
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close()
      for (const cleanup of cleanups.splice(0)) await cleanup()
    })
    // The tests after the migration ones share one migrated database, each on its own item id.
    let shared: { store: MetadataStore; database: FreshDatabase } | undefined
    afterAll(async () => {
      await shared?.store.close()
      await shared?.database.cleanup()
    })
    async function sharedStore(): Promise<MetadataStore> {
      if (!shared) {
        const database = await fresh()
        const store = await database.open()
        shared = { store, database }
        await store.migrate(MIGRATIONS)
      }
      return shared.store
    }
    async function migrated(): Promise<{ store: MetadataStore; database: FreshDatabase }> {
      const database = await fresh()
      cleanups.push(database.cleanup)
      const store = await database.open()
      opened.push(store)
      await store.migrate(MIGRATIONS)
      return { store, database }
    }

    it('applies each migration once, however often migrate runs, and keeps the data', async () => {
      const before = applied
      const { store, database } = await migrated()
      const db = store.db<Tables>()
      await db.insertInto('contract_items').values({ id: 'a', count: 1, at_ms: 1 }).execute()
      await store.migrate(MIGRATIONS)
      const again = await database.open()
      opened.push(again)
      await again.migrate(MIGRATIONS)
      expect(applied - before).toBe(2)
      expect((await contents(again.db<Tables>(), 'a')).items).toEqual([
        { id: 'a', count: 1, at_ms: 1 },
      ])
    })

    it('lets two processes migrate the same database at once', async () => {
      const database = await fresh()
      cleanups.push(database.cleanup)
      const stores = await Promise.all([database.open(), database.open()])
      opened.push(...stores)
      await Promise.all(stores.map((s) => s.migrate(MIGRATIONS)))
      const recorded = await stores[0]
        .db<{ lathe_migrations: { name: string } }>()
        .selectFrom('lathe_migrations')
        .select('name')
        .orderBy('name')
        .execute()
      expect(recorded.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name))
      await stores[1]
        .db<Tables>()
        .insertInto('contract_log')
        .values({ item_id: 'x', what: 'ok' })
        .execute()
    })

    it('commits a change and its log entry together', async () => {
      const store = await sharedStore()
      const result = await store.transaction<Tables, string>(async (trx) => {
        await trx.insertInto('contract_items').values({ id: 'b', count: 1, at_ms: 2 }).execute()
        await trx.insertInto('contract_log').values({ item_id: 'b', what: 'created' }).execute()
        return 'done'
      })
      expect(result).toBe('done')
      expect(await contents(store.db<Tables>(), 'b')).toEqual({
        items: [{ id: 'b', count: 1, at_ms: 2 }],
        log: [{ item_id: 'b', what: 'created' }],
      })
    })

    it('rolls back every write of a transaction that throws, and rethrows the same error', async () => {
      const store = await sharedStore()
      const failure = new Error('rule broken after the writes')
      const attempt = store.transaction<Tables, void>(async (trx) => {
        await trx.insertInto('contract_items').values({ id: 'c', count: 1, at_ms: 3 }).execute()
        await trx.insertInto('contract_log').values({ item_id: 'c', what: 'created' }).execute()
        throw failure
      })
      await expect(attempt).rejects.toBe(failure)
      expect(await contents(store.db<Tables>(), 'c')).toEqual({ items: [], log: [] })
    })

    it('rolls back when a statement fails (a duplicate key) and keeps the store usable', async () => {
      const store = await sharedStore()
      const db = store.db<Tables>()
      await db.insertInto('contract_items').values({ id: 'd', count: 1, at_ms: 4 }).execute()
      const attempt = store.transaction<Tables, void>(async (trx) => {
        await trx.insertInto('contract_log').values({ item_id: 'd', what: 'again' }).execute()
        await trx.insertInto('contract_items').values({ id: 'd', count: 2, at_ms: 5 }).execute()
      })
      await expect(attempt).rejects.toThrow()
      expect(await contents(db, 'd')).toEqual({ items: [{ id: 'd', count: 1, at_ms: 4 }], log: [] })
    })

    it('runs concurrent transactions each whole: no increment is lost', async () => {
      const store = await sharedStore()
      await store
        .db<Tables>()
        .insertInto('contract_items')
        .values({ id: 'n', count: 0, at_ms: 0 })
        .execute()
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.transaction<Tables, void>(async (trx) => {
            await trx
              .updateTable('contract_items')
              .set((eb) => ({ count: eb('count', '+', 1) }))
              .where('id', '=', 'n')
              .execute()
            await trx
              .insertInto('contract_log')
              .values({ item_id: 'n', what: String(i) })
              .execute()
          }),
        ),
      )
      const { items, log } = await contents(store.db<Tables>(), 'n')
      expect([items[0]?.count, log.length]).toEqual([20, 20])
    })

    it('inserts many rows in one statement inside a transaction, skipping duplicates', async () => {
      const store = await sharedStore()
      const rows = (prefix: string, n: number) =>
        Array.from({ length: n }, (_, i) => [`${prefix}${i}`, i, 10 + i])
      await store.transaction<Tables, void>(async (trx) => {
        await store.insertManyIgnoringConflicts(
          trx,
          'contract_items',
          ['id', 'count', 'at_ms'],
          [...rows('many-', 3)],
        )
        // The same shape again (its statement reused) with one new row and two already there.
        await store.insertManyIgnoringConflicts(
          trx,
          'contract_items',
          ['id', 'count', 'at_ms'],
          [
            ['many-9', 9, 19],
            ['many-0', 100, 100],
            ['many-1', 100, 100],
          ],
        )
      })
      const stored = await store
        .db<Tables>()
        .selectFrom('contract_items')
        .selectAll()
        .where('id', 'like', 'many-%')
        .orderBy('id')
        .execute()
      expect(stored).toEqual([
        { id: 'many-0', count: 0, at_ms: 10 },
        { id: 'many-1', count: 1, at_ms: 11 },
        { id: 'many-2', count: 2, at_ms: 12 },
        { id: 'many-9', count: 9, at_ms: 19 },
      ])
      await expect(
        store.insertManyIgnoringConflicts(store.db(), 'contract_items', ['id', 'count'], [['x']]),
      ).rejects.toThrow('a row has 1 values for 2 columns')
    })

    it('reads bigint columns back as numbers (epoch milliseconds)', async () => {
      const store = await sharedStore()
      const db = store.db<Tables>()
      await db
        .insertInto('contract_items')
        .values({ id: 't', count: 1, at_ms: 1_700_000_000_123 })
        .execute()
      const row = await db
        .selectFrom('contract_items')
        .select('at_ms')
        .where('id', '=', 't')
        .executeTakeFirstOrThrow()
      expect(row.at_ms).toBe(1_700_000_000_123)
    })
  })
}

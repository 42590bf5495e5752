import { ownTables, type NamedMigration } from '../store/index.js'
import { GENESIS_HASH } from './audit-hash.js'
import type { GovernanceTables } from './schema.js'

export const governanceMigrations: readonly NamedMigration[] = [
  {
    name: 'governance-0001-audit-log',
    async up(db) {
      await db.schema
        .createTable('audit_entries')
        .ifNotExists()
        .addColumn('seq', 'bigint', (c) => c.primaryKey().notNull())
        .addColumn('event_id', 'bigint', (c) => c.notNull().unique())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('actor', 'text')
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute()
      for (const column of ['subject', 'actor', 'type'] as const) {
        await db.schema
          .createIndex(`audit_entries_${column}_seq`)
          .ifNotExists()
          .on('audit_entries')
          .columns([column, 'seq'])
          .execute()
      }
      await db.schema
        .createTable('audit_state')
        .ifNotExists()
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('head_seq', 'bigint', (c) => c.notNull())
        .addColumn('head_hash', 'text', (c) => c.notNull())
        .addColumn('last_event_id', 'bigint', (c) => c.notNull())
        .execute()
      await ownTables<GovernanceTables>(db)
        .insertInto('audit_state')
        .values({ id: 1, head_seq: 0, head_hash: GENESIS_HASH, last_event_id: 0 })
        .onConflict((oc) => oc.doNothing())
        .execute()
      await db.schema
        .createTable('audit_gaps')
        .ifNotExists()
        .addColumn('from_id', 'bigint', (c) => c.primaryKey())
        .addColumn('to_id', 'bigint', (c) => c.notNull())
        .addColumn('seen_at', 'bigint', (c) => c.notNull())
        .execute()
    },
  },
]

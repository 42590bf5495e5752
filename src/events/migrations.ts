import type { NamedMigration } from '../store/index.js'

export const eventMigrations: readonly NamedMigration[] = [
  {
    name: 'events-0001-outbox',
    async up(db, ddl) {
      await db.schema
        .createTable('events')
        .ifNotExists()
        .addColumn('id', ddl.autoIncrement, (c) => c.primaryKey().notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('actor', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('events_type_id')
        .ifNotExists()
        .on('events')
        .columns(['type', 'id'])
        .execute()
      await db.schema
        .createTable('event_cursors')
        .ifNotExists()
        .addColumn('subscriber', 'text', (c) => c.primaryKey())
        .addColumn('position', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute()
    },
  },
  {
    name: 'events-0002-subscriber-gaps',
    async up(db) {
      await db.schema
        .createTable('event_gaps')
        .ifNotExists()
        .addColumn('subscriber', 'text', (c) => c.notNull())
        .addColumn('event_id', 'bigint', (c) => c.notNull())
        .addColumn('seen_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('event_gaps_pk', ['subscriber', 'event_id'])
        .execute()
    },
  },
]

import type { NamedMigration } from '../store/index.js'

export const lineageMigrations: readonly NamedMigration[] = [
  {
    name: 'lineage-0001-nodes-edges',
    async up(db) {
      await db.schema
        .createTable('lineage_nodes')
        .ifNotExists()
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('attributes', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('lineage_nodes_pk', ['kind', 'id'] as never)
        .execute()
      // The primary key serves downstream walks (from → to); this index serves upstream ones.
      await db.schema
        .createTable('lineage_edges')
        .ifNotExists()
        .addColumn('from_kind', 'text', (c) => c.notNull())
        .addColumn('from_id', 'text', (c) => c.notNull())
        .addColumn('relation', 'text', (c) => c.notNull())
        .addColumn('to_kind', 'text', (c) => c.notNull())
        .addColumn('to_id', 'text', (c) => c.notNull())
        .addColumn('attributes', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('lineage_edges_pk', [
          'from_kind',
          'from_id',
          'relation',
          'to_kind',
          'to_id',
        ] as never)
        .execute()
      await db.schema
        .createIndex('lineage_edges_to')
        .ifNotExists()
        .on('lineage_edges')
        .columns(['to_kind', 'to_id'])
        .execute()
    },
  },
]

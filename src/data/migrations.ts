import type { NamedMigration } from '../store/index.js'

export const dataMigrations: readonly NamedMigration[] = [
  {
    name: 'data-0001-datasets-contracts-reports',
    async up(db) {
      await db.schema
        .createTable('dataset_versions')
        .ifNotExists()
        .addColumn('version_id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('artifact_key', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('size_bytes', 'bigint', (c) => c.notNull())
        .addColumn('row_count', 'bigint', (c) => c.notNull())
        .addColumn('schema', 'text', (c) => c.notNull())
        .addColumn('profile', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addUniqueConstraint('dataset_versions_name_version', ['name', 'version'])
        .addUniqueConstraint('dataset_versions_name_digest', ['name', 'digest'])
        .execute()
      await db.schema
        .createIndex('dataset_versions_digest')
        .ifNotExists()
        .on('dataset_versions')
        .column('digest')
        .execute()
      await db.schema
        .createTable('dataset_aliases')
        .ifNotExists()
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('alias', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('dataset_aliases_pk', ['name', 'alias'])
        .execute()
      await db.schema
        .createTable('contracts')
        .ifNotExists()
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('contracts_pk', ['name', 'version'])
        .addUniqueConstraint('contracts_name_hash', ['name', 'hash'])
        .execute()
      await db.schema
        .createTable('validation_reports')
        .ifNotExists()
        .addColumn('report_id', 'text', (c) => c.primaryKey())
        .addColumn('contract_name', 'text', (c) => c.notNull())
        .addColumn('contract_version', 'integer')
        .addColumn('contract_hash', 'text', (c) => c.notNull())
        .addColumn('dataset_version_id', 'text')
        .addColumn('dataset_digest', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('success', 'integer', (c) => c.notNull())
        .addColumn('report', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('validation_reports_dataset_version')
        .ifNotExists()
        .on('validation_reports')
        .columns(['dataset_version_id', 'created_at'])
        .execute()
      await db.schema
        .createIndex('validation_reports_contract')
        .ifNotExists()
        .on('validation_reports')
        .columns(['contract_name', 'created_at'])
        .execute()
    },
  },
  {
    name: 'data-0002-version-tags-drift-reports',
    async up(db) {
      await db.schema
        .createTable('dataset_version_tags')
        .ifNotExists()
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('dataset_version_tags_pk', ['name', 'version', 'key'])
        .execute()
      await db.schema
        .createTable('drift_reports')
        .ifNotExists()
        .addColumn('report_id', 'text', (c) => c.primaryKey())
        .addColumn('reference_source', 'text', (c) => c.notNull())
        .addColumn('reference_version_id', 'text')
        .addColumn('current_source', 'text', (c) => c.notNull())
        .addColumn('current_version_id', 'text')
        .addColumn('is_drifted', 'integer', (c) => c.notNull())
        .addColumn('drifted_share', 'double precision', (c) => c.notNull())
        .addColumn('report', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .execute()
      for (const side of ['reference', 'current'] as const) {
        await db.schema
          .createIndex(`drift_reports_${side}_version`)
          .ifNotExists()
          .on('drift_reports')
          .columns([`${side}_version_id`, 'created_at'])
          .execute()
      }
    },
  },
]

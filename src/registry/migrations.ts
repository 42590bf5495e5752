import type { Kysely } from 'kysely'
import type { Ddl, NamedMigration } from '../store/index.js'

async function keyValueTable(db: Kysely<unknown>, table: string, owner: readonly string[]) {
  let builder = db.schema.createTable(table).ifNotExists()
  for (const column of owner) builder = builder.addColumn(column, 'bigint', (c) => c.notNull())
  await builder
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint(`${table}_pk`, [...owner, 'key'] as never)
    .execute()
}

async function modelVersions(db: Kysely<unknown>) {
  await db.schema
    .createTable('model_versions')
    .ifNotExists()
    .addColumn('registered_model_id', 'bigint', (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('creation_timestamp', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_timestamp', 'bigint', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('current_stage', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('storage_location', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text')
    .addColumn('run_link', 'text')
    .addColumn('model_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_message', 'text')
    .addColumn('git_commit', 'text')
    .addColumn('dataset_inputs', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('model_versions_pk', ['registered_model_id', 'version'] as never)
    .execute()
  await db.schema
    .createIndex('model_versions_run_id')
    .ifNotExists()
    .on('model_versions')
    .column('run_id')
    .execute()
}

async function policiesAndReports(db: Kysely<unknown>, ddl: Ddl) {
  await db.schema
    .createTable('registered_model_policies')
    .ifNotExists()
    .addColumn('registered_model_id', 'bigint', (c) => c.primaryKey())
    .addColumn('gates', 'text', (c) => c.notNull())
    .addColumn('protected_aliases', 'text', (c) => c.notNull())
    .addColumn('approval_aliases', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute()
  await db.schema
    .createTable('evaluation_reports')
    .ifNotExists()
    .addColumn('id', ddl.autoIncrement, (c) => c.primaryKey().notNull())
    .addColumn('registered_model_id', 'bigint', (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('dataset', 'text')
    .addColumn('passed', 'integer', (c) => c.notNull())
    .addColumn('results', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .execute()
  await db.schema
    .createIndex('evaluation_reports_version')
    .ifNotExists()
    .on('evaluation_reports')
    .columns(['registered_model_id', 'version', 'id'])
    .execute()
}

async function approvals(db: Kysely<unknown>, ddl: Ddl) {
  await db.schema
    .createTable('approvals')
    .ifNotExists()
    .addColumn('id', ddl.autoIncrement, (c) => c.primaryKey().notNull())
    .addColumn('registered_model_id', 'bigint', (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('alias', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('comment', 'text')
    .addColumn('decided_at', 'bigint')
    .execute()
  await db.schema
    .createIndex('approvals_version_alias')
    .ifNotExists()
    .on('approvals')
    .columns(['registered_model_id', 'version', 'alias', 'id'])
    .execute()
}

export const registryMigrations: readonly NamedMigration[] = [
  {
    name: 'registry-0001-models-versions',
    async up(db, ddl) {
      await db.schema
        .createTable('registered_models')
        .ifNotExists()
        .addColumn('id', ddl.autoIncrement, (c) => c.primaryKey().notNull())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('creation_timestamp', 'bigint', (c) => c.notNull())
        .addColumn('last_updated_timestamp', 'bigint', (c) => c.notNull())
        .addColumn('user_id', 'text')
        .addColumn('description', 'text')
        .addColumn('last_version', 'bigint', (c) => c.notNull())
        .execute()
      await keyValueTable(db, 'registered_model_tags', ['registered_model_id'])
      await db.schema
        .createTable('registered_model_aliases')
        .ifNotExists()
        .addColumn('registered_model_id', 'bigint', (c) => c.notNull())
        .addColumn('alias', 'text', (c) => c.notNull())
        .addColumn('version', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('registered_model_aliases_pk', [
          'registered_model_id',
          'alias',
        ] as never)
        .execute()
      await modelVersions(db)
      await keyValueTable(db, 'model_version_tags', ['registered_model_id', 'version'])
    },
  },
  {
    name: 'registry-0002-gates-reports-approvals',
    async up(db, ddl) {
      await policiesAndReports(db, ddl)
      await approvals(db, ddl)
    },
  },
]

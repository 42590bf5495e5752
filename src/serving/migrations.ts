import type { Kysely } from 'kysely'
import type { Ddl, NamedMigration } from '../store/index.js'

async function deployments(db: Kysely<unknown>) {
  await db.schema
    .createTable('deployments')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('target_alias', 'text')
    .addColumn('target_version', 'bigint')
    .addColumn('strategy', 'text', (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('previous_version', 'bigint')
    .addColumn('release_id', 'text')
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute()
}

async function releases(db: Kysely<unknown>) {
  await db.schema
    .createTable('deployment_releases')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('deployment', 'text', (c) => c.notNull())
    .addColumn('strategy', 'text', (c) => c.notNull())
    .addColumn('stable_version', 'bigint')
    .addColumn('candidate_version', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('weight', 'real', (c) => c.notNull())
    .addColumn('step_index', 'integer', (c) => c.notNull())
    .addColumn('step_started_at', 'bigint', (c) => c.notNull())
    .addColumn('gates', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('deployment_releases_deployment')
    .ifNotExists()
    .on('deployment_releases')
    .columns(['deployment', 'created_at'])
    .execute()
}

async function inferenceLog(db: Kysely<unknown>, ddl: Ddl) {
  await db.schema
    .createTable('inference_log')
    .ifNotExists()
    .addColumn('id', ddl.autoIncrement, (c) => c.primaryKey().notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('deployment', 'text', (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('variant', 'text', (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('inputs', 'text', (c) => c.notNull())
    .addColumn('outputs', 'text')
    .addColumn('latency_ms', 'real', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('inference_log_deployment_time')
    .ifNotExists()
    .on('inference_log')
    .columns(['deployment', 'timestamp'])
    .execute()
}

async function batchPredictions(db: Kysely<unknown>) {
  await db.schema
    .createTable('batch_predictions')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('input', 'text', (c) => c.notNull())
    .addColumn('input_digest', 'text', (c) => c.notNull())
    .addColumn('dataset_version_id', 'text')
    .addColumn('output', 'text', (c) => c.notNull())
    .addColumn('rows', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute()
}

/** The serving context's migrations. */
export const servingMigrations: readonly NamedMigration[] = [
  {
    name: 'serving-0001-deployments-releases-log',
    async up(db, ddl) {
      await deployments(db)
      await releases(db)
      await inferenceLog(db, ddl)
      await batchPredictions(db)
    },
  },
]

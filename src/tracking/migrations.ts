import { sql, type CreateTableBuilder, type Kysely } from 'kysely'
import type { Ddl, NamedMigration } from '../store/index.js'
import { loggedModelIndexes } from './logged-model-migration.js'

/**
 * On SQLite, key-value and metric tables are clustered on their primary key (WITHOUT ROWID):
 * a lookup by (run, key) reads one b-tree instead of an index and then the table, which is
 * what run search does thousands of times per query.
 */
function clustered<T extends string, C extends string>(
  ddl: Ddl,
  builder: CreateTableBuilder<T, C>,
) {
  return ddl.dialect === 'sqlite' ? builder.modifyEnd(sql`without rowid`) : builder
}

async function keyValueTable(
  db: Kysely<unknown>,
  ddl: Ddl,
  table: string,
  owner: string,
  ownerType: 'text' | 'bigint',
) {
  const builder = db.schema
    .createTable(table)
    .ifNotExists()
    .addColumn(owner, ownerType, (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint(`${table}_pk`, [owner, 'key'] as never)
  await clustered(ddl, builder).execute()
}

async function metricTable(db: Kysely<unknown>, ddl: Ddl, table: 'metrics' | 'latest_metrics') {
  const isHistory = table === 'metrics'
  const builder = db.schema
    .createTable(table)
    .ifNotExists()
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('is_nan', 'integer', (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('step', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint(
      `${table}_pk`,
      (isHistory
        ? ['run_id', 'key', 'step', 'timestamp', 'value', 'is_nan']
        : ['run_id', 'key']) as never,
    )
  await clustered(ddl, builder).execute()
}

export const trackingMigrations: readonly NamedMigration[] = [
  {
    name: 'tracking-0001-experiments-runs',
    async up(db, ddl) {
      await db.schema
        .createTable('experiments')
        .ifNotExists()
        .addColumn('experiment_id', ddl.autoIncrement, (c) => c.primaryKey().notNull())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('artifact_location', 'text', (c) => c.notNull())
        .addColumn('lifecycle_stage', 'text', (c) => c.notNull())
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('last_update_time', 'bigint', (c) => c.notNull())
        .execute()
      await keyValueTable(db, ddl, 'experiment_tags', 'experiment_id', 'bigint')
      await db.schema
        .createTable('runs')
        .ifNotExists()
        .addColumn('run_id', 'text', (c) => c.primaryKey())
        .addColumn('experiment_id', 'bigint', (c) => c.notNull())
        .addColumn('run_name', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('start_time', 'bigint', (c) => c.notNull())
        .addColumn('end_time', 'bigint')
        .addColumn('artifact_uri', 'text', (c) => c.notNull())
        .addColumn('lifecycle_stage', 'text', (c) => c.notNull())
        .addColumn('deleted_time', 'bigint')
        .execute()
      await db.schema
        .createIndex('runs_experiment_start')
        .ifNotExists()
        .on('runs')
        .columns(['experiment_id', 'start_time'])
        .execute()
      await keyValueTable(db, ddl, 'run_params', 'run_id', 'text')
      await keyValueTable(db, ddl, 'run_tags', 'run_id', 'text')
      await metricTable(db, ddl, 'metrics')
      await metricTable(db, ddl, 'latest_metrics')
      await db.schema
        .createIndex('latest_metrics_key_value')
        .ifNotExists()
        .on('latest_metrics')
        // run_id makes it covering: a metric filter never visits the table.
        .columns(['key', 'value', 'run_id'])
        .execute()
      // The Default experiment every MLflow client falls back to has id 0.
      await sql`insert into experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
        values (0, 'Default', 'mlflow-artifacts:/0', 'active', ${Date.now()}, ${Date.now()})
        on conflict do nothing`.execute(db)
    },
  },
  {
    name: 'tracking-0002-inputs-logged-models',
    async up(db, ddl) {
      await db.schema
        .createTable('datasets')
        .ifNotExists()
        .addColumn('dataset_id', 'text', (c) => c.primaryKey())
        .addColumn('experiment_id', 'bigint', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('source_type', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('schema', 'text')
        .addColumn('profile', 'text')
        .addUniqueConstraint('datasets_identity', ['experiment_id', 'name', 'digest'] as never)
        .execute()
      await db.schema
        .createTable('run_dataset_inputs')
        .ifNotExists()
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('dataset_id', 'text', (c) => c.notNull())
        .addColumn('tags', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('run_dataset_inputs_pk', ['run_id', 'dataset_id'] as never)
        .execute()
      await db.schema
        .createTable('run_model_inputs')
        .ifNotExists()
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('model_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('run_model_inputs_pk', ['run_id', 'model_id'] as never)
        .execute()
      await db.schema
        .createTable('run_model_outputs')
        .ifNotExists()
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('model_id', 'text', (c) => c.notNull())
        .addColumn('step', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('run_model_outputs_pk', ['run_id', 'model_id'] as never)
        .execute()
      await db.schema
        .createTable('logged_models')
        .ifNotExists()
        .addColumn('model_id', 'text', (c) => c.primaryKey())
        .addColumn('experiment_id', 'bigint', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('artifact_location', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('status_message', 'text')
        .addColumn('source_run_id', 'text')
        .addColumn('model_type', 'text')
        .addColumn('lifecycle_stage', 'text', (c) => c.notNull())
        .addColumn('creation_timestamp', 'bigint', (c) => c.notNull())
        .addColumn('last_updated_timestamp', 'bigint', (c) => c.notNull())
        .execute()
      await keyValueTable(db, ddl, 'logged_model_tags', 'model_id', 'text')
      await keyValueTable(db, ddl, 'logged_model_params', 'model_id', 'text')
      await db.schema
        .createTable('logged_model_metrics')
        .ifNotExists()
        .addColumn('model_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value', 'double precision', (c) => c.notNull())
        .addColumn('is_nan', 'integer', (c) => c.notNull())
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addColumn('step', 'bigint', (c) => c.notNull())
        .addColumn('run_id', 'text')
        .addColumn('dataset_name', 'text')
        .addColumn('dataset_digest', 'text')
        .execute()
    },
  },
  loggedModelIndexes,
]

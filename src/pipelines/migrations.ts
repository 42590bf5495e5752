import type { Kysely } from 'kysely'
import type { NamedMigration } from '../store/index.js'

/** Pipelines registered by file. */
async function createPipelines(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pipelines')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('plan', 'text', (c) => c.notNull())
    .addColumn('registered_at', 'bigint', (c) => c.notNull())
    .addColumn('registered_by', 'text', (c) => c.notNull())
    .execute()
}

/** Pipeline runs, newest first per pipeline. */
async function createRuns(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pipeline_runs')
    .ifNotExists()
    .addColumn('run_id', 'text', (c) => c.primaryKey())
    .addColumn('pipeline', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('executor', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('plan', 'text', (c) => c.notNull())
    .addColumn('is_no_cache', 'integer', (c) => c.notNull())
    .addColumn('started_by', 'text', (c) => c.notNull())
    .addColumn('repro', 'text', (c) => c.notNull())
    .addColumn('tracking_run_id', 'text', (c) => c.notNull())
    .addColumn('rerun_of', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('pipeline_runs_pipeline_created')
    .ifNotExists()
    .on('pipeline_runs')
    .columns(['pipeline', 'created_at'])
    .execute()
}

/** Step runs, and the index the reaper looks for lapsed leases in. */
async function createStepRuns(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('step_runs')
    .ifNotExists()
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('lease_until', 'bigint')
    .addColumn('worker', 'text')
    .addColumn('cache_key', 'text')
    .addColumn('cached_from', 'text')
    .addColumn('outputs', 'text')
    .addColumn('output_digest', 'text')
    .addColumn('repro_digest', 'text')
    .addColumn('lineage', 'text')
    .addColumn('error', 'text')
    .addColumn('log_tail', 'text')
    .addColumn('tracking_run_id', 'text')
    .addColumn('queued_at', 'bigint')
    .addColumn('started_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    .addPrimaryKeyConstraint('step_runs_pk', ['run_id', 'step'])
    .execute()
  // The reaper looks for running steps whose lease ran out.
  await db.schema
    .createIndex('step_runs_status_lease')
    .ifNotExists()
    .on('step_runs')
    .columns(['status', 'lease_until'])
    .execute()
}

/** The content-addressed step cache. */
async function createStepCache(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('step_cache')
    .ifNotExists()
    .addColumn('cache_key', 'text', (c) => c.primaryKey())
    .addColumn('pipeline', 'text', (c) => c.notNull())
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('outputs', 'text', (c) => c.notNull())
    .addColumn('output_digest', 'text', (c) => c.notNull())
    .addColumn('repro_digest', 'text', (c) => c.notNull())
    .addColumn('lineage', 'text')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('tracking_run_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
}

export const pipelineMigrations: readonly NamedMigration[] = [
  {
    name: 'pipelines-0001-runs',
    async up(db) {
      await createPipelines(db)
      await createRuns(db)
      await createStepRuns(db)
      await createStepCache(db)
    },
  },
  {
    name: 'pipelines-0002-schedules-triggers',
    async up(db) {
      await db.schema
        .createTable('pipeline_schedules')
        .ifNotExists()
        .addColumn('schedule_id', 'text', (c) => c.primaryKey())
        .addColumn('pipeline', 'text', (c) => c.notNull())
        .addColumn('cron', 'text', (c) => c.notNull())
        .addColumn('timezone', 'text', (c) => c.notNull())
        .addColumn('params', 'text', (c) => c.notNull())
        .addColumn('executor', 'text', (c) => c.notNull())
        .addColumn('next_at', 'bigint', (c) => c.notNull())
        .addColumn('last_run_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createTable('pipeline_triggers')
        .ifNotExists()
        .addColumn('trigger_id', 'text', (c) => c.primaryKey())
        .addColumn('pipeline', 'text', (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('match', 'text', (c) => c.notNull())
        .addColumn('debounce_ms', 'bigint', (c) => c.notNull())
        .addColumn('params', 'text', (c) => c.notNull())
        .addColumn('executor', 'text', (c) => c.notNull())
        .addColumn('fire_at', 'bigint')
        .addColumn('last_event', 'text')
        .addColumn('last_run_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .execute()
    },
  },
  {
    // Counters instead of scans: each completion touches its own row, its run and its dependents.
    name: 'pipelines-0003-step-counters',
    async up(db) {
      await db.schema
        .alterTable('pipeline_runs')
        .addColumn('open_steps', 'integer', (c) => c.notNull().defaultTo(0))
        .execute()
      await db.schema
        .alterTable('step_runs')
        .addColumn('waiting_on', 'integer', (c) => c.notNull().defaultTo(0))
        .execute()
    },
  },
]

import type { Kysely } from 'kysely'
import type { Ddl, NamedMigration } from '../store/index.js'

async function monitors(db: Kysely<unknown>, ddl: Ddl) {
  await db.schema
    .createTable('monitors')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('deployment', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('spec', 'text', (c) => c.notNull())
    .addColumn('window_ms', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('monitor_results')
    .ifNotExists()
    .addColumn('id', ddl.autoIncrement, (c) => c.primaryKey().notNull())
    .addColumn('monitor_id', 'text', (c) => c.notNull())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('window_end', 'bigint', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('computed_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('monitor_results_series')
    .ifNotExists()
    .on('monitor_results')
    .columns(['monitor_id', 'metric', 'window_end'])
    .execute()
  await db.schema
    .createTable('feedback')
    .ifNotExists()
    .addColumn('request_id', 'text', (c) => c.primaryKey())
    .addColumn('deployment', 'text', (c) => c.notNull())
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute()
}

async function alerts(db: Kysely<unknown>, ddl: Ddl) {
  await db.schema
    .createTable('alert_rules')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('monitor_id', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('op', 'text', (c) => c.notNull())
    .addColumn('threshold', 'double precision', (c) => c.notNull())
    .addColumn('for_windows', 'integer', (c) => c.notNull())
    .addColumn('webhooks', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('alerts')
    .ifNotExists()
    .addColumn('rule_id', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('breaches', 'integer', (c) => c.notNull())
    .addColumn('fired_at', 'bigint')
    .addColumn('resolved_at', 'bigint')
    .addColumn('last_value', 'double precision')
    .addColumn('last_window_end', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('webhook_deliveries')
    .ifNotExists()
    .addColumn('id', ddl.autoIncrement, (c) => c.primaryKey().notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
}

async function alertActions(db: Kysely<unknown>) {
  await db.schema
    .alterTable('alert_rules')
    .addColumn('actions', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute()
  await db.schema
    .createTable('alert_actions')
    .ifNotExists()
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('fired_at', 'bigint', (c) => c.notNull())
    .addColumn('action_index', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_actions_pk', ['rule_id', 'fired_at', 'action_index'])
    .execute()
}

/** The monitoring context's migrations, in order. */
export const monitoringMigrations: readonly NamedMigration[] = [
  { name: 'monitoring-0001-monitors-results-feedback', up: monitors },
  { name: 'monitoring-0002-alerts-webhooks', up: alerts },
  { name: 'monitoring-0003-alert-actions', up: alertActions },
]

import type { NamedMigration } from '../store/index.js'

/**
 * Indexes for logged models: search lists an experiment's models newest first, and a metric point
 * is unique so that a client retrying a log-metric call does not link the point twice (absent run
 * and dataset links are stored as '' for this reason, see logged-model-reader.ts).
 */
export const loggedModelIndexes: NamedMigration = {
  name: 'tracking-0003-logged-model-indexes',
  async up(db) {
    await db.schema
      .createIndex('logged_models_experiment_created')
      .ifNotExists()
      .on('logged_models')
      .columns(['experiment_id', 'creation_timestamp'])
      .execute()
    await db.schema
      .createIndex('logged_model_metrics_point')
      .ifNotExists()
      .unique()
      .on('logged_model_metrics')
      .columns([
        'model_id',
        'key',
        'step',
        'timestamp',
        'value',
        'is_nan',
        'run_id',
        'dataset_name',
        'dataset_digest',
      ])
      .execute()
  },
}

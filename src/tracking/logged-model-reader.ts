import type { Kysely, Selectable } from 'kysely'
import type { LoggedModel, LoggedModelMetric, LoggedModelStatus } from './logged-model.js'
import type { KeyValue, LifecycleStage } from './model.js'
import { metricValue } from './run-reader.js'
import type { TrackingTables } from './schema.js'

export type LoggedModelRow = Selectable<TrackingTables['logged_models']>

/**
 * Absent run and dataset links are stored as '' rather than NULL, so that the unique index over a
 * metric point (tracking-0003) sees a retried point as the same row: NULLs never compare equal.
 */
export const NO_LINK = ''

function linkOf(value: string | null): string | undefined {
  return value === null || value === NO_LINK ? undefined : value
}

function groupByModel<T extends { model_id: string }>(rows: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const row of rows) {
    const list = groups.get(row.model_id)
    if (list) list.push(row)
    else groups.set(row.model_id, [row])
  }
  return groups
}

/** Loads whole logged models (tags, params, every linked metric point) for rows already selected. */
export async function loadLoggedModels(
  db: Kysely<TrackingTables>,
  rows: LoggedModelRow[],
): Promise<LoggedModel[]> {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.model_id)
  const [tags, params, metrics] = await Promise.all([
    db
      .selectFrom('logged_model_tags')
      .selectAll()
      .where('model_id', 'in', ids)
      .orderBy('key')
      .execute(),
    db
      .selectFrom('logged_model_params')
      .selectAll()
      .where('model_id', 'in', ids)
      .orderBy('key')
      .execute(),
    db
      .selectFrom('logged_model_metrics')
      .selectAll()
      .where('model_id', 'in', ids)
      .orderBy('key')
      .orderBy('step')
      .orderBy('timestamp')
      .execute(),
  ])
  const byModel = {
    tags: groupByModel(tags),
    params: groupByModel(params),
    metrics: groupByModel(metrics),
  }
  const keyValue = (r: { key: string; value: string }): KeyValue => ({ key: r.key, value: r.value })
  return rows.map((row) => ({
    info: {
      modelId: row.model_id,
      experimentId: String(row.experiment_id),
      name: row.name,
      artifactUri: row.artifact_location,
      status: row.status as LoggedModelStatus,
      statusMessage: row.status_message ?? undefined,
      modelType: row.model_type ?? undefined,
      sourceRunId: row.source_run_id ?? undefined,
      lifecycleStage: row.lifecycle_stage as LifecycleStage,
      creationTimestamp: row.creation_timestamp,
      lastUpdatedTimestamp: row.last_updated_timestamp,
      tags: (byModel.tags.get(row.model_id) ?? []).map(keyValue),
    },
    data: {
      params: (byModel.params.get(row.model_id) ?? []).map(keyValue),
      metrics: (byModel.metrics.get(row.model_id) ?? []).map((m): LoggedModelMetric => ({
        key: m.key,
        value: metricValue(m),
        timestamp: m.timestamp,
        step: m.step,
        runId: linkOf(m.run_id),
        datasetName: linkOf(m.dataset_name),
        datasetDigest: linkOf(m.dataset_digest),
      })),
    },
  }))
}

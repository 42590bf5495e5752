import type { Kysely } from 'kysely'
import type {
  DatasetInput,
  KeyValue,
  LifecycleStage,
  Metric,
  Run,
  RunInfo,
  RunStatus,
} from './model.js'
import type { TrackingTables } from './schema.js'

type RunRow = TrackingTables['runs']

/** A stored metric value back to a number: NaN is stored as 0 with a flag (SQLite has no NaN). */
export function metricValue(row: { value: number; is_nan: number }): number {
  return row.is_nan ? Number.NaN : row.value
}

export function toRunInfo(row: RunRow): RunInfo {
  return {
    runId: row.run_id,
    runName: row.run_name,
    experimentId: String(row.experiment_id),
    userId: row.user_id,
    status: row.status as RunStatus,
    startTime: row.start_time,
    endTime: row.end_time ?? undefined,
    artifactUri: row.artifact_uri,
    lifecycleStage: row.lifecycle_stage as LifecycleStage,
  }
}

function groupBy<T extends { run_id: string }>(rows: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const row of rows) {
    const list = groups.get(row.run_id)
    if (list) list.push(row)
    else groups.set(row.run_id, [row])
  }
  return groups
}

/** Loads whole runs (latest metrics, params, tags, inputs, outputs) for rows already selected. */
export async function loadRuns(db: Kysely<TrackingTables>, rows: RunRow[]): Promise<Run[]> {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.run_id)
  const [metrics, params, tags, datasets, modelInputs, modelOutputs] = await Promise.all([
    db.selectFrom('latest_metrics').selectAll().where('run_id', 'in', ids).orderBy('key').execute(),
    db.selectFrom('run_params').selectAll().where('run_id', 'in', ids).orderBy('key').execute(),
    db.selectFrom('run_tags').selectAll().where('run_id', 'in', ids).orderBy('key').execute(),
    db
      .selectFrom('run_dataset_inputs as i')
      .innerJoin('datasets as d', 'd.dataset_id', 'i.dataset_id')
      .select([
        'i.run_id',
        'i.tags',
        'd.name',
        'd.digest',
        'd.source_type',
        'd.source',
        'd.schema',
        'd.profile',
      ])
      .where('i.run_id', 'in', ids)
      .execute(),
    db.selectFrom('run_model_inputs').selectAll().where('run_id', 'in', ids).execute(),
    db.selectFrom('run_model_outputs').selectAll().where('run_id', 'in', ids).execute(),
  ])
  const byRun = {
    metrics: groupBy(metrics),
    params: groupBy(params),
    tags: groupBy(tags),
    datasets: groupBy(datasets),
    modelInputs: groupBy(modelInputs),
    modelOutputs: groupBy(modelOutputs),
  }
  return rows.map((row) => {
    const id = row.run_id
    return {
      info: toRunInfo(row),
      data: {
        metrics: (byRun.metrics.get(id) ?? []).map((m): Metric => ({
          key: m.key,
          value: metricValue(m),
          timestamp: m.timestamp,
          step: m.step,
        })),
        params: (byRun.params.get(id) ?? []).map((p): KeyValue => ({ key: p.key, value: p.value })),
        tags: (byRun.tags.get(id) ?? []).map((t): KeyValue => ({ key: t.key, value: t.value })),
      },
      inputs: {
        datasetInputs: (byRun.datasets.get(id) ?? []).map((d): DatasetInput => ({
          tags: JSON.parse(d.tags) as KeyValue[],
          dataset: {
            name: d.name,
            digest: d.digest,
            sourceType: d.source_type,
            source: d.source,
            schema: d.schema ?? undefined,
            profile: d.profile ?? undefined,
          },
        })),
        modelInputs: (byRun.modelInputs.get(id) ?? []).map((m) => ({ modelId: m.model_id })),
      },
      outputs: {
        modelOutputs: (byRun.modelOutputs.get(id) ?? []).map((m) => ({
          modelId: m.model_id,
          step: m.step,
        })),
      },
    }
  })
}

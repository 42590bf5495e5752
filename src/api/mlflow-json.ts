import type {
  Experiment,
  LoggedModel,
  Metric,
  Run,
  RunArtifact,
  RunInfo,
} from '../tracking/index.js'

/** JSON has no NaN or Infinity: protobuf JSON writes them as strings, and MLflow clients read those. */
export function jsonDouble(value: number): number | string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return 'Infinity'
  if (value === -Infinity) return '-Infinity'
  return value
}

/** Drops undefined fields and empty arrays, as protobuf JSON omits unset fields. */
function compact<T extends Record<string, unknown>>(obj: T): Partial<T> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue
    out[key] = value
  }
  return out as Partial<T>
}

export function experimentJson(e: Experiment) {
  return compact({
    experiment_id: e.experimentId,
    name: e.name,
    artifact_location: e.artifactLocation,
    lifecycle_stage: e.lifecycleStage,
    last_update_time: e.lastUpdateTime,
    creation_time: e.creationTime,
    tags: e.tags.map((t) => ({ key: t.key, value: t.value })),
  })
}

export function metricJson(m: Metric) {
  return { key: m.key, value: jsonDouble(m.value), timestamp: m.timestamp, step: m.step }
}

export function runInfoJson(info: RunInfo) {
  return compact({
    run_id: info.runId,
    run_uuid: info.runId,
    run_name: info.runName,
    experiment_id: info.experimentId,
    user_id: info.userId,
    status: info.status,
    start_time: info.startTime,
    end_time: info.endTime,
    artifact_uri: info.artifactUri,
    lifecycle_stage: info.lifecycleStage,
  })
}

export function runJson(run: Run) {
  return compact({
    info: runInfoJson(run.info),
    data: compact({
      metrics: run.data.metrics.map(metricJson),
      params: run.data.params,
      tags: run.data.tags,
    }),
    inputs: compact({
      dataset_inputs: run.inputs.datasetInputs.map((d) =>
        compact({
          tags: d.tags,
          dataset: compact({
            name: d.dataset.name,
            digest: d.dataset.digest,
            source_type: d.dataset.sourceType,
            source: d.dataset.source,
            schema: d.dataset.schema,
            profile: d.dataset.profile,
          }),
        }),
      ),
      model_inputs: run.inputs.modelInputs.map((m) => ({ model_id: m.modelId })),
    }),
    outputs: compact({
      model_outputs: run.outputs.modelOutputs.map((m) => ({ model_id: m.modelId, step: m.step })),
    }),
  })
}

export function fileInfoJson(file: RunArtifact) {
  return compact({ path: file.path, is_dir: file.isDir, file_size: file.sizeBytes })
}

/** `{ next_page_token }` only when there is a next page. */
export function pageToken(token: string | undefined) {
  return token === undefined ? {} : { next_page_token: token }
}

/** A LoggedModel as MLflow 3 clients read it: `{ info, data }`, timestamps in `*_ms` fields. */
export function loggedModelJson({ info, data }: LoggedModel) {
  return {
    info: compact({
      model_id: info.modelId,
      experiment_id: info.experimentId,
      name: info.name,
      creation_timestamp_ms: info.creationTimestamp,
      last_updated_timestamp_ms: info.lastUpdatedTimestamp,
      artifact_uri: info.artifactUri,
      status: info.status,
      model_type: info.modelType,
      source_run_id: info.sourceRunId,
      status_message: info.statusMessage,
      tags: info.tags,
    }),
    data: compact({
      params: data.params,
      metrics: data.metrics.map((m) =>
        compact({
          ...metricJson(m),
          run_id: m.runId,
          dataset_name: m.datasetName,
          dataset_digest: m.datasetDigest,
          model_id: info.modelId,
        }),
      ),
    }),
  }
}

import type {
  DatasetInput,
  Experiment,
  KeyValue,
  LifecycleStage,
  Metric,
  Run,
  RunArtifact,
  RunInfo,
  RunStatus,
} from '../tracking/index.js'

/*
 * The MLflow wire format (snake_case protobuf JSON, unset fields and empty lists omitted) to and
 * from the camelCase domain types. Reads default what the server left out, as protobuf does.
 */

export type Json = Record<string, unknown>

const str = (v: unknown): string => (typeof v === 'string' ? v : '')
const num = (v: unknown): number =>
  typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : 0
/** A JSON array of objects, or [] when the field was omitted. */
export const jsonList = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : [])
/** A JSON object, or {} when the field was omitted. */
export const jsonObject = (v: unknown): Json => (v && typeof v === 'object' ? (v as Json) : {})

/** Protobuf JSON carries NaN and ±Infinity as strings. */
function doubleFrom(v: unknown): number {
  if (v === 'NaN') return Number.NaN
  if (v === 'Infinity') return Infinity
  if (v === '-Infinity') return -Infinity
  return num(v)
}

function doubleTo(value: number): number | string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return 'Infinity'
  if (value === -Infinity) return '-Infinity'
  return value
}

function keyValuesFrom(v: unknown): KeyValue[] {
  return jsonList(v).map((kv) => ({ key: str(kv.key), value: str(kv.value) }))
}

export function metricFrom(m: Json): Metric {
  return {
    key: str(m.key),
    value: doubleFrom(m.value),
    timestamp: num(m.timestamp),
    step: num(m.step),
  }
}

export function metricTo(m: Metric): Json {
  return { key: m.key, value: doubleTo(m.value), timestamp: m.timestamp, step: m.step }
}

export function experimentFrom(e: Json): Experiment {
  return {
    experimentId: str(e.experiment_id),
    name: str(e.name),
    artifactLocation: str(e.artifact_location),
    lifecycleStage: (str(e.lifecycle_stage) || 'active') as LifecycleStage,
    creationTime: num(e.creation_time),
    lastUpdateTime: num(e.last_update_time),
    tags: keyValuesFrom(e.tags),
  }
}

export function runInfoFrom(i: Json): RunInfo {
  return {
    runId: str(i.run_id) || str(i.run_uuid),
    runName: str(i.run_name),
    experimentId: str(i.experiment_id),
    userId: str(i.user_id),
    status: (str(i.status) || 'RUNNING') as RunStatus,
    startTime: num(i.start_time),
    endTime: i.end_time === undefined ? undefined : num(i.end_time),
    artifactUri: str(i.artifact_uri),
    lifecycleStage: (str(i.lifecycle_stage) || 'active') as LifecycleStage,
  }
}

function datasetInputFrom(d: Json): DatasetInput {
  const dataset = jsonObject(d.dataset)
  return {
    tags: keyValuesFrom(d.tags),
    dataset: {
      name: str(dataset.name),
      digest: str(dataset.digest),
      sourceType: str(dataset.source_type),
      source: str(dataset.source),
      schema: typeof dataset.schema === 'string' ? dataset.schema : undefined,
      profile: typeof dataset.profile === 'string' ? dataset.profile : undefined,
    },
  }
}

export function datasetInputTo({ tags, dataset }: DatasetInput): Json {
  return {
    tags,
    dataset: {
      name: dataset.name,
      digest: dataset.digest,
      source_type: dataset.sourceType,
      source: dataset.source,
      schema: dataset.schema,
      profile: dataset.profile,
    },
  }
}

export function runFrom(r: Json): Run {
  const data = jsonObject(r.data)
  const inputs = jsonObject(r.inputs)
  return {
    info: runInfoFrom(jsonObject(r.info)),
    data: {
      metrics: jsonList(data.metrics).map(metricFrom),
      params: keyValuesFrom(data.params),
      tags: keyValuesFrom(data.tags),
    },
    inputs: {
      datasetInputs: jsonList(inputs.dataset_inputs).map(datasetInputFrom),
      modelInputs: jsonList(inputs.model_inputs).map((m) => ({ modelId: str(m.model_id) })),
    },
    outputs: {
      modelOutputs: jsonList(jsonObject(r.outputs).model_outputs).map((m) => ({
        modelId: str(m.model_id),
        step: num(m.step),
      })),
    },
  }
}

export function fileFrom(f: Json): RunArtifact {
  return {
    path: str(f.path),
    isDir: f.is_dir === true,
    sizeBytes: f.file_size === undefined ? undefined : num(f.file_size),
  }
}

/** Domain types of the tracking context (MLflow's entities, in camelCase). */

export type LifecycleStage = 'active' | 'deleted'
export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED'
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL'

export interface KeyValue {
  readonly key: string
  readonly value: string
}

export interface Experiment {
  readonly experimentId: string
  readonly name: string
  readonly artifactLocation: string
  readonly lifecycleStage: LifecycleStage
  readonly creationTime: number
  readonly lastUpdateTime: number
  readonly tags: KeyValue[]
}

/** One metric point. `value` may be NaN or ±Infinity. */
export interface Metric {
  readonly key: string
  readonly value: number
  readonly timestamp: number
  readonly step: number
}

export interface RunInfo {
  readonly runId: string
  readonly runName: string
  readonly experimentId: string
  readonly userId: string
  readonly status: RunStatus
  readonly startTime: number
  readonly endTime: number | undefined
  readonly artifactUri: string
  readonly lifecycleStage: LifecycleStage
}

export interface DatasetInput {
  readonly tags: KeyValue[]
  readonly dataset: Dataset
}

export interface Dataset {
  readonly name: string
  readonly digest: string
  readonly sourceType: string
  readonly source: string
  readonly schema?: string | undefined
  readonly profile?: string | undefined
}

export interface Run {
  readonly info: RunInfo
  readonly data: { metrics: Metric[]; params: KeyValue[]; tags: KeyValue[] }
  readonly inputs: { datasetInputs: DatasetInput[]; modelInputs: { modelId: string }[] }
  readonly outputs: { modelOutputs: { modelId: string; step: number }[] }
}

/** A page of results and the token for the next one, if any. */
export interface Page<T> {
  readonly items: T[]
  readonly nextPageToken: string | undefined
}

export const TERMINAL_STATUSES: readonly RunStatus[] = ['FINISHED', 'FAILED', 'KILLED']

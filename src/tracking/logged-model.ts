import { randomBytes } from 'node:crypto'
import type { KeyValue, LifecycleStage } from './model.js'

/**
 * MLflow 3's LoggedModel: a model logged to an experiment, with its own artifact root, params,
 * tags and the metrics it was evaluated with. A run links to it through its outputs.
 */

/** PENDING while the client uploads its files; READY or UPLOAD_FAILED once it finalizes. */
export type LoggedModelStatus =
  'LOGGED_MODEL_PENDING' | 'LOGGED_MODEL_READY' | 'LOGGED_MODEL_UPLOAD_FAILED'

/** The statuses a client may finalize a model with. */
export const FINAL_LOGGED_MODEL_STATUSES = [
  'LOGGED_MODEL_READY',
  'LOGGED_MODEL_UPLOAD_FAILED',
] as const

/** One metric point linked to a logged model, with the run and dataset it came from. */
export interface LoggedModelMetric {
  readonly key: string
  /** May be NaN or ±Infinity. */
  readonly value: number
  readonly timestamp: number
  readonly step: number
  readonly runId?: string | undefined
  readonly datasetName?: string | undefined
  readonly datasetDigest?: string | undefined
}

export interface LoggedModelInfo {
  /** `m-` followed by 32 hex characters, the format MLflow clients expect. */
  readonly modelId: string
  readonly experimentId: string
  readonly name: string
  /** `<experiment artifact location>/models/<model id>/artifacts`. */
  readonly artifactUri: string
  readonly status: LoggedModelStatus
  readonly statusMessage?: string | undefined
  readonly modelType?: string | undefined
  readonly sourceRunId?: string | undefined
  readonly lifecycleStage: LifecycleStage
  readonly creationTimestamp: number
  readonly lastUpdatedTimestamp: number
  readonly tags: KeyValue[]
}

export interface LoggedModel {
  readonly info: LoggedModelInfo
  readonly data: { params: KeyValue[]; metrics: LoggedModelMetric[] }
}

/** What a client gives to create a logged model. */
export interface CreateLoggedModel {
  readonly experimentId: string
  readonly name?: string | undefined
  readonly modelType?: string | undefined
  readonly sourceRunId?: string | undefined
  readonly params?: readonly KeyValue[] | undefined
  readonly tags?: readonly KeyValue[] | undefined
}

/** A new logged model id: MLflow's `m-<uuid4 hex>` shape. */
export function newLoggedModelId(): string {
  return `m-${randomBytes(16).toString('hex')}`
}

/** The artifact root of a model under its experiment's artifact location. */
export function loggedModelArtifactUri(experimentLocation: string, modelId: string): string {
  return `${experimentLocation.replace(/\/+$/, '')}/models/${modelId}/artifacts`
}

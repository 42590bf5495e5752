export { LatheClient, type LatheClientOptions } from './lathe-client.js'
export type { CreateRun, SearchExperiments, SearchRuns } from './inputs.js'
export { LatheApiError } from './lathe-api-error.js'
export type { RetryOptions } from './http-transport.js'
export type { Batch } from './batch.js'
export type {
  DatasetInput,
  Experiment,
  KeyValue,
  Metric,
  Page,
  Run,
  RunArtifact,
  RunInfo,
  RunStatus,
  ViewType,
} from '../tracking/index.js'

export {
  LatheClient,
  type LatheClientOptions,
  type CreateRun,
  type SearchExperiments,
  type SearchRuns,
} from './lathe-client.js'
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

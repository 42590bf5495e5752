export { Serving, type ServingOptions } from './serving.js'
export { servingMigrations } from './migrations.js'
export { servingLineageRules } from './serving-lineage-rules.js'
export {
  registryVersions,
  dataDatasets,
  type ServingDeps,
  type ModelVersions,
  type Datasets,
  type DatasetFile,
} from './deps.js'
export type * from './deployment.js'
export { DEFAULT_CONFIG, STRATEGIES } from './deployment.js'
export type { ConfigPatch } from './deployment-config.js'
export type { CreateDeployment, UpdateDeployment, StartReleaseInput } from './deployment-input.js'
export type { AnalysisResult } from './release-controller.js'
export { CONTROLLER_ACTOR } from './release-controller.js'
export { SERVING_ACTOR } from './alias-follower.js'
export type { InferRequest, InferResult } from './serving-runtime.js'
export type { LiveDeployment } from './live-deployment.js'
export { ModelError } from './loaded-model.js'
export type { RawTable } from './raw-table.js'
export { parseMlflowJson, parsePythonJson } from './mlflow-request.js'
export { csvTable } from './csv-table.js'
export { parseV2Request, type V2Request } from './v2-request.js'
export {
  mlflowPredictions,
  v2Outputs,
  v2Datatype,
  type ModelOutputs,
  type V2Tensor,
} from './prediction-output.js'
export type { ShadowSummaryJson } from './shadow-summary.js'
export type { LogQuery, LoggedRequest } from './inference-log-sinks.js'
export { parquetLogPrefix } from './inference-log-sinks.js'
export type { ScoreFile, BatchPrediction } from './batch-scoring.js'

export { Registry } from './registry.js'
export {
  trackingReader,
  dataEvaluationDatasets,
  type EvaluationDatasets,
  type RegistryDeps,
  type TrackingReader,
  type LoggedModelRef,
} from './deps.js'
export type * from './model.js'
export type * from './gate.js'
export { DEFAULT_POLICY, gateName } from './gate.js'
export type * from './approval.js'
export type { Evaluator, Predictions, PredictRequest, CheckOutcome } from './evaluator.js'
export { OnnxEvaluator } from './onnx-evaluator.js'
export type { SetPolicy } from './gate-service.js'
export type { CreateModelVersion } from './model-version-service.js'
export { registryMigrations } from './migrations.js'
export { MAX_REGISTERED_MODEL_RESULTS } from './registered-model-search.js'
export { MAX_MODEL_VERSION_RESULTS } from './model-version-search.js'
export { demographicParityDifference, equalOpportunityDifference } from './fairness.js'
export { expectedCalibrationError } from './calibration.js'
export { predictionMetrics } from './prediction-metrics.js'

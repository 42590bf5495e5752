/**
 * Models: built-in trainers that export ONNX, the ONNX runtime loader, and model signatures.
 *
 * ONNX convention of the built-in models (all trainers, `toOnnx()`):
 * - Inputs: one tensor per feature column, named after it, shape `[N, 1]` (`N` symbolic):
 *   `double` for a numeric column (NaN = missing), `string` for a categorical one. So a JSON
 *   record `{ "x1": 1.5, "city": "Oslo" }` maps onto the inputs by name with no reshaping
 *   (`runModel(model, records)`). Double rather than float so that the graph computes exactly
 *   what the JS `predict` does (parity to ~1e-12 for linear models).
 * - Preprocessing is in the graph: numeric columns are concatenated (then, for linear models,
 *   mean-imputed and standardised with Where/IsNaN/Sub/Div); each string column is one-hot
 *   encoded (ai.onnx.ml OneHotEncoder over the training categories, zeros=1 so an unseen
 *   category is all zeros, Reshape, Cast to double) and appended. Feature order: numeric
 *   columns, then one-hot blocks.
 * - Outputs of a classifier: `label` ([N]; string, or int64 for integer class labels) and
 *   `probabilities` ([N, C] in `classes` order; double for logistic regression, float for
 *   boosting). No ZipMap: onnxruntime-node cannot return non-tensor outputs. Of a regressor:
 *   `variable` ([N, 1]; double for linear regression, float for boosting).
 * - Opsets: ai.onnx 17 + ai.onnx.ml 3, IR 8 (read by onnxruntime-node 1.30 and onnx 1.12). Trees
 *   are TreeEnsembleClassifier / TreeEnsembleRegressor with double thresholds and weights
 *   (`*_as_tensor`); they sum in double and return float32, hence ~1e-7 relative parity.
 */
export type { Column, FieldKind, Frame } from './frame.js'
export { frameFromRecords, frameLength } from './frame.js'
export type {
  ColumnSpec,
  ColumnType,
  MlflowSignature,
  ModelSignature,
  Schema,
  TensorDtype,
  TensorSpec,
} from './signature.js'
export { fromMlflowSignature, toMlflowSignature } from './signature.js'
export type {
  Classifier,
  IterationCallback,
  Label,
  ModelParams,
  Regressor,
  TrainedModel,
  TrainOptions,
} from './trained-model.js'
export type { LogisticRegressionOptions } from './logistic-regression.js'
export { trainLogisticRegression } from './logistic-regression.js'
export type { LinearRegressionOptions } from './linear-regression.js'
export { trainLinearRegression } from './linear-regression.js'
export type { GradientBoostingOptions } from './boost.js'
export {
  trainGradientBoostingClassifier,
  trainGradientBoostingRegressor,
} from './gradient-boosting.js'
export type { OnnxModel, ValueInfo } from './onnx-model.js'
export { loadOnnxModel } from './onnx-model.js'
export type { InputColumn, ModelInput, OutputTensor } from './run-model.js'
export { runModel } from './run-model.js'
export type { SignatureMismatch } from './check-signature.js'
export { checkSignature, signatureFromOnnx, verifySignature } from './check-signature.js'
export type { ModelManifest, ModelPackage, NewModelPackage, PackageFiles } from './model-package.js'
export { readModelPackage, writeModelPackage } from './model-package.js'
export type { FrameFile } from './read-frame.js'
export { readFrame } from './read-frame.js'
export type { ExternalModel } from './package-onnx.js'
export { checkExternalModel } from './package-onnx.js'

/**
 * Pure statistics for Lathe: column profiles (mergeable, JSON-serialisable), Evidently's drift
 * tests matched to scipy, and classification/regression/calibration metrics matched to
 * scikit-learn. No I/O, clock or globals; other contexts import only this file.
 */
export type {
  CategoricalProfileJson,
  CategoricalProfileOptions,
  Category,
  CategoryCount,
} from './categorical-profile.js'
export { CategoricalProfile } from './categorical-profile.js'
export type {
  NumericProfileBuilder,
  NumericProfileJson,
  NumericProfileOptions,
} from './numeric-profile.js'
export { NumericProfile } from './numeric-profile.js'
export { NumericSample } from './numeric-sample.js'
export type { KllSketchJson } from './kll-sketch.js'
export { KllSketch } from './kll-sketch.js'
export type { Histogram } from './histogram.js'
export { sturgesEdges } from './histogram.js'
export type { EmpiricalCdf } from './empirical-cdf.js'

export type {
  ColumnKind,
  ColumnSource,
  DriftScore,
  DriftTest,
  DriftTestName,
  NumericColumn,
} from './drift-test.js'
export { driftTests } from './drift-tests.js'
export { chooseDefaultTest } from './choose-default-test.js'
export type { ColumnDriftOptions, ColumnDriftResult } from './column-drift.js'
export { columnDrift, isDrift } from './column-drift.js'
export type { DatasetDriftOptions, DatasetDriftResult } from './dataset-drift.js'
export { datasetDrift } from './dataset-drift.js'
export { psi } from './psi.js'
export { jensenShannon, jensenShannonDistance } from './jensen-shannon.js'
export { wasserstein, wassersteinDistance } from './wasserstein.js'
export { ks, ksTwoSample } from './ks.js'
export { chiSquare } from './chi-square.js'
export { zTest } from './z-test.js'

export { chiSquareSf, normalCdf } from './distributions.js'
export { kstwoSf } from './kstwo.js'
export { logGamma } from './log-gamma.js'

export type { ConfusionMatrix, Label } from './confusion-matrix.js'
export { confusionMatrix } from './confusion-matrix.js'
export type {
  Average,
  PrecisionRecallF1,
  PrecisionRecallF1Options,
} from './classification-metrics.js'
export { accuracy, precisionRecallF1 } from './classification-metrics.js'
export { rocAuc, rocAucOneVsRest } from './roc-auc.js'
export { brierScore, logLoss } from './probability-metrics.js'
export { expectedCalibrationError } from './expected-calibration-error.js'
export { mae, r2, rmse } from './regression-metrics.js'

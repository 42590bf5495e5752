import { InvalidParameterError } from '../shared/errors.js'
import type { Frame } from './frame.js'
import { frameLength } from './frame.js'
import type { LinearCoefficients } from './linear-model.js'
import { linearModelToOnnx, linearScores } from './linear-model.js'
import { regressionMetrics } from './metrics.js'
import { inputSchema, transformFrame } from './preprocessor.js'
import type { Regressor, TrainOptions } from './trained-model.js'
import { regressionTarget } from './trained-model.js'
import type { TrainingData } from './training-data.js'
import { pick, prepareTrainingData } from './training-data.js'

/** Options of `trainLinearRegression`. */
export interface LinearRegressionOptions extends TrainOptions {
  /**
   * Ridge penalty λ: the objective is mean squared error / 2 + (λ/2)·‖w‖², intercept
   * unpenalised. Default 0 (ordinary least squares). A floor of 1e-10 keeps collinear features
   * (a one-hot block next to the intercept) solvable.
   */
  readonly l2?: number
}

/** Solves A·x = b for a symmetric positive definite A (row-major n×n) by Cholesky. */
function solveCholesky(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j] ?? 0
      for (let k = 0; k < j; k++) sum -= (l[i * n + k] ?? 0) * (l[j * n + k] ?? 0)
      if (i === j) {
        if (!(sum > 0)) throw new InvalidParameterError('The features are degenerate; set l2 > 0')
        l[i * n + i] = Math.sqrt(sum)
      } else {
        l[i * n + j] = sum / (l[j * n + j] ?? 1)
      }
    }
  }
  const z = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let sum = b[i] ?? 0
    for (let k = 0; k < i; k++) sum -= (l[i * n + k] ?? 0) * (z[k] ?? 0)
    z[i] = sum / (l[i * n + i] ?? 1)
  }
  const x = new Float64Array(n)
  for (let i = n - 1; i >= 0; i--) {
    let sum = z[i] ?? 0
    for (let k = i + 1; k < n; k++) sum -= (l[k * n + i] ?? 0) * (x[k] ?? 0)
    x[i] = sum / (l[i * n + i] ?? 1)
  }
  return x
}

/** Ridge solution on centred data: (Xcᵀ·Xc / n + λI)·w = Xcᵀ·yc / n, then the intercept. */
function fitRidge(
  columns: readonly Float64Array[],
  y: Float64Array,
  l2: number,
): LinearCoefficients {
  const n = y.length
  const width = columns.length
  const mean = (values: Float64Array) => values.reduce((sum, v) => sum + v, 0) / n
  const means = columns.map(mean)
  const yMean = mean(y)
  const centred = columns.map((column, f) => column.map((x) => x - (means[f] ?? 0)))
  const gram = new Float64Array(width * width)
  const moment = new Float64Array(width)
  for (let i = 0; i < width; i++) {
    const ci = centred[i] as Float64Array
    for (let j = 0; j <= i; j++) {
      const cj = centred[j] as Float64Array
      let sum = 0
      for (let row = 0; row < n; row++) sum += (ci[row] ?? 0) * (cj[row] ?? 0)
      gram[i * width + j] = gram[j * width + i] = sum / n
    }
    gram[i * width + i] = (gram[i * width + i] ?? 0) + Math.max(l2, 1e-10)
    let sum = 0
    for (let row = 0; row < n; row++) sum += (ci[row] ?? 0) * ((y[row] ?? 0) - yMean)
    moment[i] = sum / n
  }
  const weights = solveCholesky(gram, moment, width)
  const intercept = yMean - weights.reduce((sum, w, f) => sum + w * (means[f] ?? 0), 0)
  return { weights, bias: Float64Array.of(intercept), outputs: 1 }
}

/** RMSE and R² on the train rows, and on the validation rows if any were held out. */
function evaluate(data: TrainingData, y: Float64Array, coef: LinearCoefficients) {
  const yTrain = pick(y, data.split.train)
  const metrics = regressionMetrics('train', linearScores(data.train, coef, yTrain.length), yTrain)
  const yValidation = pick(y, data.split.validation)
  if (yValidation.length === 0) return metrics
  const validation = linearScores(data.validation, coef, yValidation.length)
  return { ...metrics, ...regressionMetrics('validation', validation, yValidation) }
}

/**
 * Fits a linear (ridge) regression in closed form on standardised, one-hot-encoded features.
 * Reports one iteration to `onIteration`. Deterministic for a seed.
 * @throws InvalidParameterError for a missing column, a non-numeric target or a bad option
 */
export function trainLinearRegression(frame: Frame, options: LinearRegressionOptions): Regressor {
  const y = regressionTarget(frame, options.target)
  const data = prepareTrainingData(frame, options, { standardise: true })
  const l2 = options.l2 ?? 0
  const coef = fitRidge(data.train, pick(y, data.split.train), l2)
  const metrics = evaluate(data, y, coef)
  options.onIteration?.(1, metrics)
  return {
    kind: 'linear_regression',
    task: 'regression',
    params: {
      target: options.target,
      l2,
      seed: options.seed ?? 0,
      validation_fraction: options.validationFraction ?? 0,
      n_features: data.pre.featureNames.length,
    },
    metrics,
    signature: { inputs: inputSchema(data.pre), outputs: [{ name: 'variable', type: 'double' }] },
    predict: (input) => linearScores(transformFrame(data.pre, input), coef, frameLength(input)),
    toOnnx: () => linearModelToOnnx(data.pre, coef, { task: 'regression' }),
  }
}

import type { Frame } from './frame.js'
import { frameLength } from './frame.js'
import type { Objective } from './lbfgs.js'
import { minimiseLbfgs } from './lbfgs.js'
import type { LinearCoefficients } from './linear-model.js'
import {
  linearModelToOnnx,
  linearScores,
  scoresToProbabilities,
  unpackCoefficients,
} from './linear-model.js'
import { classificationMetrics } from './metrics.js'
import { inputSchema, transformFrame } from './preprocessor.js'
import type { Classifier, Label, TrainOptions } from './trained-model.js'
import { argmaxLabels, encodeTarget, classifierOutputs } from './trained-model.js'
import type { TrainingData } from './training-data.js'
import { pick, prepareTrainingData } from './training-data.js'

/** Options of `trainLogisticRegression`. */
export interface LogisticRegressionOptions extends TrainOptions {
  /**
   * L2 penalty λ: the objective is mean log loss + (λ/2)·‖w‖², intercepts unpenalised.
   * scikit-learn's C corresponds to λ = 1 / (C · rows). Default 1e-4.
   */
  readonly l2?: number
  /** L-BFGS iteration limit. Default 100. */
  readonly maxIterations?: number
  /** Stop when no gradient component exceeds this. Default 1e-6. */
  readonly tolerance?: number
}

/** Residuals (p - onehot(y)) and the mean log loss of the current scores. */
function residuals(scores: Float64Array, y: Uint32Array, outputs: number) {
  const probabilities = scoresToProbabilities(scores, outputs)
  const width = outputs === 1 ? 2 : outputs
  const residual = new Float64Array(y.length * outputs)
  let loss = 0
  for (let row = 0; row < y.length; row++) {
    const truth = y[row] ?? 0
    loss -= Math.log(Math.max(probabilities[row * width + truth] ?? 0, 1e-300))
    for (let k = 0; k < outputs; k++) {
      // One output is the logit of class 1: its residual is p1 - [y = 1].
      const cls = outputs === 1 ? 1 : k
      residual[row * outputs + k] =
        (probabilities[row * width + cls] ?? 0) - (cls === truth ? 1 : 0)
    }
  }
  return { residual, loss: loss / Math.max(y.length, 1) }
}

/** Penalised log loss and its gradient over the parameter vector (weights, then intercepts). */
function logisticObjective(
  columns: readonly Float64Array[],
  y: Uint32Array,
  outputs: number,
  l2: number,
): Objective {
  const rows = y.length
  const features = columns.length
  return (theta, gradient) => {
    const coef = unpackCoefficients(theta, features, outputs)
    const { residual, loss } = residuals(linearScores(columns, coef, rows), y, outputs)
    gradient.fill(0)
    columns.forEach((column, f) => {
      for (let row = 0; row < rows; row++) {
        const x = column[row] ?? 0
        if (x === 0) continue
        for (let k = 0; k < outputs; k++) {
          gradient[f * outputs + k] =
            (gradient[f * outputs + k] ?? 0) + x * (residual[row * outputs + k] ?? 0)
        }
      }
    })
    for (let row = 0; row < rows; row++) {
      for (let k = 0; k < outputs; k++) {
        const at = features * outputs + k
        gradient[at] = (gradient[at] ?? 0) + (residual[row * outputs + k] ?? 0)
      }
    }
    let penalty = 0
    for (let i = 0; i < gradient.length; i++) {
      const w = i < features * outputs ? (theta[i] ?? 0) : 0
      penalty += w * w
      gradient[i] = (gradient[i] ?? 0) / rows + l2 * w
    }
    return loss + (l2 / 2) * penalty
  }
}

/** Train (and validation) loss and accuracy of some coefficients. */
function evaluator(data: TrainingData, y: Uint32Array, outputs: number) {
  const yTrain = pick(y, data.split.train)
  const yValidation = pick(y, data.split.validation)
  const probabilities = (
    coef: LinearCoefficients,
    columns: readonly Float64Array[],
    rows: number,
  ) => scoresToProbabilities(linearScores(columns, coef, rows), outputs)
  return (coef: LinearCoefficients): Record<string, number> => {
    const train = probabilities(coef, data.train, yTrain.length)
    const metrics = classificationMetrics('train', train, yTrain)
    if (yValidation.length === 0) return metrics
    const validation = probabilities(coef, data.validation, yValidation.length)
    return { ...metrics, ...classificationMetrics('validation', validation, yValidation) }
  }
}

/**
 * Trains a logistic regression (binary with a sigmoid, multinomial with a softmax, L2-penalised)
 * with L-BFGS on standardised, one-hot-encoded features. Deterministic for a seed.
 * @throws InvalidParameterError for a missing column, a bad target or a bad option
 */
export function trainLogisticRegression(
  frame: Frame,
  options: LogisticRegressionOptions,
): Classifier {
  const { classes, y } = encodeTarget(frame, options.target)
  const data = prepareTrainingData(frame, options, { standardise: true, strata: y })
  const l2 = options.l2 ?? 1e-4
  const maxIterations = options.maxIterations ?? 100
  const tolerance = options.tolerance ?? 1e-6
  const outputs = classes.length === 2 ? 1 : classes.length
  const width = data.pre.featureNames.length
  const evaluate = evaluator(data, y, outputs)
  const result = minimiseLbfgs(
    logisticObjective(data.train, pick(y, data.split.train), outputs, l2),
    new Float64Array((width + 1) * outputs),
    {
      maxIterations,
      tolerance,
      onIteration: (iteration, theta) =>
        options.onIteration?.(iteration, evaluate(unpackCoefficients(theta, width, outputs))),
    },
  )
  const coef = unpackCoefficients(result.x, width, outputs)
  const params = {
    target: options.target,
    l2,
    max_iterations: maxIterations,
    tolerance,
    seed: options.seed ?? 0,
    validation_fraction: options.validationFraction ?? 0,
    iterations: result.iterations,
    n_features: width,
  }
  return logisticClassifier(data, coef, classes, { params, metrics: evaluate(coef) })
}

function logisticClassifier(
  data: TrainingData,
  coef: LinearCoefficients,
  classes: readonly Label[],
  facts: Pick<Classifier, 'params' | 'metrics'>,
): Classifier {
  const predictProba = (frame: Frame) =>
    scoresToProbabilities(
      linearScores(transformFrame(data.pre, frame), coef, frameLength(frame)),
      coef.outputs,
    )
  return {
    kind: 'logistic_regression',
    task: 'classification',
    classes,
    ...facts,
    signature: {
      inputs: inputSchema(data.pre),
      outputs: classifierOutputs(classes, 'float64'),
    },
    predict: (frame) => argmaxLabels(predictProba(frame), classes),
    predictProba,
    toOnnx: () => linearModelToOnnx(data.pre, coef, { task: 'classification', classes }),
  }
}

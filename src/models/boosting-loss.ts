import { scoresToProbabilities } from './linear-model.js'
import { classificationMetrics, logLoss, regressionMetrics } from './metrics.js'

/**
 * A boosting objective. Raw scores are row-major with `trees` slots per row; `predictions` turns
 * them into what the other members read (probabilities, or the scores themselves), so that each
 * iteration transforms the scores once. Row i's target is `target[i]`.
 */
export interface BoostingLoss {
  /** Trees grown per iteration: one per class for multinomial, else one. */
  readonly trees: number
  /** Constant starting scores (the best constant model), one per slot. */
  baseline(): Float64Array
  /** Predictions from raw scores. */
  predictions(raw: Float64Array): Float64Array
  /** Writes, for each slot k, the gradient and hessian of each row. */
  gradients(
    predictions: Float64Array,
    gradients: readonly Float64Array[],
    hessians: readonly Float64Array[],
  ): void
  /** The value early stopping minimises. */
  value(predictions: Float64Array): number
  /** Metrics named `<prefix>_...` (loss and accuracy, or rmse and r2). */
  metrics(prefix: string, predictions: Float64Array): Record<string, number>
}

/** Half squared error for regression: gradient prediction - y, hessian 1. */
export function squaredErrorLoss(y: Float64Array): BoostingLoss {
  const mean = y.reduce((sum, v) => sum + v, 0) / Math.max(y.length, 1)
  return {
    trees: 1,
    baseline: () => Float64Array.of(mean),
    predictions: (raw) => raw,
    gradients(predictions, [gradient = new Float64Array(0)], [hessian = new Float64Array(0)]) {
      for (let i = 0; i < y.length; i++) gradient[i] = (predictions[i] ?? 0) - (y[i] ?? 0)
      hessian.fill(1)
    },
    value(predictions) {
      let total = 0
      for (let i = 0; i < y.length; i++) total += ((predictions[i] ?? 0) - (y[i] ?? 0)) ** 2
      return total / 2 / Math.max(y.length, 1)
    },
    metrics: (prefix, predictions) => regressionMetrics(prefix, predictions, y),
  }
}

/**
 * Log loss over class indices: binary with one logit per row (sigmoid), or multinomial with
 * one score per class (softmax), as scikit-learn's HistGradientBoostingClassifier. Predictions
 * are class probabilities, two per row for binary.
 */
export function crossEntropyLoss(y: Uint32Array, classes: number): BoostingLoss {
  const trees = classes === 2 ? 1 : classes
  const counts = new Float64Array(classes)
  for (const label of y) counts[label] = (counts[label] ?? 0) + 1
  const prior = counts.map((c) => Math.min(Math.max(c / Math.max(y.length, 1), 1e-15), 1 - 1e-15))
  return {
    trees,
    baseline: () =>
      trees === 1
        ? Float64Array.of(Math.log((prior[1] ?? 0) / (prior[0] ?? 1)))
        : prior.map(Math.log),
    predictions: (raw) => scoresToProbabilities(raw, trees),
    gradients(p, gradients, hessians) {
      gradients.forEach((gradient, k) => {
        const hessian = hessians[k] as Float64Array
        // A single slot models the logit of class 1.
        const cls = trees === 1 ? 1 : k
        for (let i = 0; i < y.length; i++) {
          const pk = p[i * classes + cls] as number
          gradient[i] = pk - (y[i] === cls ? 1 : 0)
          hessian[i] = pk * (1 - pk)
        }
      })
    },
    value: (p) => logLoss(p, y),
    metrics: (prefix, p) => classificationMetrics(prefix, p, y),
  }
}

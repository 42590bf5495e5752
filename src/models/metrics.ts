/** Mean log loss of row-major class probabilities (clipped so that p = 0 stays finite). */
export function logLoss(probabilities: Float64Array, y: Uint32Array): number {
  const width = probabilities.length / Math.max(y.length, 1)
  let total = 0
  for (let row = 0; row < y.length; row++) {
    const p = probabilities[row * width + (y[row] ?? 0)] ?? 0
    total -= Math.log(Math.min(Math.max(p, 1e-15), 1))
  }
  return y.length > 0 ? total / y.length : 0
}

/** Share of rows whose most probable class is the true one. */
export function accuracy(probabilities: Float64Array, y: Uint32Array): number {
  const width = probabilities.length / Math.max(y.length, 1)
  let correct = 0
  for (let row = 0; row < y.length; row++) {
    let best = 0
    for (let k = 1; k < width; k++) {
      if ((probabilities[row * width + k] ?? 0) > (probabilities[row * width + best] ?? 0)) best = k
    }
    if (best === y[row]) correct += 1
  }
  return y.length > 0 ? correct / y.length : 0
}

/** Root mean squared error. */
export function rmse(predicted: Float64Array, actual: Float64Array): number {
  let total = 0
  for (let i = 0; i < actual.length; i++) total += ((predicted[i] ?? 0) - (actual[i] ?? 0)) ** 2
  return actual.length > 0 ? Math.sqrt(total / actual.length) : 0
}

/** Coefficient of determination; 0 for a constant target. */
export function r2(predicted: Float64Array, actual: Float64Array): number {
  const mean = actual.reduce((sum, v) => sum + v, 0) / Math.max(actual.length, 1)
  let residual = 0
  let spread = 0
  for (let i = 0; i < actual.length; i++) {
    residual += ((predicted[i] ?? 0) - (actual[i] ?? 0)) ** 2
    spread += ((actual[i] ?? 0) - mean) ** 2
  }
  return spread > 0 ? 1 - residual / spread : 0
}

/** The metrics of a classifier's probabilities, named `<prefix>_loss` and `<prefix>_accuracy`. */
export function classificationMetrics(
  prefix: string,
  probabilities: Float64Array,
  y: Uint32Array,
): Record<string, number> {
  return {
    [`${prefix}_loss`]: logLoss(probabilities, y),
    [`${prefix}_accuracy`]: accuracy(probabilities, y),
  }
}

/** The metrics of a regressor's predictions, named `<prefix>_rmse` and `<prefix>_r2`. */
export function regressionMetrics(
  prefix: string,
  predicted: Float64Array,
  actual: Float64Array,
): Record<string, number> {
  return { [`${prefix}_rmse`]: rmse(predicted, actual), [`${prefix}_r2`]: r2(predicted, actual) }
}

import { checkPaired } from './confusion-matrix.js'
import { NeumaierSum } from './neumaier-sum.js'

function meanOf(values: ArrayLike<number>, f: (v: number, i: number) => number): number {
  const total = new NeumaierSum()
  for (let i = 0; i < values.length; i++) total.add(f(values[i] ?? NaN, i))
  return total.value / values.length
}

/** Root mean squared error (√ of sklearn.metrics.mean_squared_error). */
export function rmse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPaired(yTrue, yPred)
  return Math.sqrt(meanOf(yTrue, (t, i) => (t - (yPred[i] ?? NaN)) ** 2))
}

/** Mean absolute error (sklearn.metrics.mean_absolute_error). */
export function mae(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPaired(yTrue, yPred)
  return meanOf(yTrue, (t, i) => Math.abs(t - (yPred[i] ?? NaN)))
}

/**
 * Coefficient of determination (sklearn.metrics.r2_score): 1 − SS_res/SS_tot. A constant target
 * gives 1 when predicted exactly and 0 otherwise, as scikit-learn's force_finite does.
 */
export function r2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPaired(yTrue, yPred)
  const mean = meanOf(yTrue, (t) => t)
  const residual = meanOf(yTrue, (t, i) => (t - (yPred[i] ?? NaN)) ** 2)
  const total = meanOf(yTrue, (t) => (t - mean) ** 2)
  if (total === 0) return residual === 0 ? 1 : 0
  return 1 - residual / total
}

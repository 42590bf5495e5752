import { expectedCalibrationError } from './calibration.js'
import type { Predictions } from './evaluator.js'

/** Classification metrics of binary predictions (positive class 1). Pure. */
function classification(p: Predictions): Record<string, number> {
  let tp = 0
  let fp = 0
  let fn = 0
  let correct = 0
  for (let row = 0; row < p.labels.length; row++) {
    const y = p.labels[row]
    const yhat = p.predicted[row]
    if (y === yhat) correct += 1
    if (yhat === 1 && y === 1) tp += 1
    else if (yhat === 1) fp += 1
    else if (y === 1) fn += 1
  }
  const n = p.labels.length
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0
  const metrics: Record<string, number> = {
    accuracy: n > 0 ? correct / n : Number.NaN,
    precision,
    recall,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
  }
  if (p.probabilities) {
    metrics.log_loss = logLoss(p.probabilities, p.labels)
    metrics.ece = expectedCalibrationError(p.probabilities, p.labels)
  }
  return metrics
}

function logLoss(probabilities: readonly number[], labels: readonly number[]): number {
  if (labels.length === 0) return Number.NaN
  let total = 0
  for (let row = 0; row < labels.length; row++) {
    // Clipped so that one confident mistake stays finite.
    const p = Math.min(Math.max(probabilities[row]!, 1e-15), 1 - 1e-15)
    total -= labels[row] === 1 ? Math.log(p) : Math.log(1 - p)
  }
  return total / labels.length
}

function regression(p: Predictions): Record<string, number> {
  const n = p.labels.length
  if (n === 0) return { rmse: Number.NaN, mae: Number.NaN, r2: Number.NaN }
  const mean = p.labels.reduce((sum, y) => sum + y, 0) / n
  let squared = 0
  let absolute = 0
  let spread = 0
  for (let row = 0; row < n; row++) {
    const error = p.predicted[row]! - p.labels[row]!
    squared += error * error
    absolute += Math.abs(error)
    spread += (p.labels[row]! - mean) ** 2
  }
  return {
    rmse: Math.sqrt(squared / n),
    mae: absolute / n,
    r2: spread > 0 ? 1 - squared / spread : 0,
  }
}

/**
 * The metrics a baseline gate can compare on an evaluation dataset: accuracy, precision, recall,
 * f1 (and log_loss, ece with probabilities) for classifiers; rmse, mae, r2 for regressors.
 */
export function predictionMetrics(p: Predictions): Record<string, number> {
  return p.task === 'classification' ? classification(p) : regression(p)
}

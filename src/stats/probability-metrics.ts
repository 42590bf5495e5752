import { InvalidParameterError } from '../shared/errors.js'
import type { Label } from './confusion-matrix.js'
import { checkPaired, uniqueLabels } from './confusion-matrix.js'
import { NeumaierSum } from './neumaier-sum.js'

// scikit-learn clips probabilities to [ε, 1 − ε] with ε = float64 machine epsilon (eps='auto').
const EPSILON = Number.EPSILON

/**
 * Cross-entropy loss (sklearn.metrics.log_loss): probabilities are clipped to [ε, 1 − ε] and each
 * row renormalized, then −mean(ln p[true class]). `probabilities` holds, per sample, either the
 * positive class's probability (binary: labels[1] is positive) or one probability per label in
 * `labels` order (default: sorted true labels).
 */
export function logLoss(
  yTrue: readonly Label[],
  probabilities: ArrayLike<number> | readonly ArrayLike<number>[],
  labels: readonly Label[] = uniqueLabels(yTrue),
): number {
  checkPaired(yTrue, probabilities)
  if (labels.length < 2) {
    throw new InvalidParameterError('log loss needs at least two labels; pass `labels`')
  }
  const index = new Map(labels.map((label, i) => [label, i]))
  const loss = new NeumaierSum()
  for (let i = 0; i < yTrue.length; i++) {
    const entry = probabilities[i] as number | ArrayLike<number>
    const clip = (p: number) => Math.min(Math.max(p, EPSILON), 1 - EPSILON)
    const row = typeof entry === 'number' ? [1 - clip(entry), clip(entry)] : Array.from(entry, clip)
    const sum = row.reduce((a, b) => a + b, 0)
    const k = index.get(yTrue[i] as Label)
    if (k === undefined || row.length !== labels.length) {
      throw new InvalidParameterError(
        `sample ${i}: label or probability count does not match the ${labels.length} labels`,
      )
    }
    loss.add(-Math.log((row[k] ?? NaN) / sum))
  }
  return loss.value / yTrue.length
}

/**
 * Brier score of a binary classifier (sklearn.metrics.brier_score_loss): mean squared difference
 * between the positive-class probability and the outcome (1 positive, 0 negative).
 */
export function brierScore(outcomes: ArrayLike<number>, probabilities: ArrayLike<number>): number {
  checkPaired(outcomes, probabilities)
  const total = new NeumaierSum()
  for (let i = 0; i < outcomes.length; i++) {
    const d = (outcomes[i] ?? NaN) - (probabilities[i] ?? NaN)
    total.add(d * d)
  }
  return total.value / outcomes.length
}

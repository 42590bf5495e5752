import { checkPaired } from './confusion-matrix.js'
import { NeumaierSum } from './neumaier-sum.js'

/**
 * Expected calibration error over `bins` equal-width bins of [0, 1]: Σ_b (n_b/N)·|mean outcome_b −
 * mean probability_b|, a probability p falling in bin min(⌊p·bins⌋, bins − 1). For a binary
 * classifier pass outcomes 0/1 and the positive-class probability; for the multiclass top-label
 * ECE pass whether the argmax was right and the max probability.
 */
export function expectedCalibrationError(
  outcomes: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  { bins = 10 }: { bins?: number } = {},
): number {
  checkPaired(outcomes, probabilities)
  const count = new Float64Array(bins)
  const outcomeSum = Array.from({ length: bins }, () => new NeumaierSum())
  const probabilitySum = Array.from({ length: bins }, () => new NeumaierSum())
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i] ?? NaN
    const b = Math.min(Math.max(Math.floor(p * bins), 0), bins - 1)
    count[b] = (count[b] ?? 0) + 1
    outcomeSum[b]?.add(outcomes[i] ?? NaN)
    probabilitySum[b]?.add(p)
  }
  let ece = 0
  count.forEach((n, b) => {
    if (n === 0) return
    const gap = (outcomeSum[b]?.value ?? 0) / n - (probabilitySum[b]?.value ?? 0) / n
    ece += (n / probabilities.length) * Math.abs(gap)
  })
  return ece
}

import { InvalidParameterError } from '../shared/errors.js'
import type { Label } from './confusion-matrix.js'
import { checkPaired, uniqueLabels } from './confusion-matrix.js'

/**
 * Binary ROC-AUC (sklearn.metrics.roc_auc_score): the probability that a random positive scores
 * above a random negative, ties counting ½, computed from average ranks (the Mann–Whitney U form
 * of the area under the ROC curve). `isPositive[i]` says whether sample i is of the positive class.
 * @throws InvalidParameterError when only one class is present (the AUC is undefined)
 */
export function rocAuc(isPositive: ArrayLike<boolean | number>, scores: ArrayLike<number>): number {
  checkPaired(isPositive, scores)
  const order = Array.from(scores, (_, i) => i).sort((a, b) => (scores[a] ?? 0) - (scores[b] ?? 0))
  let positives = 0
  let positiveRankSum = 0
  for (let start = 0; start < order.length;) {
    let end = start + 1
    while (end < order.length && scores[order[end] ?? 0] === scores[order[start] ?? 0]) end++
    const averageRank = (start + 1 + end) / 2 // ranks start..end-1 are tied, 1-based
    for (let k = start; k < end; k++) {
      if (isPositive[order[k] ?? 0]) {
        positives++
        positiveRankSum += averageRank
      }
    }
    start = end
  }
  const negatives = order.length - positives
  if (positives === 0 || negatives === 0) {
    throw new InvalidParameterError('ROC-AUC needs both classes among the true labels')
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives)
}

/**
 * Multiclass ROC-AUC, one-vs-rest, macro-averaged (roc_auc_score(multi_class='ovr',
 * average='macro')): the mean over classes of the binary AUC of that class's probability column.
 * `probabilities[i][j]` is sample i's probability of `labels[j]` (default: sorted true labels).
 */
export function rocAucOneVsRest(
  yTrue: readonly Label[],
  probabilities: readonly ArrayLike<number>[],
  labels: readonly Label[] = uniqueLabels(yTrue),
): number {
  checkPaired(yTrue, probabilities)
  let total = 0
  labels.forEach((label, j) => {
    const column = probabilities.map((row) => row[j] ?? NaN)
    total += rocAuc(
      yTrue.map((t) => t === label),
      column,
    )
  })
  return total / labels.length
}

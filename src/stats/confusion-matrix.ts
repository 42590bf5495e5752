import { InvalidParameterError } from '../shared/errors.js'
import { compareCategories } from './categorical-profile.js'

/** A class label. */
export type Label = string | number | boolean

/** Counts of (true, predicted) label pairs. */
export interface ConfusionMatrix {
  /** Labels in row/column order. */
  labels: Label[]
  /** matrix[i][j]: samples of true class labels[i] predicted as labels[j] (scikit-learn's layout). */
  matrix: number[][]
}

/** Sorted distinct labels of the given arrays (scikit-learn's `unique_labels`). */
export function uniqueLabels(...arrays: readonly (readonly Label[])[]): Label[] {
  const seen = new Set<Label>()
  for (const array of arrays) for (const label of array) seen.add(label)
  return [...seen].sort(compareCategories)
}

/** Throws unless both arrays are non-empty and of equal length. */
export function checkPaired(yTrue: ArrayLike<unknown>, yPred: ArrayLike<unknown>): void {
  if (yTrue.length !== yPred.length) {
    throw new InvalidParameterError(
      `true and predicted values must have the same length, got ${yTrue.length} and ${yPred.length}`,
    )
  }
  if (yTrue.length === 0) throw new InvalidParameterError('metrics need at least one sample')
}

/**
 * Confusion matrix as sklearn.metrics.confusion_matrix: rows are true labels, columns predicted,
 * both in `labels` order (default: sorted union of both arrays). Pairs with a label outside
 * `labels` are ignored, as in scikit-learn.
 */
export function confusionMatrix(
  yTrue: readonly Label[],
  yPred: readonly Label[],
  labels: readonly Label[] = uniqueLabels(yTrue, yPred),
): ConfusionMatrix {
  checkPaired(yTrue, yPred)
  const index = new Map(labels.map((label, i) => [label, i]))
  const matrix = labels.map(() => new Array<number>(labels.length).fill(0))
  yTrue.forEach((t, k) => {
    const i = index.get(t)
    const j = index.get(yPred[k] as Label)
    const row = i === undefined ? undefined : matrix[i]
    if (row !== undefined && j !== undefined) row[j] = (row[j] ?? 0) + 1
  })
  return { labels: [...labels], matrix }
}

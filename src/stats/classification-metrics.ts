import { InvalidParameterError } from '../shared/errors.js'
import type { Label } from './confusion-matrix.js'
import { checkPaired, confusionMatrix } from './confusion-matrix.js'

/** How per-class scores combine (scikit-learn's `average`). */
export type Average = 'binary' | 'micro' | 'macro' | 'weighted'

/** Precision, recall and F1 under one averaging. */
export interface PrecisionRecallF1 {
  /** TP / (TP + FP). */
  precision: number
  /** TP / (TP + FN). */
  recall: number
  /** Harmonic mean of precision and recall. */
  f1: number
}

/** Options for {@link precisionRecallF1}. */
export interface PrecisionRecallF1Options {
  /** Default 'binary'. */
  average?: Average
  /** The positive class for 'binary' (default 1). */
  positiveLabel?: Label
}

/** Fraction of exact matches (sklearn.metrics.accuracy_score). */
export function accuracy(yTrue: readonly Label[], yPred: readonly Label[]): number {
  checkPaired(yTrue, yPred)
  let correct = 0
  yTrue.forEach((t, i) => {
    if (t === yPred[i]) correct++
  })
  return correct / yTrue.length
}

interface ClassCounts {
  tp: number
  fp: number
  fn: number
}

/** scikit-learn's scores from counts, 0 where a denominator is 0 (zero_division=0). */
function scores({ tp, fp, fn }: ClassCounts): PrecisionRecallF1 {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp)
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn)
  const denominator = precision + recall
  return { precision, recall, f1: (2 * precision * recall) / (denominator === 0 ? 1 : denominator) }
}

function weightedMean(values: readonly number[], weights: readonly number[]): number {
  let total = 0
  let weight = 0
  values.forEach((v, i) => {
    total += v * (weights[i] ?? 0)
    weight += weights[i] ?? 0
  })
  return total / weight
}

/** TP, FP and FN per label, from the confusion matrix. */
function classCounts(yTrue: readonly Label[], yPred: readonly Label[]) {
  const { labels, matrix } = confusionMatrix(yTrue, yPred)
  const perClass = labels.map((_, i): ClassCounts => {
    const tp = matrix[i]?.[i] ?? 0
    const support = (matrix[i] ?? []).reduce((a, b) => a + b, 0)
    const predicted = matrix.reduce((sum, row) => sum + (row[i] ?? 0), 0)
    return { tp, fp: predicted - tp, fn: support - tp }
  })
  return { labels, perClass }
}

function binaryScores(labels: Label[], perClass: ClassCounts[], positive: Label) {
  if (labels.length > 2) {
    throw new InvalidParameterError(
      `average 'binary' needs at most 2 labels, got ${labels.length}; use 'macro', 'weighted' or 'micro'`,
    )
  }
  const i = labels.indexOf(positive)
  if (i < 0 && labels.length === 2) {
    throw new InvalidParameterError(
      `positive label ${String(positive)} is not one of ${labels.map(String).join(', ')}`,
    )
  }
  return scores(perClass[i] ?? { tp: 0, fp: 0, fn: 0 })
}

/**
 * Precision, recall and F1 as sklearn.metrics.precision_recall_fscore_support with
 * zero_division=0: 'binary' scores `positiveLabel`; 'micro' pools TP/FP/FN over classes; 'macro'
 * averages per-class scores; 'weighted' weights them by true-class support.
 */
export function precisionRecallF1(
  yTrue: readonly Label[],
  yPred: readonly Label[],
  options: PrecisionRecallF1Options = {},
): PrecisionRecallF1 {
  const { labels, perClass } = classCounts(yTrue, yPred)
  const average = options.average ?? 'binary'
  if (average === 'binary') return binaryScores(labels, perClass, options.positiveLabel ?? 1)
  if (average === 'micro') {
    const sum = (key: keyof ClassCounts) => perClass.reduce((s, c) => s + c[key], 0)
    return scores({ tp: sum('tp'), fp: sum('fp'), fn: sum('fn') })
  }
  const each = perClass.map(scores)
  const weights = perClass.map((c) => (average === 'macro' ? 1 : c.tp + c.fn))
  const mean = (key: keyof PrecisionRecallF1) =>
    weightedMean(
      each.map((s) => s[key]),
      weights,
    )
  return { precision: mean('precision'), recall: mean('recall'), f1: mean('f1') }
}

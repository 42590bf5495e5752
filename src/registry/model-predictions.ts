import type { Column, OutputTensor } from '../models/index.js'
import { InvalidParameterError } from '../shared/errors.js'
import type { Predictions } from './evaluator.js'

const PROBABILITY_TYPES = new Set(['float32', 'float64'])

/** A `[N, C]` numeric output with C ≥ 2: class probabilities (`probabilities`, skl2onnx's too). */
function probabilityOutput(outputs: Record<string, OutputTensor>): OutputTensor | undefined {
  const candidates = Object.entries(outputs).filter(
    ([, o]) => o.dims.length === 2 && (o.dims[1] ?? 0) >= 2 && PROBABILITY_TYPES.has(o.type),
  )
  return (candidates.find(([name]) => /prob/i.test(name)) ?? candidates[0])?.[1]
}

/** A `[N]` or `[N, 1]` output: the predicted label or value (`label`, `variable`, …). */
function predictionOutput(outputs: Record<string, OutputTensor>): OutputTensor | undefined {
  const candidates = Object.entries(outputs).filter(
    ([, o]) => o.dims.length === 1 || (o.dims.length === 2 && o.dims[1] === 1),
  )
  return (candidates.find(([name]) => /label|variable|predict/i.test(name)) ?? candidates[0])?.[1]
}

/** Class labels as one kind of key, so int64 output 1 and a CSV's 1.0 are the same class. */
const key = (value: unknown) => String(value)

/**
 * The positive class: 1 for 0/1 labels, else the greater of exactly two classes (sorted as the
 * trainers and scikit-learn sort them, so it is the second probability column).
 */
function positiveClass(values: readonly unknown[]): string {
  const distinct = [...new Set(values.map(key))]
  if (distinct.every((v) => v === '0' || v === '1')) return '1'
  const numeric = distinct.every((v) => v !== '' && Number.isFinite(Number(v)))
  const sorted = numeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort()
  if (sorted.length !== 2) {
    throw new InvalidParameterError(
      `Prediction gates score binary classifiers; the labels and predictions hold ${sorted.length} classes (${sorted.slice(0, 5).join(', ')})`,
    )
  }
  return sorted[1]!
}

/**
 * Turns a model's outputs on an evaluation dataset into row-aligned predictions. A model with a
 * probability matrix or a non-float label output is a classifier (binary, positive class as in
 * `positiveClass`); one with a single float output is a regressor.
 * @throws InvalidParameterError when the outputs or the target do not fit either
 */
export function toPredictions(
  outputs: Record<string, OutputTensor>,
  target: { readonly name: string; readonly values: Column },
  columns: Readonly<Record<string, readonly string[]>>,
): Predictions {
  const rows = target.values.length
  const probabilities = probabilityOutput(outputs)
  const prediction = predictionOutput(outputs)
  if (!prediction || prediction.data.length !== rows) {
    throw new InvalidParameterError(
      `The model gave no one-value-per-row output (outputs: ${Object.keys(outputs).join(', ')})`,
    )
  }
  const isClassifier = probabilities !== undefined || !PROBABILITY_TYPES.has(prediction.type)
  const truth = Array.from(target.values as ArrayLike<unknown>)
  if (!isClassifier) {
    if (!(target.values instanceof Float64Array)) {
      throw new InvalidParameterError(`Regression target '${target.name}' must be numeric`)
    }
    return {
      task: 'regression',
      labels: truth as number[],
      predicted: Array.from(prediction.data as readonly number[]),
      columns,
    }
  }
  const positive = positiveClass([...truth, ...prediction.data])
  const width = probabilities?.dims[1] ?? 0
  if (probabilities && width !== 2) {
    throw new InvalidParameterError(
      `Prediction gates score binary classifiers; the model gives ${width} class probabilities`,
    )
  }
  return {
    task: 'classification',
    labels: truth.map((v) => (key(v) === positive ? 1 : 0)),
    predicted: Array.from(prediction.data as readonly unknown[], (v) =>
      key(v) === positive ? 1 : 0,
    ),
    probabilities: probabilities
      ? Array.from({ length: rows }, (_, row) => Number(probabilities.data[row * 2 + 1]))
      : undefined,
    columns,
  }
}

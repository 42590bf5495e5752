import { InvalidParameterError } from '../shared/errors.js'
import type { Frame } from './frame.js'
import { frameLength, getColumn, isNumericColumn } from './frame.js'
import type { ModelSignature, Schema, TensorDtype } from './signature.js'

/** A class label: the target column's strings, or integers for a numeric target. */
export type Label = string | number

/** Receives metrics after each training iteration, e.g. to log them to a tracking run. */
export type IterationCallback = (
  iteration: number,
  metrics: Readonly<Record<string, number>>,
) => void

/** Options every trainer takes. */
export interface TrainOptions {
  /** Name of the target column. */
  readonly target: string
  /** Feature columns; default: every column but the target. */
  readonly features?: readonly string[]
  /** Seed for the validation split and sampling; the same seed gives the same model. Default 0. */
  readonly seed?: number
  /** Share of rows held out to report (and for boosting, early-stop) on. */
  readonly validationFraction?: number
  /** Called once per iteration with metrics such as `train_loss` and `validation_loss`. */
  readonly onIteration?: IterationCallback
}

/** Hyperparameters as resolved by a trainer (defaults filled in), flat for logging as params. */
export type ModelParams = Readonly<Record<string, string | number | boolean>>

interface ModelBase {
  /** Model name, such as 'logistic_regression'. */
  readonly kind: string
  /** Inputs (one column per feature) and outputs of `toOnnx()`'s graph. */
  readonly signature: ModelSignature
  /** Resolved hyperparameters, plus facts such as the iteration count. */
  readonly params: ModelParams
  /** Final metrics of the returned model (train, and validation if rows were held out). */
  readonly metrics: Readonly<Record<string, number>>
  /** The model, preprocessing included, as an ONNX file. */
  toOnnx(): Uint8Array
}

/** A trained classifier. */
export interface Classifier extends ModelBase {
  /** Distinguishes classifiers from regressors. */
  readonly task: 'classification'
  /** Class labels, in the order of the probability columns. */
  readonly classes: readonly Label[]
  /** The most probable class of each row. */
  predict(frame: Frame): Label[]
  /** Class probabilities, row-major: `classes.length` values per row. */
  predictProba(frame: Frame): Float64Array
}

/** A trained regressor. */
export interface Regressor extends ModelBase {
  /** Distinguishes regressors from classifiers. */
  readonly task: 'regression'
  /** The prediction for each row. */
  predict(frame: Frame): Float64Array
}

/** A model returned by a trainer. */
export type TrainedModel = Classifier | Regressor

/** The feature columns to train on, checked to exist and not to include the target. */
export function resolveFeatures(frame: Frame, options: TrainOptions): string[] {
  getColumn(frame, options.target)
  const features = options.features ?? Object.keys(frame).filter((n) => n !== options.target)
  if (features.length === 0) throw new InvalidParameterError('No feature columns to train on')
  for (const name of features) {
    if (name === options.target) {
      throw new InvalidParameterError(`The target '${name}' cannot also be a feature`)
    }
    getColumn(frame, name)
  }
  return [...features]
}

/** Checks the row count and the validation fraction; returns the row count. */
export function checkTrainingFrame(frame: Frame, options: TrainOptions): number {
  const rows = frameLength(frame)
  if (rows < 2) throw new InvalidParameterError(`Training needs at least 2 rows, got ${rows}`)
  const fraction = options.validationFraction ?? 0
  if (!(fraction >= 0 && fraction < 1)) {
    throw new InvalidParameterError(`validationFraction must be in [0, 1), got ${fraction}`)
  }
  return rows
}

/** A classification target as class indices, with the sorted distinct labels. */
interface EncodedTarget {
  /** Distinct labels, sorted (numbers ascending, strings by code unit). */
  readonly classes: readonly Label[]
  /** Index into `classes` for each row. */
  readonly y: Uint32Array
}

/** Encodes a classification target; numeric labels must be integers, and there must be 2+. */
export function encodeTarget(frame: Frame, target: string): EncodedTarget {
  const column = getColumn(frame, target)
  const values: Label[] = Array.from(column as ArrayLike<Label>)
  values.forEach((value, row) => {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new InvalidParameterError(
        `Target '${target}', row ${row}: class labels must be integers or strings, got ${value}`,
      )
    }
  })
  const distinct = [...new Set(values)]
  const classes = isNumericColumn(column)
    ? (distinct as number[]).sort((a, b) => a - b)
    : (distinct as string[]).sort()
  if (classes.length < 2) {
    throw new InvalidParameterError(
      `Target '${target}' needs at least 2 classes, got ${classes.length}`,
    )
  }
  const index = new Map<Label, number>(classes.map((label, i) => [label, i]))
  return { classes, y: Uint32Array.from(values, (value) => index.get(value) ?? 0) }
}

/** The numeric target of a regression, without missing values. */
export function regressionTarget(frame: Frame, target: string): Float64Array {
  const column = getColumn(frame, target)
  if (!isNumericColumn(column)) {
    throw new InvalidParameterError(`Regression target '${target}' must be numeric`)
  }
  const bad = column.findIndex((v) => !Number.isFinite(v))
  if (bad >= 0)
    throw new InvalidParameterError(
      `Target '${target}', row ${bad}: ${column[bad]} is not a finite number`,
    )
  return column
}

/**
 * The outputs of a classifier's graph, as tensor specs (MLflow allows no mix of column and
 * tensor specs in one schema, and probabilities are a matrix).
 */
export function classifierOutputs(classes: readonly Label[], probabilities: TensorDtype): Schema {
  return [
    {
      name: 'label',
      type: 'tensor',
      dtype: typeof classes[0] === 'string' ? 'str' : 'int64',
      shape: [-1],
    },
    { name: 'probabilities', type: 'tensor', dtype: probabilities, shape: [-1, classes.length] },
  ]
}

/** The most probable class of each row of row-major probabilities. */
export function argmaxLabels(probabilities: Float64Array, classes: readonly Label[]): Label[] {
  const width = classes.length
  const rows = probabilities.length / width
  const labels: Label[] = new Array<Label>(rows)
  for (let row = 0; row < rows; row++) {
    let best = 0
    for (let k = 1; k < width; k++) {
      if ((probabilities[row * width + k] ?? 0) > (probabilities[row * width + best] ?? 0)) best = k
    }
    labels[row] = classes[best] ?? ''
  }
  return labels
}

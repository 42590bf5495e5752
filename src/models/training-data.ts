import type { Frame } from './frame.js'
import { takeRows } from './frame.js'
import type { Preprocessor } from './preprocessor.js'
import { fitPreprocessor, transformFrame } from './preprocessor.js'
import type { RowSplit } from './random.js'
import { splitRows } from './random.js'
import type { TrainOptions } from './trained-model.js'
import { checkTrainingFrame, resolveFeatures } from './trained-model.js'

/** A frame split into train and validation rows and turned into feature matrices. */
export interface TrainingData {
  /** Preprocessing fitted on the train rows. */
  readonly pre: Preprocessor
  /** Which rows went where. */
  readonly split: RowSplit
  /** Train feature matrix, column-major. */
  readonly train: readonly Float64Array[]
  /** Validation feature matrix, column-major (no rows when nothing was held out). */
  readonly validation: readonly Float64Array[]
}

/**
 * Checks the frame and options, holds out `validationFraction` of the rows (per class when
 * `strata` is given), fits the preprocessing on the rest and transforms both parts.
 * @throws InvalidParameterError for a bad frame or option
 */
export function prepareTrainingData(
  frame: Frame,
  options: TrainOptions,
  settings: { readonly standardise: boolean; readonly strata?: Uint32Array },
): TrainingData {
  const rows = checkTrainingFrame(frame, options)
  const features = resolveFeatures(frame, options)
  const split = splitRows(rows, options.validationFraction ?? 0, options.seed ?? 0, settings.strata)
  const trainFrame = split.validation.length === 0 ? frame : takeRows(frame, split.train)
  const pre = fitPreprocessor(trainFrame, features, { standardise: settings.standardise })
  return {
    pre,
    split,
    train: transformFrame(pre, trainFrame),
    validation: transformFrame(pre, takeRows(frame, split.validation)),
  }
}

/** The values of `values` at the given rows. */
export function pick<T extends Float64Array | Uint32Array>(values: T, rows: Uint32Array): T {
  const out = new (values.constructor as new (length: number) => T)(rows.length)
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i] ?? 0] ?? 0
  return out
}

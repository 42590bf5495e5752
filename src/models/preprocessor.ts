import type { Frame } from './frame.js'
import { getColumn, getNumericColumn, getStringColumn, isNumericColumn } from './frame.js'
import type { GraphBuilder } from './onnx-graph.js'
import { doubleTensor, ElementType, int64Tensor } from './onnx-graph.js'
import type { ColumnSpec } from './signature.js'

/** How a numeric feature is scaled: `(x - mean) / scale`; a missing value becomes 0 (the mean). */
interface NumericFeature {
  readonly name: string
  readonly mean: number
  readonly scale: number
}

/** A string feature one-hot encoded over the categories seen in training. */
interface CategoricalFeature {
  readonly name: string
  readonly categories: readonly string[]
}

/**
 * Turns a frame into the dense feature matrix a model sees: numeric columns first (standardised
 * with mean imputation, or raw with NaN kept for trees), then one-hot blocks of string columns in
 * category order. An unseen category encodes as all zeros.
 */
export interface Preprocessor {
  /** Whether numeric columns are standardised (linear models) or passed through (trees). */
  readonly isStandardised: boolean
  /** Numeric feature columns, in matrix order. */
  readonly numeric: readonly NumericFeature[]
  /** String feature columns, in matrix order after the numeric ones. */
  readonly categorical: readonly CategoricalFeature[]
  /** One name per matrix column: the column name, or `name=category` for a one-hot column. */
  readonly featureNames: readonly string[]
}

/** Learns means, scales and categories from the given rows of the feature columns. */
export function fitPreprocessor(
  frame: Frame,
  features: readonly string[],
  options: { standardise: boolean },
): Preprocessor {
  const numeric: NumericFeature[] = []
  const categorical: CategoricalFeature[] = []
  for (const name of features) {
    const column = getColumn(frame, name)
    if (!isNumericColumn(column)) {
      categorical.push({ name, categories: [...new Set(column)].sort() })
    } else {
      // Trees need no scaling: skip the two passes over the column.
      numeric.push({ name, ...(options.standardise ? moments(column) : { mean: 0, scale: 1 }) })
    }
  }
  const featureNames = [
    ...numeric.map((f) => f.name),
    ...categorical.flatMap((f) => f.categories.map((c) => `${f.name}=${c}`)),
  ]
  return { isStandardised: options.standardise, numeric, categorical, featureNames }
}

function moments(column: Float64Array): { mean: number; scale: number } {
  let count = 0
  let sum = 0
  for (const v of column) {
    if (Number.isNaN(v)) continue
    count += 1
    sum += v
  }
  const mean = count > 0 ? sum / count : 0
  let squares = 0
  for (const v of column) if (!Number.isNaN(v)) squares += (v - mean) ** 2
  const std = count > 0 ? Math.sqrt(squares / count) : 0
  // A constant column keeps scale 1, so it maps to 0 instead of dividing by zero.
  return { mean, scale: std > 0 ? std : 1 }
}

/** The feature matrix of a frame, column-major: one Float64Array per feature. */
export function transformFrame(pre: Preprocessor, frame: Frame): Float64Array[] {
  const columns: Float64Array[] = []
  for (const { name, mean, scale } of pre.numeric) {
    const raw = getNumericColumn(frame, name)
    if (!pre.isStandardised) columns.push(raw)
    else columns.push(raw.map((x) => (Number.isNaN(x) ? 0 : (x - mean) / scale)))
  }
  for (const { name, categories } of pre.categorical) {
    const values = getStringColumn(frame, name)
    const blocks = categories.map(() => new Float64Array(values.length))
    const index = new Map(categories.map((c, i) => [c, i]))
    values.forEach((value, row) => {
      const block = blocks[index.get(value) ?? -1]
      if (block !== undefined) block[row] = 1
    })
    columns.push(...blocks)
  }
  return columns
}

/** The model inputs: one `[N, 1]` column per feature, `double` or `string`. */
export function inputSchema(pre: Preprocessor): ColumnSpec[] {
  return [
    ...pre.numeric.map((f): ColumnSpec => ({ name: f.name, type: 'double' })),
    ...pre.categorical.map((f): ColumnSpec => ({ name: f.name, type: 'string' })),
  ]
}

/**
 * Adds the preprocessing to a graph: declares one input per feature column and returns the name
 * of the `double [N, F]` feature matrix, computed exactly as `transformFrame` does.
 */
export function addPreprocessing(pre: Preprocessor, g: GraphBuilder): string {
  const parts: string[] = []
  if (pre.numeric.length > 0) parts.push(addNumeric(pre, g))
  for (const { name, categories } of pre.categorical) {
    const input = g.input({ name, type: 'string', shape: ['N', 1] })
    const attributes = { cats_strings: categories, zeros: 1 }
    const encoded = g.node('OneHotEncoder', [input], attributes, { domain: 'ai.onnx.ml' })
    // OneHotEncoder appends a dimension ([N, 1] -> [N, 1, K]) and always outputs float.
    const shape = g.constant(int64Tensor(g.name('shape'), [2], [-1, categories.length]))
    const matrix = g.node('Reshape', [encoded, shape])
    parts.push(g.node('Cast', [matrix], { to: ElementType.double }))
  }
  return parts.length === 1 ? (parts[0] ?? '') : g.node('Concat', parts, { axis: 1 })
}

function addNumeric(pre: Preprocessor, g: GraphBuilder): string {
  const inputs = pre.numeric.map(({ name }) => g.input({ name, type: 'double', shape: ['N', 1] }))
  const matrix = inputs.length === 1 ? (inputs[0] ?? '') : g.node('Concat', inputs, { axis: 1 })
  if (!pre.isStandardised) return matrix
  const width = pre.numeric.length
  const mean = g.constant(
    doubleTensor(
      g.name('mean'),
      [width],
      pre.numeric.map((f) => f.mean),
    ),
  )
  const scale = g.constant(
    doubleTensor(
      g.name('scale'),
      [width],
      pre.numeric.map((f) => f.scale),
    ),
  )
  const imputed = g.node('Where', [g.node('IsNaN', [matrix]), mean, matrix])
  return g.node('Div', [g.node('Sub', [imputed, mean]), scale])
}

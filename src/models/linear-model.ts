import {
  DEFAULT_OPSETS,
  doubleTensor,
  GraphBuilder,
  int64Tensor,
  stringTensor,
} from './onnx-graph.js'
import type { Preprocessor } from './preprocessor.js'
import { addPreprocessing } from './preprocessor.js'
import type { Label } from './trained-model.js'

/**
 * Weights of a linear model with K outputs over F features: `weights[f * K + k]`, `bias[k]`.
 * K is 1 for a regression or a binary classifier (the logit of the second class).
 */
export interface LinearCoefficients {
  /** F×K row-major weights. */
  readonly weights: Float64Array
  /** K intercepts. */
  readonly bias: Float64Array
  /** K, the number of scores per row. */
  readonly outputs: number
}

/** Views a parameter vector (weights then biases) as coefficients, without copying. */
export function unpackCoefficients(
  theta: Float64Array,
  features: number,
  outputs: number,
): LinearCoefficients {
  const split = features * outputs
  return { weights: theta.subarray(0, split), bias: theta.subarray(split), outputs }
}

/** Scores `X·W + b`, row-major `rows × K`, from column-major features. */
export function linearScores(
  columns: readonly Float64Array[],
  coef: LinearCoefficients,
  rows: number,
): Float64Array {
  const k = coef.outputs
  const scores = new Float64Array(rows * k)
  for (let row = 0; row < rows; row++) scores.set(coef.bias, row * k)
  columns.forEach((column, f) => {
    for (let j = 0; j < k; j++) {
      const w = coef.weights[f * k + j] ?? 0
      if (w === 0) continue
      for (let row = 0; row < rows; row++)
        scores[row * k + j] = (scores[row * k + j] ?? 0) + w * (column[row] ?? 0)
    }
  })
  return scores
}

/**
 * Class probabilities from scores: `[1 - σ(z), σ(z)]` for one score per row, else a softmax. The
 * exported graph computes the same with Sigmoid / Softmax in double precision.
 */
export function scoresToProbabilities(scores: Float64Array, outputs: number): Float64Array {
  if (outputs === 1) {
    const probabilities = new Float64Array(scores.length * 2)
    scores.forEach((z, row) => {
      const p = 1 / (1 + Math.exp(-z))
      probabilities[row * 2] = 1 - p
      probabilities[row * 2 + 1] = p
    })
    return probabilities
  }
  const probabilities = new Float64Array(scores.length)
  for (let start = 0; start < scores.length; start += outputs) {
    const row = scores.subarray(start, start + outputs)
    const max = Math.max(...row)
    let sum = 0
    for (let j = 0; j < outputs; j++) sum += Math.exp((row[j] ?? 0) - max)
    for (let j = 0; j < outputs; j++) probabilities[start + j] = Math.exp((row[j] ?? 0) - max) / sum
  }
  return probabilities
}

/** What a linear graph returns: a regression value, or class probabilities and a label. */
export type ModelHead =
  | { readonly task: 'regression' }
  | { readonly task: 'classification'; readonly classes: readonly Label[] }

/**
 * Exports preprocessing plus a linear model. Outputs: `variable` (double [N, 1]) for a regression;
 * `label` ([N], string or int64) and `probabilities` (double [N, C]) for a classifier.
 */
export function linearModelToOnnx(
  pre: Preprocessor,
  coef: LinearCoefficients,
  head: ModelHead,
): Uint8Array {
  const g = new GraphBuilder()
  const features = addPreprocessing(pre, g)
  const width = pre.featureNames.length
  const weights = g.constant(doubleTensor('coefficients', [width, coef.outputs], coef.weights))
  const bias = g.constant(doubleTensor('intercepts', [coef.outputs], coef.bias))
  const scores = g.node('Add', [g.node('MatMul', [features, weights]), bias])
  if (head.task === 'regression') {
    g.node('Identity', [scores], {}, { outputs: ['variable'] })
    g.output({ name: 'variable', type: 'double', shape: ['N', 1] })
  } else {
    addClassifierHead(g, scores, coef.outputs, head.classes)
  }
  return g.toBytes('linear_model', DEFAULT_OPSETS)
}

function addClassifierHead(
  g: GraphBuilder,
  scores: string,
  outputs: number,
  classes: readonly Label[],
): void {
  if (outputs === 1) {
    const positive = g.node('Sigmoid', [scores])
    const one = g.constant(doubleTensor('one', [], [1]))
    const negative = g.node('Sub', [one, positive])
    g.node('Concat', [negative, positive], { axis: 1 }, { outputs: ['probabilities'] })
  } else {
    g.node('Softmax', [scores], { axis: 1 }, { outputs: ['probabilities'] })
  }
  addLabelOutput(g, 'probabilities', classes)
  g.output({ name: 'probabilities', type: 'double', shape: ['N', classes.length] })
}

/** Adds `label` = the class with the highest probability (first on ties, as ArgMax does). */
export function addLabelOutput(
  g: GraphBuilder,
  probabilities: string,
  classes: readonly Label[],
): void {
  const index = g.node('ArgMax', [probabilities], { axis: 1, keepdims: 0 })
  const isText = typeof classes[0] === 'string'
  const table = isText
    ? stringTensor('classes', [classes.length], classes.map(String))
    : int64Tensor('classes', [classes.length], classes.map(Number))
  g.node('Gather', [g.constant(table), index], { axis: 0 }, { outputs: ['label'] })
  g.output({ name: 'label', type: isText ? 'string' : 'int64', shape: ['N'] })
}

import { describe, expect, it } from 'vitest'
import { InvalidParameterError } from '../shared/errors.js'
import { checkSignature } from './check-signature.js'
import type { Frame } from './frame.js'
import {
  trainGradientBoostingClassifier,
  trainGradientBoostingRegressor,
} from './gradient-boosting.js'
import { loadOnnxModel } from './onnx-model.js'
import { runModel } from './run-model.js'
import { makeTabularFrame } from './make-tabular-frame.js'
import type { Classifier, Regressor } from './trained-model.js'

const frame = makeTabularFrame({ rows: 1500 })
const features = ['x1', 'x2', 'x3', 'city']
// Missing values everywhere, a value beyond the training range and an unseen category.
const odd: Frame = {
  x1: Float64Array.of(NaN, 1e9, -1e9, 0.5),
  x2: Float64Array.of(NaN, 0, 1, NaN),
  x3: Float64Array.of(NaN, -3, NaN, -2.5),
  city: ['zz', 'a', '', 'c'],
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>, relative = false): number {
  expect(a.length).toBe(b.length)
  let max = 0
  for (let i = 0; i < a.length; i++) {
    const scale = relative ? Math.max(1, Math.abs(b[i] ?? 0)) : 1
    max = Math.max(max, Math.abs((a[i] ?? 0) - (b[i] ?? 0)) / scale)
  }
  return max
}

async function expectOnnxParity(model: Classifier, input: Frame): Promise<void> {
  const onnx = await loadOnnxModel(model.toOnnx())
  expect(checkSignature(model.signature, onnx)).toEqual([])
  const out = await runModel(onnx, input)
  expect(
    maxDifference(out.probabilities?.data as number[], model.predictProba(input)),
  ).toBeLessThan(1e-6)
  expect(out.label?.data).toEqual(model.predict(input))
}

describe('trainGradientBoostingClassifier', () => {
  it('learns a multiclass task, and its ONNX export predicts what it predicts', async () => {
    const model = trainGradientBoostingClassifier(frame, { target: 'label', features })
    expect(model.classes).toEqual(['c0', 'c1', 'c2'])
    expect(model.metrics.validation_accuracy).toBeGreaterThan(0.8)
    await expectOnnxParity(model, frame)
    await expectOnnxParity(model, odd)
  })

  it('handles binary integer labels with one tree per iteration', async () => {
    const label = Float64Array.from(frame.label as string[], (l) => (l === 'c1' ? 7 : 3))
    const model = trainGradientBoostingClassifier(
      { ...frame, label },
      { target: 'label', features, maxIterations: 30 },
    )
    expect(model.classes).toEqual([3, 7])
    expect(model.params.trees).toBe(model.params.iterations)
    await expectOnnxParity(model, { ...frame, label })
    await expectOnnxParity(model, odd)
  })

  it('is deterministic for a seed, reports each iteration and stops early', () => {
    const seen: Readonly<Record<string, number>>[] = []
    const options = { target: 'label', features, seed: 3, maxIterations: 500, learningRate: 0.3 }
    const first = trainGradientBoostingClassifier(frame, {
      ...options,
      onIteration: (_i, m) => seen.push(m),
    })
    const again = trainGradientBoostingClassifier(frame, options)
    const other = trainGradientBoostingClassifier(frame, { ...options, seed: 4 })
    expect(again.toOnnx()).toEqual(first.toOnnx())
    expect(other.toOnnx()).not.toEqual(first.toOnnx())
    expect(first.params.iterations).toBeLessThan(500)
    expect(seen).toHaveLength(first.params.iterations as number)
    expect(Object.keys(seen[0] ?? {})).toEqual([
      'train_loss',
      'train_accuracy',
      'validation_loss',
      'validation_accuracy',
    ])
    expect(first.metrics).toEqual(seen.at(-1))
  })

  it('trains on every row, without early stopping, when validationFraction is 0', () => {
    const model = trainGradientBoostingClassifier(frame, {
      target: 'label',
      features,
      validationFraction: 0,
      maxIterations: 12,
    })
    expect(model.params).toMatchObject({ iterations: 12, trees: 36, validation_fraction: 0 })
    expect(Object.keys(model.metrics)).toEqual(['train_loss', 'train_accuracy'])
  })

  it('exports single-leaf trees when no split helps', async () => {
    const constant = {
      x: new Float64Array(100).fill(1),
      label: Array.from({ length: 100 }, (_, i) => (i % 4 ? 'a' : 'b')),
    }
    const model = trainGradientBoostingClassifier(constant, {
      target: 'label',
      validationFraction: 0,
      maxIterations: 3,
    })
    expect(Array.from(model.predictProba({ x: Float64Array.of(5) }), (p) => p.toFixed(6))).toEqual([
      '0.750000',
      '0.250000',
    ])
    await expectOnnxParity(model, constant)
  })

  it.each([
    [{ maxBins: 256 }, 'maxBins must be ≤ 255, got 256'],
    [{ minSamplesLeaf: 0 }, 'minSamplesLeaf must be an integer ≥ 1, got 0'],
    [{ learningRate: 0 }, 'learningRate must be ≥'],
    [{ maxLeafNodes: 2.5 }, 'maxLeafNodes must be an integer ≥ 2, got 2.5'],
    [{ validationFraction: -0.1 }, 'validationFraction must be in [0, 1)'],
  ])('rejects %o', (options, message) => {
    const train = () => trainGradientBoostingClassifier(frame, { target: 'label', ...options })
    expect(train).toThrow(InvalidParameterError)
    expect(train).toThrow(message)
  })
})

describe('trainGradientBoostingRegressor', () => {
  it('fits a regression whose ONNX export agrees to float32 precision', async () => {
    const model: Regressor = trainGradientBoostingRegressor(frame, {
      target: 'y',
      features,
      maxDepth: 4,
    })
    expect(model.metrics.validation_r2).toBeGreaterThan(0.95)
    const onnx = await loadOnnxModel(model.toOnnx())
    expect(checkSignature(model.signature, onnx)).toEqual([])
    for (const input of [frame, odd]) {
      const out = await runModel(onnx, input)
      // The legacy TreeEnsembleRegressor sums in double but returns float32.
      expect(
        maxDifference(out.variable?.data as number[], model.predict(input), true),
      ).toBeLessThan(1e-6)
    }
  })
})

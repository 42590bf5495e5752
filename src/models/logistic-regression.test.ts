import { describe, expect, it } from 'vitest'
import { InvalidParameterError } from '../shared/errors.js'
import { checkSignature } from './check-signature.js'
import { loadOnnxModel } from './onnx-model.js'
import { trainLogisticRegression } from './logistic-regression.js'
import { runModel } from './run-model.js'
import { makeTabularFrame } from './make-tabular-frame.js'

const frame = makeTabularFrame({ rows: 600 })
const features = ['x1', 'x2', 'x3', 'city']

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length)
  let max = 0
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] ?? 0) - (b[i] ?? 0)))
  return max
}

describe('trainLogisticRegression', () => {
  it('fits a multinomial model whose ONNX export predicts what it predicts', async () => {
    const model = trainLogisticRegression(frame, { target: 'label', features, l2: 1e-3 })
    expect(model.classes).toEqual(['c0', 'c1', 'c2'])
    expect(model.metrics.train_accuracy).toBeGreaterThan(0.85)
    const onnx = await loadOnnxModel(model.toOnnx())
    expect(checkSignature(model.signature, onnx)).toEqual([])
    const out = await runModel(onnx, frame)
    expect(out.label?.data).toEqual(model.predict(frame))
    expect(
      maxDifference(out.probabilities?.data as number[], model.predictProba(frame)),
    ).toBeLessThan(1e-12)
  })

  it('fits a binary model with integer labels as a sigmoid over one score', async () => {
    const label = Float64Array.from(frame.label as string[], (l) => (l === 'c1' ? 1 : 0))
    const model = trainLogisticRegression({ ...frame, label }, { target: 'label', features })
    expect(model.classes).toEqual([0, 1])
    expect(model.signature.outputs).toEqual([
      { name: 'label', type: 'tensor', dtype: 'int64', shape: [-1] },
      { name: 'probabilities', type: 'tensor', dtype: 'float64', shape: [-1, 2] },
    ])
    const onnx = await loadOnnxModel(model.toOnnx())
    const out = await runModel(onnx, frame)
    expect(out.label).toEqual({ type: 'int64', dims: [600], data: model.predict(frame) })
    expect(
      maxDifference(out.probabilities?.data as number[], model.predictProba(frame)),
    ).toBeLessThan(1e-12)
  })

  it('treats unseen categories and missing numbers the same in JS and ONNX', async () => {
    const model = trainLogisticRegression(frame, { target: 'label', features })
    const odd = {
      x1: Float64Array.of(NaN, 1),
      x2: Float64Array.of(0, NaN),
      x3: Float64Array.of(NaN, 2),
      city: ['zz', ''],
    }
    const out = await runModel(await loadOnnxModel(model.toOnnx()), odd)
    expect(
      maxDifference(out.probabilities?.data as number[], model.predictProba(odd)),
    ).toBeLessThan(1e-12)
  })

  it('is deterministic for a seed and reports metrics per iteration', () => {
    const seen: [number, Readonly<Record<string, number>>][] = []
    const options = { target: 'label', features, validationFraction: 0.2, seed: 7 }
    const first = trainLogisticRegression(frame, {
      ...options,
      onIteration: (i, m) => seen.push([i, m]),
    })
    const second = trainLogisticRegression(frame, options)
    const other = trainLogisticRegression(frame, { ...options, seed: 8 })
    expect(second.toOnnx()).toEqual(first.toOnnx())
    expect(other.toOnnx()).not.toEqual(first.toOnnx())
    expect(seen.map(([i]) => i)).toEqual(Array.from({ length: seen.length }, (_, i) => i + 1))
    expect(Object.keys(seen[0]?.[1] ?? {})).toEqual([
      'train_loss',
      'train_accuracy',
      'validation_loss',
      'validation_accuracy',
    ])
    const losses = seen.map(([, m]) => m.train_loss ?? 0)
    expect(losses.at(-1)).toBeLessThan((losses[0] ?? 0) / 2)
    expect(first.metrics.validation_accuracy).toBeGreaterThan(0.8)
    expect(first.params).toMatchObject({
      l2: 1e-4,
      seed: 7,
      validation_fraction: 0.2,
      n_features: 6,
    })
  })

  it.each([
    ['a missing target', { target: 'nope' }, "Column 'nope' is missing"],
    ['one class', { target: 'one' }, "Target 'one' needs at least 2 classes, got 1"],
    ['fractional labels', { target: 'x1' }, "Target 'x1', row 0: class labels must be integers"],
    [
      'a bad fraction',
      { target: 'label', validationFraction: 1 },
      'validationFraction must be in [0, 1)',
    ],
    [
      'the target as a feature',
      { target: 'label', features: ['label'] },
      'cannot also be a feature',
    ],
  ])('rejects %s', (_name, options, message) => {
    const data = { ...frame, one: (frame.label as string[]).map(() => 'same') }
    expect(() => trainLogisticRegression(data, options)).toThrow(InvalidParameterError)
    expect(() => trainLogisticRegression(data, options)).toThrow(message)
  })
})

import { describe, expect, it } from 'vitest'
import { InvalidParameterError } from '../shared/errors.js'
import { checkSignature } from './check-signature.js'
import { trainLinearRegression } from './linear-regression.js'
import { loadOnnxModel } from './onnx-model.js'
import { runModel } from './run-model.js'
import { makeTabularFrame } from './make-tabular-frame.js'

const frame = makeTabularFrame({ rows: 500, missing: 0 })
const features = ['x1', 'x2', 'x3', 'city']

describe('trainLinearRegression', () => {
  it('recovers an exact linear relation, one-hot categories included', () => {
    const x1 = frame.x1 as Float64Array
    const x2 = frame.x2 as Float64Array
    const city = frame.city as string[]
    const y = x1.map((v, i) => 3 * v - 2 * (x2[i] ?? 0) + (city[i] === 'b' ? 5 : 0) + 1)
    const model = trainLinearRegression({ x1, x2, city, y }, { target: 'y' })
    expect(model.metrics.train_rmse).toBeLessThan(1e-7)
    const probe = { x1: Float64Array.of(0, 1), x2: Float64Array.of(0, 1), city: ['a', 'b'] }
    const predicted = model.predict(probe)
    expect(predicted[0]).toBeCloseTo(1, 7)
    expect(predicted[1]).toBeCloseTo(7, 7)
  })

  it('exports a graph that predicts what it predicts', async () => {
    const reported: number[] = []
    const model = trainLinearRegression(frame, {
      target: 'y',
      features,
      l2: 0.01,
      validationFraction: 0.25,
      onIteration: (i) => reported.push(i),
    })
    expect(reported).toEqual([1])
    expect(model.metrics.validation_r2).toBeGreaterThan(0.9)
    const onnx = await loadOnnxModel(model.toOnnx())
    expect(checkSignature(model.signature, onnx)).toEqual([])
    const withMissing = {
      ...frame,
      x3: (frame.x3 as Float64Array).map((v, i) => (i % 7 ? v : NaN)),
    }
    const out = await runModel(onnx, withMissing)
    expect(out.variable?.dims).toEqual([500, 1])
    const expected = model.predict(withMissing)
    const data = out.variable?.data as number[]
    expect(Math.max(...data.map((v, i) => Math.abs(v - (expected[i] ?? 0))))).toBeLessThan(1e-9)
  })

  it('rejects a string or non-finite target', () => {
    expect(() => trainLinearRegression(frame, { target: 'city' })).toThrow(InvalidParameterError)
    const y = Float64Array.of(1, Infinity)
    expect(() => trainLinearRegression({ x: Float64Array.of(1, 2), y }, { target: 'y' })).toThrow(
      "Target 'y', row 1: Infinity is not a finite number",
    )
  })
})

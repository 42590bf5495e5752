import { describe, expect, it } from 'vitest'
import { InvalidParameterError } from '../shared/errors.js'
import { loadOnnxModel } from './onnx-model.js'
import { mixedInputModel, sklearnStyleClassifier } from './onnx-test-models.js'
import { runModel } from './run-model.js'

describe('runModel', () => {
  it('feeds records and columns alike, converting to each input type', async () => {
    const model = await loadOnnxModel(mixedInputModel())
    const records = [
      { a: 1.5, city: 'Oslo', n: 2 },
      { a: null, city: null, n: 3 },
    ]
    const fromRecords = await runModel(model, records)
    const fromColumns = await runModel(model, {
      a: Float64Array.from([1.5, NaN]),
      city: ['Oslo', ''],
      n: [2, 3],
    })
    expect(fromRecords).toEqual({
      sum: { type: 'float64', dims: [2, 1], data: [3.5, NaN] },
      city_echo: { type: 'string', dims: [2, 1], data: ['Oslo', ''] },
    })
    expect(fromColumns).toEqual(fromRecords)
  })

  it('feeds a matrix input one array per row and skips ZipMap outputs', async () => {
    const model = await loadOnnxModel(sklearnStyleClassifier({ zipMap: true }))
    const out = await runModel(model, [{ X: [1, 0, 0, 0] }, { X: [0, 0, 0, 1] }])
    expect(Object.keys(out)).toEqual(['label', 'probabilities'])
    expect(out.label).toEqual({ type: 'int64', dims: [2], data: [10, 30] })
    expect(out.probabilities?.dims).toEqual([2, 3])
  })

  it.each([
    ['a missing input', { a: [1], city: ['x'] }, "Input 'n' is missing (model inputs: a, city, n)"],
    [
      'a string for a number',
      { a: ['1'], city: ['x'], n: [1] },
      `Input 'a', element 0: float64 cannot hold "1"`,
    ],
    [
      'a fraction for int64',
      { a: [1], city: ['x'], n: [1.5] },
      "Input 'n', element 0: int64 cannot hold 1.5",
    ],
    [
      'an object for a string',
      { a: [1], city: [{}], n: [1] },
      "Input 'city', element 0: string cannot hold {}",
    ],
  ])('rejects %s with a typed error', async (_name, input, message) => {
    const model = await loadOnnxModel(mixedInputModel())
    const error = await runModel(model, input).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidParameterError)
    expect((error as Error).message).toBe(message)
  })

  it('rejects ragged rows and wraps runtime errors', async () => {
    const model = await loadOnnxModel(sklearnStyleClassifier())
    await expect(runModel(model, { X: [[1, 2, 3, 4], [1]] })).rejects.toThrow(
      "Input 'X', row 1: expected an array of 4",
    )
    await expect(runModel(model, { X: [[1, 2]] })).rejects.toThrow(/The model rejected the input/)
  })
})

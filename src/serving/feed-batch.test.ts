import { describe, expect, it } from 'vitest'
import { splitOutputs, stackFeeds, type TensorData } from './feed-batch.js'

const f64 = (rows: number[][]): TensorData => ({
  type: 'float64',
  dims: [rows.length, rows[0]?.length ?? 1],
  data: Float64Array.from(rows.flat()),
})
const str = (values: string[]): TensorData => ({
  type: 'string',
  dims: [values.length, 1],
  data: values,
})

describe('stackFeeds', () => {
  it('stacks calls along the first dimension and remembers each call’s rows', () => {
    const stacked = stackFeeds([
      { x: f64([[1, 2]]), c: str(['a']) },
      {
        x: f64([
          [3, 4],
          [5, 6],
        ]),
        c: str(['b', 'c']),
      },
    ])
    expect(stacked?.rows).toEqual([1, 2])
    expect(stacked?.feeds.x).toEqual({
      type: 'float64',
      dims: [3, 2],
      data: Float64Array.from([1, 2, 3, 4, 5, 6]),
    })
    expect(stacked?.feeds.c).toEqual({ type: 'string', dims: [3, 1], data: ['a', 'b', 'c'] })
  })

  it('keeps the element type of integer inputs', () => {
    const a = { type: 'int64', dims: [1, 1], data: BigInt64Array.from([1n]) } as const
    const b = { type: 'int64', dims: [1, 1], data: BigInt64Array.from([2n]) } as const
    expect(stackFeeds([{ i: a }, { i: b }])?.feeds.i?.data).toEqual(BigInt64Array.from([1n, 2n]))
  })

  it('refuses calls that cannot share a run', () => {
    // Different trailing dimensions (sequences of different lengths).
    expect(stackFeeds([{ x: f64([[1, 2]]) }, { x: f64([[1, 2, 3]]) }])).toBeUndefined()
    // An optional input present in one call only.
    expect(stackFeeds([{ x: f64([[1]]) }, { x: f64([[1]]), c: str(['a']) }])).toBeUndefined()
    // Different element types.
    expect(stackFeeds([{ x: f64([[1]]) }, { x: str(['1']) }])).toBeUndefined()
    // Inputs of one call that disagree on their rows.
    expect(stackFeeds([{ x: f64([[1], [2]]), c: str(['a']) }])).toBeUndefined()
    expect(stackFeeds([])).toBeUndefined()
  })
})

describe('splitOutputs', () => {
  it('cuts each output back into the calls’ rows', () => {
    const parts = splitOutputs(
      {
        p: f64([
          [0.1, 0.9],
          [0.2, 0.8],
          [0.3, 0.7],
        ]),
        label: str(['x', 'y', 'z']),
      },
      [2, 1],
    )
    expect(parts).toEqual([
      {
        p: f64([
          [0.1, 0.9],
          [0.2, 0.8],
        ]),
        label: str(['x', 'y']),
      },
      { p: f64([[0.3, 0.7]]), label: str(['z']) },
    ])
  })

  it('refuses outputs that are not one row per input row', () => {
    const total: TensorData = { type: 'float64', dims: [], data: Float64Array.from([6]) }
    expect(splitOutputs({ total }, [1, 2])).toBeUndefined()
    expect(splitOutputs({ p: f64([[1], [2]]) }, [1, 2])).toBeUndefined()
  })
})

import { describe, expect, it } from 'vitest'
import { InvalidParameterError } from '../shared/errors.js'
import { frameFromRecords, frameLength, takeRows } from './frame.js'
import { splitRows } from './random.js'

describe('frames', () => {
  it('reads JSON records: null numbers are NaN, null strings are unknown categories', () => {
    const frame = frameFromRecords(
      [
        { x: 1, city: 'Oslo', ignored: true },
        { x: null, city: null },
        { x: true, city: 7 },
      ],
      { x: 'number', city: 'string' },
    )
    expect(frame).toEqual({ x: Float64Array.of(1, NaN, 1), city: ['Oslo', '', '7'] })
  })

  it('names the record and field of a wrong value', () => {
    const read = () => frameFromRecords([{ x: 1 }, { x: 'two' }], { x: 'number' })
    expect(read).toThrow(InvalidParameterError)
    expect(read).toThrow("Record 1: field 'x' must be a number, got string")
  })

  it('checks column lengths and takes rows', () => {
    expect(() => frameLength({ a: Float64Array.of(1), b: ['x', 'y'] })).toThrow(
      "Column 'b' has 2 rows, but the frame's other columns have 1",
    )
    const frame = { a: Float64Array.of(1, 2, 3), b: ['x', 'y', 'z'] }
    expect(takeRows(frame, Uint32Array.of(2, 0))).toEqual({
      a: Float64Array.of(3, 1),
      b: ['z', 'x'],
    })
  })

  it('splits rows reproducibly and per class', () => {
    const strata = Uint32Array.from({ length: 100 }, (_, i) => (i < 80 ? 0 : 1))
    const split = splitRows(100, 0.25, 5, strata)
    expect(split).toEqual(splitRows(100, 0.25, 5, strata))
    expect(split.validation.length).toBe(25)
    expect(split.validation.filter((row) => row >= 80).length).toBe(5)
    expect(splitRows(10, 0, 5).validation.length).toBe(0)
  })
})

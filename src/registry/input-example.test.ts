import { describe, expect, it } from 'vitest'
import { inputExampleToModelInput } from './input-example.js'

describe('inputExampleToModelInput', () => {
  it('reads the shapes MLflow saves examples in', () => {
    const records = [{ a: 1, b: 'x' }]
    const split = { columns: ['a', 'b'], data: [[1, 'x']] }
    expect(inputExampleToModelInput(split)).toEqual(records)
    expect(inputExampleToModelInput(records)).toEqual(records)
    expect(inputExampleToModelInput({ dataframe_split: split })).toEqual(records)
    expect(inputExampleToModelInput({ dataframe_records: records })).toEqual(records)
    expect(inputExampleToModelInput({ inputs: { a: [1, 2] } })).toEqual({ a: [1, 2] })
    expect(inputExampleToModelInput({ inputs: records })).toEqual(records)
  })

  it('says undefined for shapes it does not know', () => {
    for (const example of [3, 'x', null, [1, 2], { inputs: 3 }, { columns: 'a' }]) {
      expect(inputExampleToModelInput(example)).toBeUndefined()
    }
  })
})

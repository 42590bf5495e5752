import { describe, expect, it } from 'vitest'
import { demographicParityDifference, equalOpportunityDifference } from './fairness.js'

describe('demographicParityDifference', () => {
  it('is the gap in selection rate between groups', () => {
    expect(demographicParityDifference([1, 0, 1, 1], ['a', 'a', 'b', 'b'])).toEqual({
      difference: 0.5,
      rates: { a: 0.5, b: 1 },
    })
  })

  it('is 0 for one group and for equal rates, NaN for no rows', () => {
    expect(demographicParityDifference([1, 0], ['a', 'a']).difference).toBe(0)
    expect(demographicParityDifference([1, 0, 0, 1], ['a', 'a', 'b', 'b']).difference).toBe(0)
    expect(demographicParityDifference([], []).difference).toBeNaN()
  })
})

describe('equalOpportunityDifference', () => {
  it('is the gap in true-positive rate between groups', () => {
    const gap = equalOpportunityDifference([1, 1, 1, 0], [1, 0, 1, 1], ['a', 'a', 'b', 'b'])
    expect(gap).toEqual({ difference: 0.5, rates: { a: 0.5, b: 1 } })
  })

  it('leaves out groups without positive labels', () => {
    const gap = equalOpportunityDifference([1, 0, 0], [1, 1, 1], ['a', 'b', 'b'])
    expect(gap).toEqual({ difference: 0, rates: { a: 1 } })
    expect(equalOpportunityDifference([0, 0], [1, 1], ['a', 'b']).difference).toBeNaN()
  })
})

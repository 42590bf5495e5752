import { describe, expect, it } from 'vitest'
import { CategoricalProfile, compareCategories } from './categorical-profile.js'

describe('CategoricalProfile', () => {
  it('counts categories and treats null, undefined and NaN as missing', () => {
    const profile = CategoricalProfile.of(['a', 'b', 'a', null, undefined, NaN, 'c', 'a', 'b'])
    expect([profile.count, profile.missingCount, profile.otherCount]).toEqual([6, 3, 0])
    expect(profile.topK(2)).toEqual([
      { category: 'a', count: 3 },
      { category: 'b', count: 2 },
    ])
  })

  it('merges partitions and round-trips through JSON', () => {
    const merged = CategoricalProfile.of(['x', 'y']).merge(CategoricalProfile.of(['y', 1, true]))
    const json = JSON.parse(JSON.stringify(merged.toJSON()))
    expect(json).toEqual({
      kind: 'categorical',
      count: 5,
      missingCount: 0,
      otherCount: 0,
      maxCategories: 10_000,
      categories: [
        ['y', 2],
        [true, 1],
        [1, 1],
        ['x', 1],
      ],
    })
    expect(CategoricalProfile.fromJSON(json).toJSON()).toEqual(json)
  })

  it('folds the least frequent categories into "other" past maxCategories', () => {
    const profile = CategoricalProfile.of(['a', 'a', 'b', 'c', 'c', 'c', 'd'], { maxCategories: 2 })
    expect([...profile.counts]).toEqual([
      ['c', 3],
      ['a', 2],
    ])
    expect([profile.count, profile.otherCount]).toEqual([7, 2])
  })

  it('orders categories as Python sorts them', () => {
    const sorted = ['b', 10, true, 'a', 2, false].sort(compareCategories)
    expect(sorted).toEqual([false, true, 2, 10, 'a', 'b'])
  })
})

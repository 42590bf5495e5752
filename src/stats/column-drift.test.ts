import { describe, expect, it } from 'vitest'
import { CategoricalProfile } from './categorical-profile.js'
import { chooseDefaultTest } from './choose-default-test.js'
import { columnDrift, isDrift } from './column-drift.js'
import { datasetDrift } from './dataset-drift.js'
import { driftTests } from './drift-tests.js'
import { generateSample } from './fixtures/generated-sample.js'
import { NumericProfile } from './numeric-profile.js'
import { NumericSample } from './numeric-sample.js'

const bell = (seed: number, n: number, loc = 0) =>
  generateSample({ seed, n, dist: 'bell', loc, scale: 1 })
const integers = (seed: number, n: number, distinct: number) =>
  generateSample({ seed, n, dist: 'integers', loc: 0, scale: distinct })

describe('chooseDefaultTest (Evidently _get_default_stattest)', () => {
  it.each([
    ['numerical', 1000, 6, 'ks'],
    ['numerical', 1000, 5, 'chisquare'],
    ['numerical', 1000, 3, 'chisquare'],
    ['numerical', 1000, 2, 'z'],
    ['categorical', 1000, 3, 'chisquare'],
    ['categorical', 1000, 2, 'z'],
    ['numerical', 1001, 6, 'wasserstein'],
    ['numerical', 1001, 5, 'jensenshannon'],
    ['numerical', 1001, 2, 'jensenshannon'],
    ['categorical', 1001, 50, 'jensenshannon'],
  ] as const)('%s, n_ref %d, %d values: %s', (kind, size, unique, expected) => {
    expect(chooseDefaultTest(kind, size, unique).name).toBe(expected)
  })
})

describe('columnDrift', () => {
  it('picks the default test from the cleaned reference and the pooled cardinality', () => {
    const small = NumericSample.of(bell(1, 500))
    expect(columnDrift(small, NumericSample.of(bell(2, 500))).test).toBe('ks')
    const large = NumericSample.of(bell(3, 2000))
    expect(columnDrift(large, NumericSample.of(bell(4, 500))).test).toBe('wasserstein')
    const withNaN = NumericSample.of([...bell(5, 1000), NaN, NaN])
    expect(columnDrift(withNaN, NumericSample.of(bell(6, 10))).test).toBe('ks')
    const three = NumericSample.of(integers(7, 300, 3))
    expect(columnDrift(three, NumericSample.of(integers(8, 300, 3))).test).toBe('chisquare')
    const cats = CategoricalProfile.of(['a', 'b', 'a'])
    expect(columnDrift(cats, CategoricalProfile.of(['b', 'b'])).test).toBe('z')
  })

  it('reports the score, threshold and verdict of the test', () => {
    const result = columnDrift(NumericSample.of(bell(9, 800)), NumericSample.of(bell(10, 800, 0.5)))
    expect(result).toMatchObject({ test: 'ks', threshold: 0.05, isDrifted: true })
    expect(result.score).toBe(result.pValue)
    expect([result.referenceCount, result.currentCount]).toEqual([800, 800])
    const psi = columnDrift(NumericSample.of(bell(9, 800)), NumericSample.of(bell(9, 800)), {
      test: 'psi',
      threshold: 0.2,
    })
    expect(psi).toEqual({
      test: 'psi',
      statistic: 0,
      score: 0,
      threshold: 0.2,
      isDrifted: false,
      referenceCount: 800,
      currentCount: 800,
    })
  })

  it('applies each test’s threshold rule at the boundary', () => {
    expect(isDrift(driftTests.ks, 0.05, 0.05)).toBe(true)
    expect(isDrift(driftTests.chisquare, 0.05, 0.05)).toBe(false)
    expect(isDrift(driftTests.z, 0.05, 0.05)).toBe(false)
    expect(isDrift(driftTests.wasserstein, 0.1, 0.1)).toBe(true)
    expect(isDrift(driftTests.psi, 0.099, 0.1)).toBe(false)
  })

  it('refuses empty columns, mixed kinds and tests that do not apply', () => {
    const numbers = NumericSample.of([1, 2, 3])
    const cats = CategoricalProfile.of(['a'])
    expect(() => columnDrift(NumericSample.of([NaN, Infinity]), numbers)).toThrow(
      /the reference column has no values/,
    )
    expect(() => columnDrift(numbers, cats)).toThrow(/both must be the same kind/)
    expect(() => columnDrift(cats, cats, { test: 'ks' })).toThrow(/takes numerical/)
  })

  it('treats a single shared category as no drift', () => {
    const one = CategoricalProfile.of(['x', 'x'])
    expect(columnDrift(one, one)).toMatchObject({ test: 'z', pValue: 1, isDrifted: false })
    expect(columnDrift(one, one, { test: 'chisquare' })).toMatchObject({
      pValue: 1,
      isDrifted: false,
    })
  })
})

describe('columnDrift against a stored reference profile', () => {
  const stored = <T extends { toJSON(): unknown }>(p: T) => JSON.parse(JSON.stringify(p.toJSON()))

  it('is exact for categorical columns', () => {
    const ref = CategoricalProfile.of(Array.from(integers(11, 3000, 6), String))
    const cur = CategoricalProfile.of(Array.from(integers(12, 2000, 7), String))
    const restored = CategoricalProfile.fromJSON(stored(ref))
    for (const test of ['chisquare', 'z', 'psi', 'jensenshannon'] as const) {
      expect(columnDrift(restored, cur, { test })).toEqual(columnDrift(ref, cur, { test }))
    }
  })

  it('is exact for numerical columns with few distinct values', () => {
    const raw = integers(13, 5000, 8)
    const ref = NumericProfile.fromJSON(stored(NumericProfile.of(raw)))
    const cur = NumericSample.of(integers(14, 4000, 9))
    for (const test of ['chisquare', 'z', 'psi', 'jensenshannon'] as const) {
      expect(columnDrift(ref, cur, { test })).toEqual(
        columnDrift(NumericSample.of(raw), cur, { test }),
      )
    }
  })

  it('bins continuous columns on the reference edges, counting values out of range apart', () => {
    const ref = NumericProfile.of(bell(15, 20_000))
    const same = columnDrift(ref, NumericSample.of(bell(16, 20_000)), { test: 'psi' })
    const moved = columnDrift(ref, NumericSample.of(bell(17, 20_000, 3)), { test: 'psi' })
    expect(same.statistic).toBeLessThan(0.01)
    expect(moved.statistic).toBeGreaterThan(1)
    const window = NumericProfile.of(bell(16, 20_000), { edges: ref.histogram.edges })
    expect(columnDrift(ref, window, { test: 'psi' }).statistic).toBeCloseTo(same.statistic, 12)
  })
})

describe('datasetDrift', () => {
  const columns = (drifted: number, total: number) =>
    Array.from({ length: total }, (_, i) => ({ isDrifted: i < drifted }))

  it('flags the dataset when the share of drifted columns reaches driftShare', () => {
    expect(datasetDrift(columns(2, 4))).toEqual({
      columnCount: 4,
      driftedCount: 2,
      driftedShare: 0.5,
      isDrifted: true,
    })
    expect(datasetDrift(columns(1, 4)).isDrifted).toBe(false)
    expect(datasetDrift(columns(1, 4), { driftShare: 0.25 }).isDrifted).toBe(true)
    expect(datasetDrift([]).isDrifted).toBe(false)
  })
})

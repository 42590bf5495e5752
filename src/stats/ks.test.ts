import { describe, expect, it } from 'vitest'
import type { FixtureSource } from './fixtures/golden.js'
import { expectClose, fixtureValues, readFixture } from './fixtures/golden.js'
import { ks, ksTwoSample } from './ks.js'
import { NumericProfile } from './numeric-profile.js'
import { NumericSample } from './numeric-sample.js'

interface KsCase {
  name: string
  reference: FixtureSource
  current: FixtureSource
  statistic: number
  pValue: number
}

const golden = readFixture<{ cases: KsCase[] }>('ks-2samp.json')

describe('ksTwoSample against scipy.stats.ks_2samp', () => {
  it.each(golden.cases)('$name', ({ reference, current, statistic, pValue }) => {
    const a = NumericSample.of(fixtureValues(reference)).ecdf()
    const b = NumericSample.of(fixtureValues(current)).ecdf()
    const result = ksTwoSample(a, b)
    expectClose(result.statistic, statistic)
    expectClose(result.pValue, pValue)
  })
})

describe('ks drift test', () => {
  it('drops NaN and infinities before testing', () => {
    const clean = ks(NumericSample.of([1, 2, 3]), NumericSample.of([2, 3, 4, 5]))
    const dirty = ks(
      NumericSample.of([1, NaN, 2, Infinity, 3]),
      NumericSample.of([2, 3, -Infinity, 4, 5]),
    )
    expect(dirty).toEqual(clean)
  })

  it('finds no drift between identical samples', () => {
    expect(ks(NumericSample.of([5, 1, 3]), NumericSample.of([1, 3, 5]))).toEqual({
      statistic: 0,
      pValue: 1,
    })
  })

  it('refuses categorical columns', async () => {
    const { CategoricalProfile } = await import('./categorical-profile.js')
    expect(() => ks(CategoricalProfile.of(['a']), CategoricalProfile.of(['b']))).toThrow(
      /numerical/,
    )
  })

  // A profile's sketch stands in for the reference sample: D moves by at most the rank error.
  it('approximates D from a reference profile within the sketch rank error', () => {
    const spec = { n: 50_000, dist: 'bell', loc: 0, scale: 1 } as const
    const reference = fixtureValues({ sample: { seed: 61, ...spec } })
    const current = NumericSample.of(fixtureValues({ sample: { seed: 62, ...spec, loc: 0.05 } }))
    const exact = ks(NumericSample.of(reference), current)
    const approx = ks(NumericProfile.of(reference), current)
    expect(Math.abs(approx.statistic - exact.statistic)).toBeLessThan(0.0165)
    expect(Math.abs(approx.statistic - exact.statistic)).toBeLessThan(0.005) // typical, not a bound
  })
})

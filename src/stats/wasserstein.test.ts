import { describe, expect, it } from 'vitest'
import { expectClose, fixtureValues, readFixture } from './fixtures/golden.js'
import { NumericProfile } from './numeric-profile.js'
import { NumericSample } from './numeric-sample.js'
import { wasserstein, wassersteinDistance } from './wasserstein.js'

interface RawCase {
  u: number[]
  v: number[]
  expected: number
}

const golden = readFixture<{ raw: { wasserstein: RawCase[] } }>('drift.json')

describe('wassersteinDistance against scipy.stats.wasserstein_distance', () => {
  it.each(golden.raw.wasserstein)('$u vs $v', ({ u, v, expected }) => {
    expectClose(
      wassersteinDistance(NumericSample.of(u).ecdf(), NumericSample.of(v).ecdf()),
      expected,
    )
  })
})

describe('wasserstein drift test', () => {
  it('norms by max(std, 0.001) so that a constant reference does not divide by zero', () => {
    const result = wasserstein(NumericSample.of([2, 2, 2]), NumericSample.of([2, 2, 3]))
    expectClose(result.statistic, 1 / 3 / 0.001)
  })

  // Each sketch moves the distance by at most ε·(max − min), ε = 1.65% the rank error, and on
  // smooth data far less. Checked here on 200k values per side.
  it('approximates the normed distance from profiles within the sketch bound', () => {
    const spec = { n: 200_000, dist: 'bell', scale: 1 } as const
    const reference = fixtureValues({ sample: { seed: 71, loc: 0, ...spec } })
    const current = fixtureValues({ sample: { seed: 72, loc: 0.1, ...spec } })
    const exact = wasserstein(NumericSample.of(reference), NumericSample.of(current)).statistic
    const profiles = [NumericProfile.of(reference), NumericProfile.of(current)] as const
    const fromProfiles = wasserstein(...profiles).statistic
    const fromReferenceProfile = wasserstein(profiles[0], NumericSample.of(current)).statistic
    const range = Math.max(...profiles.map((p) => p.max)) - Math.min(...profiles.map((p) => p.min))
    const bound = (0.0165 * range) / NumericSample.of(reference).std()
    expect(Math.abs(fromProfiles - exact)).toBeLessThan(2 * bound)
    expect(Math.abs(fromReferenceProfile - exact)).toBeLessThan(bound)
    expect(Math.abs(fromProfiles - exact) / exact).toBeLessThan(0.05) // typical, not a bound
  })
})

import { describe, expect, it } from 'vitest'
import type { SampleSpec } from './fixtures/generated-sample.js'
import { generateSample } from './fixtures/generated-sample.js'
import { expectClose, readFixture } from './fixtures/golden.js'
import { NumericProfile } from './numeric-profile.js'

interface ProfileCase {
  sample: SampleSpec
  mean: number
  std: number
  sampleStd: number
  min: number
  max: number
  sturgesEdges: number[]
  histogram: number[]
  quantiles: Record<string, number>
}

const golden = readFixture<{ cases: ProfileCase[] }>('profile.json')

describe.each(golden.cases)(
  'NumericProfile of $sample.n $sample.dist values against numpy',
  (c) => {
    const values = generateSample(c.sample)
    const profile = NumericProfile.of(values)
    const sorted = values.slice().sort()

    it('computes count, min, max, mean and std (ddof 0 and 1)', () => {
      expect([profile.count, profile.min, profile.max]).toEqual([c.sample.n, c.min, c.max])
      expectClose(profile.mean, c.mean)
      expectClose(profile.std(), c.std)
      expectClose(profile.std(1), c.sampleStd)
    })

    it('bins on numpy sturges edges with numpy histogram counts', () => {
      expect(profile.histogram.edges).toEqual(c.sturgesEdges)
      expect(profile.histogram.counts).toEqual(c.histogram)
      expect([profile.histogram.underflow, profile.histogram.overflow]).toEqual([0, 0])
    })

    // Exact (numpy 'inverted_cdf') below k = 200 values; otherwise q lies within the sketch's
    // 1.65% rank error of the estimate's true rank interval [F(x⁻), F(x)].
    it('answers quantiles within the sketch rank error', () => {
      const fraction = (count: number) => count / sorted.length
      for (const [q, expected] of Object.entries(c.quantiles)) {
        const estimate = profile.quantile(Number(q))
        if (c.sample.n < 200) expect(estimate).toBe(expected)
        const below = fraction(sorted.filter((v) => v < estimate).length)
        const atOrBelow = fraction(sorted.filter((v) => v <= estimate).length)
        expect(Number(q)).toBeGreaterThan(below - 0.0165)
        expect(Number(q)).toBeLessThan(atOrBelow + 0.0165)
      }
    })
  },
)

describe('NumericProfile', () => {
  it('counts NaN and null as missing and infinities apart, excluding both', () => {
    const profile = NumericProfile.of([1, NaN, null, 3, Infinity, -Infinity, undefined])
    expect([profile.count, profile.missingCount, profile.infiniteCount]).toEqual([2, 3, 2])
    expect([profile.min, profile.max, profile.mean, profile.std()]).toEqual([1, 3, 2, 1])
  })

  it('profiles an empty column', () => {
    const json = NumericProfile.of([NaN]).toJSON()
    expect(json).toMatchObject({ count: 0, missingCount: 1, min: null, max: null, mean: null })
    expect(JSON.parse(JSON.stringify(json))).toEqual(json)
  })

  it('merges partitions into the profile of their union', () => {
    const all = generateSample({ seed: 81, n: 30_000, dist: 'bell', loc: 5, scale: 2 })
    const whole = NumericProfile.of(all)
    const edges = whole.histogram.edges
    const a = NumericProfile.of(all.subarray(0, 10_000), { edges })
    const b = NumericProfile.of(all.subarray(10_000), { edges })
    const merged = a.merge(b)
    expect(merged.histogram).toEqual(whole.histogram)
    expect([merged.count, merged.min, merged.max]).toEqual([whole.count, whole.min, whole.max])
    expectClose(merged.mean, whole.mean, 1e-12)
    expectClose(merged.std(), whole.std(), 1e-12)
    expect(Math.abs(merged.quantile(0.5) - whole.quantile(0.5))).toBeLessThan(0.1)
  })

  it('builds from parts the profile it would have of the whole column', () => {
    const all = generateSample({ seed: 83, n: 30_000, dist: 'bell', loc: 5, scale: 2 })
    all[7] = NaN
    all[9] = Infinity
    const whole = NumericProfile.of(all)
    const builder = NumericProfile.builder(whole.histogram.edges)
    for (let at = 0; at < all.length; at += 4096) builder.add(all.subarray(at, at + 4096))
    const built = builder.build()
    expect(built.histogram).toEqual(whole.histogram)
    expect([built.count, built.missingCount, built.infiniteCount, built.min, built.max]).toEqual([
      whole.count,
      whole.missingCount,
      whole.infiniteCount,
      whole.min,
      whole.max,
    ])
    expectClose(built.mean, whole.mean, 1e-12)
    expectClose(built.std(), whole.std(), 1e-12)
    for (const q of [0.1, 0.5, 0.9]) expectClose(built.quantile(q), whole.quantile(q), 0.05)
    const small = NumericProfile.builder([0, 2, 4])
    small.add([1, 1])
    small.add([3, null])
    expect(small.build().valueCounts(10)).toEqual(
      new Map([
        [1, 2],
        [3, 1],
      ]),
    )
    expect(NumericProfile.builder([]).build().toJSON()).toMatchObject({ count: 0, min: null })
  })

  it('keeps exact value counts for low-cardinality columns, through merges', () => {
    const a = NumericProfile.of([1, 2, 2, 3])
    const b = NumericProfile.of([3, 3, 4], { edges: a.histogram.edges })
    expect(a.merge(b).valueCounts(10)).toEqual(
      new Map([
        [1, 1],
        [2, 2],
        [3, 3],
        [4, 1],
      ]),
    )
    expect(a.valueCounts(2)).toBeUndefined()
    expect(
      NumericProfile.of(
        generateSample({ seed: 1, n: 500, dist: 'bell', loc: 0, scale: 1 }),
      ).valueCounts(1000),
    ).toBeUndefined()
  })

  it('round-trips through plain JSON', () => {
    const profile = NumericProfile.of(
      generateSample({ seed: 82, n: 5000, dist: 'uniform', loc: 0, scale: 1 }),
    )
    const json = JSON.parse(JSON.stringify(profile.toJSON()))
    expect(NumericProfile.fromJSON(json).toJSON()).toEqual(profile.toJSON())
  })

  it('refuses to merge histograms on different edges', () => {
    const a = NumericProfile.of([1, 2, 3])
    const b = NumericProfile.of([10, 20, 30])
    expect(() => a.merge(b)).toThrow(/reference profile's `edges`/)
  })
})

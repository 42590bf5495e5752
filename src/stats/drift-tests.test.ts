import { describe, expect, it } from 'vitest'
import { CategoricalProfile } from './categorical-profile.js'
import type { ColumnSource } from './drift-test.js'
import { driftTests } from './drift-tests.js'
import type { FixtureSource } from './fixtures/golden.js'
import { expectClose, fixtureValues, readFixture } from './fixtures/golden.js'
import { NumericSample } from './numeric-sample.js'

interface Expected {
  psi: number
  jensenshannon: number
  chisquare: { statistic: number; pValue: number }
  z: number
  wasserstein?: { distance: number; std: number; normed: number }
  ks?: number
}

interface DriftCase {
  name: string
  kind: 'numerical' | 'categorical'
  reference: FixtureSource
  current: FixtureSource
  expected: Expected
}

const golden = readFixture<{ cases: DriftCase[] }>('drift.json')

function source(kind: DriftCase['kind'], input: FixtureSource): ColumnSource {
  const values = fixtureValues(input)
  return kind === 'numerical' ? NumericSample.of(values) : CategoricalProfile.of(Array.from(values))
}

describe.each(golden.cases)('Evidently drift tests: $name ($kind)', (c) => {
  const reference = source(c.kind, c.reference)
  const current = source(c.kind, c.current)
  const run = (name: keyof typeof driftTests) => driftTests[name].run(reference, current)

  it('psi', () => expectClose(run('psi').statistic, c.expected.psi))
  it('jensenshannon', () => expectClose(run('jensenshannon').statistic, c.expected.jensenshannon))

  it('chisquare (p = 1 where scipy gives NaN for a single category)', () => {
    const result = run('chisquare')
    expectClose(result.statistic, c.expected.chisquare.statistic)
    const expected = c.expected.chisquare.pValue
    expectClose(result.pValue ?? NaN, Number.isNaN(expected) ? 1 : expected)
  })

  it('z', () => expectClose(run('z').pValue ?? NaN, c.expected.z))

  it.runIf(c.kind === 'numerical')('wasserstein (normed; numerical columns only)', () => {
    expectClose(run('wasserstein').statistic, c.expected.wasserstein?.normed ?? NaN)
  })

  it.runIf(c.kind === 'numerical')('ks (numerical columns only)', () => {
    expectClose(run('ks').pValue ?? NaN, c.expected.ks ?? NaN)
  })
})

describe('drift test edge cases', () => {
  const all = Object.values(driftTests)

  it.each(all.map((t) => [t.name, t] as const))('%s refuses an empty side', (_, test) => {
    const kind = test.columnKinds.includes('categorical') ? 'categorical' : 'numerical'
    const empty = kind === 'numerical' ? NumericSample.of([NaN]) : CategoricalProfile.of([null])
    const full = kind === 'numerical' ? NumericSample.of([1, 2]) : CategoricalProfile.of(['a'])
    expect(() => test.run(empty, full)).toThrow(/the reference column has no values/)
    expect(() => test.run(full, empty)).toThrow(/the current column has no values/)
  })

  it.each(all.map((t) => [t.name, t] as const))('%s drops NaN and ±Infinity first', (_, test) => {
    const clean = test.run(NumericSample.of([1, 2, 2, 5]), NumericSample.of([2, 3, 3]))
    const dirty = test.run(
      NumericSample.of([1, NaN, 2, 2, Infinity, 5]),
      NumericSample.of([-Infinity, 2, 3, NaN, 3]),
    )
    expect(dirty).toEqual(clean)
  })
})

describe('drift test descriptors', () => {
  it('say how to read each score, as Evidently does', () => {
    const rules = Object.values(driftTests).map((t) => [
      t.name,
      t.defaultThreshold,
      t.driftWhen,
      t.isThresholdInclusive,
    ])
    expect(rules).toEqual([
      ['ks', 0.05, 'below', true],
      ['chisquare', 0.05, 'below', false],
      ['z', 0.05, 'below', false],
      ['psi', 0.1, 'above', true],
      ['jensenshannon', 0.1, 'above', true],
      ['wasserstein', 0.1, 'above', true],
    ])
  })
})

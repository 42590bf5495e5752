import { describe, it } from 'vitest'
import { chiSquareSf, normalCdf } from './distributions.js'
import { expectClose, readFixture } from './fixtures/golden.js'
import { kstwoSf } from './kstwo.js'
import { logGamma } from './log-gamma.js'
import { smirnovSf } from './smirnov.js'

interface SpecialFixture {
  gammaln: [number, number][]
  chi2Sf: [number, number, number][]
  ndtr: [number, number][]
  smirnov: [number, number, number][]
  kstwoSf: [number, number, number][]
}

const golden = readFixture<SpecialFixture>('special-functions.json')

describe('special functions against scipy', () => {
  it.each(golden.gammaln)('gammaln(%d)', (x, expected) => {
    expectClose(logGamma(x), expected)
  })

  it.each(golden.chi2Sf)('chi2.sf(%d, %d)', (x, dof, expected) => {
    expectClose(chiSquareSf(x, dof), expected)
  })

  it.each(golden.ndtr)('ndtr(%d)', (z, expected) => {
    expectClose(normalCdf(z), expected)
  })

  it.each(golden.smirnov)('smirnov(%d, %d)', (n, d, expected) => {
    expectClose(smirnovSf(n, d), expected)
  })

  it.each(golden.kstwoSf)('kstwo.sf(%d, %d)', (d, n, expected) => {
    expectClose(kstwoSf(d, n), expected)
  })
})

describe('special functions at the edges of their domains', () => {
  it('returns NaN outside the domain and the limits at its ends', () => {
    expectClose(chiSquareSf(0, 3), 1)
    expectClose(chiSquareSf(Infinity, 3), 0)
    expectClose(chiSquareSf(1, 0), NaN)
    expectClose(kstwoSf(0, 10), 1)
    expectClose(kstwoSf(1, 10), 0)
    expectClose(kstwoSf(0.5, 0), NaN)
    expectClose(logGamma(-1), NaN)
    expectClose(normalCdf(-Infinity), 0)
    expectClose(normalCdf(Infinity), 1)
  })
})

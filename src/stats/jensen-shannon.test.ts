import { describe, it } from 'vitest'
import { expectClose, readFixture } from './fixtures/golden.js'
import { jensenShannonDistance } from './jensen-shannon.js'

interface RawCase {
  p: number[]
  q: number[]
  expected: number
}

const golden = readFixture<{ raw: { jensenshannon: RawCase[] } }>('drift.json')

describe('jensenShannonDistance against scipy.spatial.distance.jensenshannon', () => {
  it.each(golden.raw.jensenshannon)('$p vs $q', ({ p, q, expected }) => {
    expectClose(jensenShannonDistance(p, q), expected)
  })

  it('reaches √ln 2 for disjoint distributions', () => {
    expectClose(jensenShannonDistance([1, 0], [0, 1]), Math.sqrt(Math.LN2))
  })
})

import { describe, expect, it } from 'vitest'
import type { SampleSpec } from './fixtures/generated-sample.js'
import { generateSample } from './fixtures/generated-sample.js'
import { KllSketch } from './kll-sketch.js'

// DataSketches' published all-ranks bound for k = 200 (99% confidence).
const RANK_ERROR_K200 = 0.0165

/** Largest |sketch rank − true rank| over 200 evenly spaced values of the sorted sample. */
function maxRankError(sketch: KllSketch, values: Float64Array): number {
  const sorted = values.slice().sort()
  let worst = 0
  for (let i = 0; i < 200; i++) {
    const index = Math.floor((i / 200) * sorted.length)
    const x = sorted[index] ?? 0
    let trueCount = index
    while (trueCount < sorted.length && (sorted[trueCount] ?? 0) <= x) trueCount++
    worst = Math.max(worst, Math.abs(sketch.rank(x) - trueCount / sorted.length))
  }
  return worst
}

const sample = (seed: number, n: number, dist: SampleSpec['dist'] = 'bell') =>
  generateSample({ seed, n, dist, loc: 0, scale: dist === 'integers' ? 50 : 1 })

describe('KllSketch', () => {
  it('is exact below k values', () => {
    const sketch = new KllSketch()
    sketch.addMany([5, 1, 4, 2, 3])
    expect([0, 0.2, 0.21, 0.5, 0.99, 1].map((q) => sketch.quantile(q))).toEqual([1, 1, 2, 3, 5, 5])
    expect(sketch.rank(3)).toBe(0.6)
  })

  it.each([
    ['bell', 1],
    ['uniform', 2],
    ['integers', 3],
  ] as const)('keeps the rank error of 200k %s values within 1.65%%', (dist, seed) => {
    const values = sample(seed, 200_000, dist)
    const sketch = new KllSketch()
    sketch.addMany(values)
    expect(sketch.count).toBe(200_000)
    expect(maxRankError(sketch, values)).toBeLessThan(RANK_ERROR_K200)
  })

  it('merges partitions into a sketch of the union with the same bound', () => {
    const parts = [sample(4, 70_000), sample(5, 30_000), sample(6, 100_000)]
    const merged = new KllSketch()
    for (const part of parts) {
      const sketch = new KllSketch()
      sketch.addMany(part)
      merged.merge(sketch)
    }
    const all = new Float64Array(200_000)
    all.set(parts[0] ?? [], 0)
    all.set(parts[1] ?? [], 70_000)
    all.set(parts[2] ?? [], 100_000)
    expect(merged.count).toBe(200_000)
    const sorted = all.slice().sort()
    expect([merged.min, merged.max]).toEqual([sorted[0], sorted.at(-1)])
    expect(maxRankError(merged, all)).toBeLessThan(RANK_ERROR_K200)
  })

  it('is deterministic and continues identically after a JSON round trip', () => {
    const [a, b] = [new KllSketch(), new KllSketch()]
    a.addMany(sample(7, 5000))
    b.addMany(sample(7, 5000))
    const restored = KllSketch.fromJSON(JSON.parse(JSON.stringify(a.toJSON())))
    a.addMany(sample(8, 5000))
    restored.addMany(sample(8, 5000))
    expect(restored.toJSON()).toEqual(a.toJSON())
    expect(b.toJSON()).toEqual(KllSketch.fromJSON(b.toJSON()).toJSON())
  })

  it('samples long streams and stays within 1.25 times the bound, counting every value', () => {
    const values = sample(9, 1_000_000, 'uniform')
    for (const sketch of [new KllSketch(), new KllSketch(200, 7, { expectedCount: 1_000_000 })]) {
      // Odd part sizes leave sampler blocks unfinished between calls.
      for (let at = 0; at < values.length; at += 65_537)
        sketch.addMany(values.subarray(at, at + 65_537))
      expect(sketch.count).toBe(1_000_000)
      const sorted = values.slice().sort()
      expect([sketch.min, sketch.max]).toEqual([sorted[0], sorted.at(-1)])
      expect(maxRankError(sketch, values)).toBeLessThan(1.25 * RANK_ERROR_K200)
      // Every value is represented exactly once: the weights add up to n.
      const { cumulativeWeights, total } = sketch.ecdf()
      expect([cumulativeWeights?.at(-1), total]).toEqual([1_000_000, 1_000_000])
    }
  })

  it('keeps an unfinished sampler block through a JSON round trip', () => {
    const a = new KllSketch(200, 3, { expectedCount: 1_000_000 })
    a.addMany([1, 2, 3]) // blocks are larger than three values: all three are still pending
    const restored = KllSketch.fromJSON(JSON.parse(JSON.stringify(a.toJSON())))
    expect([restored.count, restored.rank(2), restored.min, restored.max]).toEqual([3, 2 / 3, 1, 3])
  })

  it('ignores non-finite values and answers NaN when empty', () => {
    const sketch = new KllSketch()
    sketch.addMany([NaN, Infinity, -Infinity])
    expect([sketch.count, sketch.quantile(0.5), sketch.rank(0), sketch.min]).toEqual([
      0,
      NaN,
      NaN,
      NaN,
    ])
    expect(() => new KllSketch(4)).toThrow(/k must be/)
  })
})

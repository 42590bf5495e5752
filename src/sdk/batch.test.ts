import { describe, expect, it } from 'vitest'
import { BATCH_LIMITS, chunkBatch } from './batch.js'

const metrics = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ key: 'm', value: i, timestamp: 0, step: i }))
const pairs = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: String(i) }))

const sizes = (batches: ReturnType<typeof chunkBatch>) =>
  batches.map((b) => [b.metrics?.length ?? 0, b.params?.length ?? 0, b.tags?.length ?? 0])

describe('chunkBatch', () => {
  it('sends nothing for an empty batch', () => {
    expect(chunkBatch({})).toEqual([])
  })

  it('keeps a batch within the limits as one request', () => {
    expect(
      sizes(chunkBatch({ metrics: metrics(10), params: pairs(3, 'p'), tags: pairs(2, 't') })),
    ).toEqual([[10, 3, 2]])
  })

  it('splits params and tags by 100 and tops each request up with metrics to 1000', () => {
    const batches = chunkBatch({
      metrics: metrics(2500),
      params: pairs(250, 'p'),
      tags: pairs(120, 't'),
    })
    expect(sizes(batches)).toEqual([
      [800, 100, 100],
      [880, 100, 20],
      [820, 50, 0],
    ])
    for (const b of batches) {
      const total = (b.metrics?.length ?? 0) + (b.params?.length ?? 0) + (b.tags?.length ?? 0)
      expect(total).toBeLessThanOrEqual(BATCH_LIMITS.total)
    }
  })

  it('sends the remaining metrics 1000 at a time, in order', () => {
    const all = metrics(2345)
    const batches = chunkBatch({ metrics: all })
    expect(sizes(batches)).toEqual([
      [1000, 0, 0],
      [1000, 0, 0],
      [345, 0, 0],
    ])
    expect(batches.flatMap((b) => b.metrics ?? [])).toEqual(all)
  })
})

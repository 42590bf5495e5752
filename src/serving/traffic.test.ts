import { describe, expect, it } from 'vitest'
import { bucketOf, routesToCanary } from './traffic.js'

describe('sticky traffic split', () => {
  const keys = Array.from({ length: 10_000 }, (_, i) => `customer-${i}`)

  it('puts each key in one stable bucket', () => {
    expect(keys.slice(0, 50).map(bucketOf)).toEqual(keys.slice(0, 50).map(bucketOf))
    for (const key of keys.slice(0, 200)) {
      const bucket = bucketOf(key)
      expect(bucket).toBeGreaterThanOrEqual(0)
      expect(bucket).toBeLessThan(10_000)
    }
  })

  it.each([1, 5, 10, 25, 50, 90])(
    'sends %s%% of keys to the canary, within four standard deviations',
    (weight) => {
      const share = keys.filter((k) => routesToCanary(k, weight)).length / keys.length
      const p = weight / 100
      const tolerance = 4 * Math.sqrt((p * (1 - p)) / keys.length)
      expect(Math.abs(share - p)).toBeLessThan(tolerance)
    },
  )

  it('only moves keys from stable to canary as the weight rises', () => {
    for (const key of keys.slice(0, 2000)) {
      const steps = [0, 5, 25, 50, 100].map((w) => routesToCanary(key, w))
      expect(steps[0]).toBe(false)
      expect(steps[4]).toBe(true)
      steps.forEach((canary, i) => {
        if (i > 0 && steps[i - 1]) expect(canary).toBe(true)
      })
    }
  })
})

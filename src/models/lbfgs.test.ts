import { describe, expect, it } from 'vitest'
import { minimiseLbfgs } from './lbfgs.js'

describe('minimiseLbfgs', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const seen: number[] = []
    const result = minimiseLbfgs(
      (x, gradient) => {
        const [a = 0, b = 0] = x
        gradient[0] = -2 * (1 - a) - 400 * a * (b - a * a)
        gradient[1] = 200 * (b - a * a)
        return (1 - a) ** 2 + 100 * (b - a * a) ** 2
      },
      Float64Array.of(-1.2, 1),
      { maxIterations: 200, tolerance: 1e-8, onIteration: (i) => seen.push(i) },
    )
    expect(result.x[0]).toBeCloseTo(1, 6)
    expect(result.x[1]).toBeCloseTo(1, 6)
    expect(seen).toEqual(Array.from({ length: result.iterations }, (_, i) => i + 1))
  })

  it('stops at the iteration limit', () => {
    const result = minimiseLbfgs(
      (x, gradient) => {
        gradient[0] = 2 * ((x[0] ?? 0) - 3)
        return ((x[0] ?? 0) - 3) ** 2
      },
      Float64Array.of(100),
      { maxIterations: 1, tolerance: 0 },
    )
    expect(result.iterations).toBe(1)
  })
})

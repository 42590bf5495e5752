import { describe, expect, it } from 'vitest'
import { binColumn, binThreshold, fitBinEdges, MISSING_BIN } from './histogram-binner.js'

describe('histogram binning', () => {
  it('puts edges midway between distinct values when there are few', () => {
    const column = Float64Array.of(3, 1, NaN, 2, 2, 1)
    const { edges } = fitBinEdges([column], 255, 0)
    expect(Array.from(edges[0] ?? [])).toEqual([1.5, 2.5])
    expect(Array.from(binColumn(column, edges[0] ?? new Float64Array(0)))).toEqual([
      2,
      0,
      MISSING_BIN,
      1,
      1,
      0,
    ])
  })

  it('uses midpoint quantiles, at most maxBins bins, when there are many values', () => {
    const column = Float64Array.from({ length: 1000 }, (_, i) => i)
    const edges = fitBinEdges([column], 4, 0).edges[0] ?? new Float64Array(0)
    expect(Array.from(edges)).toEqual([249.5, 499.5, 749.5])
    const bins = binColumn(column, edges)
    expect([bins[249], bins[250], bins[999]]).toEqual([0, 1, 3])
  })

  it('maps bin splits to value thresholds: bin ≤ b exactly when x ≤ threshold', () => {
    const column = Float64Array.from({ length: 500 }, (_, i) => Math.sin(i) * 10)
    const edges = fitBinEdges([column], 16, 0).edges[0] ?? new Float64Array(0)
    const bins = binColumn(column, edges)
    const disagreements: number[] = []
    for (let b = 0; b <= edges.length; b++) {
      const threshold = binThreshold(edges, b)
      column.forEach((x, i) => {
        if ((bins[i] ?? 0) <= b !== x <= threshold) disagreements.push(i)
      })
    }
    expect(disagreements).toEqual([])
  })

  it('gives an all-missing column no edges', () => {
    expect(Array.from(fitBinEdges([Float64Array.of(NaN, NaN)], 255, 0).edges[0] ?? [1])).toEqual([])
  })
})

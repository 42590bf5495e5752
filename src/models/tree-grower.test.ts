import { describe, expect, it } from 'vitest'
import { MISSING_BIN } from './histogram-binner.js'
import { TreeGrower } from './tree-grower.js'

// Feature 0 separates the gradients perfectly at bin 1; feature 1 is noise; row 6 is missing.
const bins = [
  Uint8Array.of(0, 0, 1, 1, 2, 2, MISSING_BIN, 3),
  Uint8Array.of(0, 1, 0, 1, 0, 1, 0, 1),
]
const gradients = Float64Array.of(-1, -1, -1, -1, 1, 1, -1, 1)
const hessians = new Float64Array(8).fill(1)
const rows = Uint32Array.from({ length: 8 }, (_, i) => i)
const options = {
  maxLeafNodes: 31,
  maxDepth: Infinity,
  minSamplesLeaf: 1,
  l2: 0,
  learningRate: 0.5,
}

describe('TreeGrower', () => {
  it('splits on the separating bin and learns where missing values go', () => {
    const grower = new TreeGrower({ bins, binCounts: [4, 2] }, options, 8)
    const { tree, leaves } = grower.grow(gradients, hessians, rows)
    expect({
      feature: tree.feature[0],
      bin: tree.bin[0],
      missingGoesLeft: tree.missingGoesLeft[0],
    }).toEqual({
      feature: 0,
      bin: 1,
      missingGoesLeft: 1,
    })
    // Newton leaf values, shrunk: -0.5 * G / H.
    expect(leaves.map((leaf) => [leaf.end - leaf.start, leaf.value])).toEqual([
      [5, 0.5],
      [3, -0.5],
    ])
  })

  it('respects the depth, leaf count and leaf size limits', () => {
    const noisy = Float64Array.of(3, -1, 2, -5, 1, 4, -2, 0)
    for (const limits of [{ maxDepth: 1 }, { maxLeafNodes: 2 }, { minSamplesLeaf: 4 }]) {
      const grower = new TreeGrower({ bins, binCounts: [4, 2] }, { ...options, ...limits }, 8)
      const { leaves } = grower.grow(noisy, hessians, rows)
      expect(leaves.length).toBe(2)
    }
    const free = new TreeGrower({ bins, binCounts: [4, 2] }, options, 8).grow(noisy, hessians, rows)
    expect(free.leaves.length).toBeGreaterThan(2)
  })

  it('returns a single leaf when nothing splits', () => {
    const grower = new TreeGrower({ bins, binCounts: [4, 2] }, { ...options, minSamplesLeaf: 5 }, 8)
    const { tree, leaves } = grower.grow(gradients, hessians, rows)
    expect(Array.from(tree.feature)).toEqual([-1])
    expect(leaves).toEqual([{ start: 0, end: 8, value: 0.125 }])
  })
})

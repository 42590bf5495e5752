import { binThreshold, MISSING_BIN } from './histogram-binner.js'
import type { BinnedData } from './find-split.js'
import type { BinnedTree } from './tree-grower.js'

/**
 * A regression tree on raw feature values: a row goes left when `x ≤ threshold`, or when x is
 * NaN and `missingGoesLeft` is set. Exactly ONNX's BRANCH_LEQ with missing_value_tracks_true.
 */
export interface Tree extends Omit<BinnedTree, 'bin'> {
  /** Split value per interior node (leaves: 0). */
  readonly threshold: Float64Array
}

/** Trees plus their starting scores; tree t adds to score slot `t % slots`. */
export interface TreeEnsemble {
  /** Trees in boosting order. */
  readonly trees: readonly Tree[]
  /** Starting score per slot (one per class for multinomial, else one). */
  readonly baseline: Float64Array
}

/** Converts a tree's bin splits into value thresholds through the bin edges. */
export function unbinTree(tree: BinnedTree, edges: readonly Float64Array[]): Tree {
  const threshold = new Float64Array(tree.feature.length)
  tree.feature.forEach((feature, node) => {
    if (feature >= 0)
      threshold[node] = binThreshold(edges[feature] ?? new Float64Array(0), tree.bin[node] ?? 0)
  })
  const { bin: _bin, ...rest } = tree
  return { ...rest, threshold }
}

/** Raw scores (row-major, one per slot) of the ensemble on column-major features. */
export function ensembleScores(
  ensemble: TreeEnsemble,
  columns: readonly Float64Array[],
  rows: number,
): Float64Array {
  const slots = ensemble.baseline.length
  const scores = new Float64Array(rows * slots)
  for (let row = 0; row < rows; row++) scores.set(ensemble.baseline, row * slots)
  ensemble.trees.forEach((tree, t) => {
    const slot = t % slots
    for (let row = 0; row < rows; row++) {
      let node = 0
      let feature = tree.feature[0] as number
      while (feature >= 0) {
        const x = (columns[feature] as Float64Array)[row] as number
        const goesLeft =
          x <= (tree.threshold[node] as number) ||
          (Number.isNaN(x) && tree.missingGoesLeft[node] === 1)
        node = goesLeft ? (tree.left[node] as number) : (tree.right[node] as number)
        feature = tree.feature[node] as number
      }
      scores[row * slots + slot] =
        (scores[row * slots + slot] as number) + (tree.value[node] as number)
    }
  })
  return scores
}

/** Adds one binned tree's leaf values to the raw scores of binned rows (validation rows). */
export function addBinnedTree(
  tree: BinnedTree,
  bins: BinnedData['bins'],
  scores: Float64Array,
  slot: number,
  slots: number,
): void {
  const rows = bins[0]?.length ?? 0
  for (let row = 0; row < rows; row++) {
    let node = 0
    let feature = tree.feature[0] as number
    while (feature >= 0) {
      const bin = (bins[feature] as Uint8Array)[row] as number
      const goesLeft =
        bin === MISSING_BIN ? tree.missingGoesLeft[node] === 1 : bin <= (tree.bin[node] as number)
      node = goesLeft ? (tree.left[node] as number) : (tree.right[node] as number)
      feature = tree.feature[node] as number
    }
    scores[row * slots + slot] =
      (scores[row * slots + slot] as number) + (tree.value[node] as number)
  }
}

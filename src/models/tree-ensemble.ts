import { binThreshold, MISSING_BIN } from './histogram-binner.js'
import type { BinnedData } from './find-split.js'
import type { BinnedTree } from './tree-grower.js'

/**
 * A regression tree on raw feature values: a row goes left when `x ≤ threshold`, or when x is
 * NaN and `missingGoesLeft` is set. Exactly ONNX's BRANCH_LEQ with missing_value_tracks_true.
 */
interface Tree extends Omit<BinnedTree, 'bin'> {
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
  ensemble.trees.forEach((tree, t) => addTree(tree, columns, scores, t % slots, slots))
  return scores
}

/** Adds one tree's leaf values to raw scores (hoisting its arrays keeps the loop tight). */
function addTree(
  tree: Tree,
  columns: readonly Float64Array[],
  scores: Float64Array,
  slot: number,
  slots: number,
): void {
  const { feature, threshold, left, right, value, missingGoesLeft } = tree
  const rows = scores.length / slots
  for (let row = 0; row < rows; row++) {
    let node = 0
    let f = feature[0] as number
    while (f >= 0) {
      const x = (columns[f] as Float64Array)[row] as number
      const goesLeft =
        x <= (threshold[node] as number) || (Number.isNaN(x) && missingGoesLeft[node] === 1)
      node = goesLeft ? (left[node] as number) : (right[node] as number)
      f = feature[node] as number
    }
    const at = row * slots + slot
    scores[at] = (scores[at] as number) + (value[node] as number)
  }
}

/** Adds one binned tree's leaf values to the raw scores of binned rows (validation rows). */
export function addBinnedTree(
  tree: BinnedTree,
  bins: BinnedData['bins'],
  scores: Float64Array,
  slot: number,
  slots: number,
): void {
  const { feature, bin: split, left, right, value, missingGoesLeft } = tree
  const rows = bins[0]?.length ?? 0
  for (let row = 0; row < rows; row++) {
    let node = 0
    let f = feature[0] as number
    while (f >= 0) {
      const bin = (bins[f] as Uint8Array)[row] as number
      const goesLeft =
        bin === MISSING_BIN ? missingGoesLeft[node] === 1 : bin <= (split[node] as number)
      node = goesLeft ? (left[node] as number) : (right[node] as number)
      f = feature[node] as number
    }
    const at = row * slots + slot
    scores[at] = (scores[at] as number) + (value[node] as number)
  }
}

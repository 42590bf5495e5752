import type { BinnedData, NodeRows, Split, SplitOptions } from './find-split.js'
import {
  BINS,
  buildHistogram,
  findSplit,
  HistogramPool,
  MIN_HESSIAN,
  partition,
  STRIDE,
} from './find-split.js'

/** One regression tree over binned features. Arrays are indexed by node id (root 0). */
export interface BinnedTree {
  /** Split feature, or -1 for a leaf. */
  readonly feature: Int32Array
  /** Split bin: a row goes left when its bin is ≤ this. */
  readonly bin: Uint8Array
  /** Whether missing values (NaN) go left. */
  readonly missingGoesLeft: Uint8Array
  /** Left child id (leaves: 0). */
  readonly left: Int32Array
  /** Right child id (leaves: 0). */
  readonly right: Int32Array
  /** Leaf value, learning rate applied (interior nodes: 0). */
  readonly value: Float64Array
}

/** Limits and regularisation of one tree. */
export interface GrowOptions extends SplitOptions {
  /** Best-first growth stops at this many leaves. */
  readonly maxLeafNodes: number
  /** Depth limit (root depth 0); Infinity for none. */
  readonly maxDepth: number
  /** Shrinkage applied to leaf values. */
  readonly learningRate: number
}

/** A grown tree, with the rows of each leaf so that scores can be updated without traversal. */
interface GrownTree {
  /** The tree. */
  readonly tree: BinnedTree
  /** The training rows, grouped by leaf. */
  readonly order: Uint32Array
  /** Per leaf: [start, end) in `order` and the leaf value. */
  readonly leaves: readonly {
    readonly start: number
    readonly end: number
    readonly value: number
  }[]
}

interface GrowingNode extends NodeRows {
  readonly id: number
  readonly depth: number
  split?: Split | undefined
}

/** Mutable node arrays, turned into a BinnedTree at the end. */
class TreeRecord {
  readonly feature: number[] = []
  readonly bin: number[] = []
  readonly missingGoesLeft: number[] = []
  readonly left: number[] = []
  readonly right: number[] = []
  readonly value: number[] = []
  add(): number {
    this.feature.push(-1)
    this.bin.push(0)
    this.missingGoesLeft.push(0)
    this.left.push(0)
    this.right.push(0)
    this.value.push(0)
    return this.feature.length - 1
  }
  setSplit(id: number, split: Split, left: number, right: number): void {
    this.feature[id] = split.feature
    this.bin[id] = split.bin
    this.missingGoesLeft[id] = split.missingGoesLeft ? 1 : 0
    this.left[id] = left
    this.right[id] = right
  }
  toTree(): BinnedTree {
    return {
      feature: Int32Array.from(this.feature),
      bin: Uint8Array.from(this.bin),
      missingGoesLeft: Uint8Array.from(this.missingGoesLeft),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      value: Float64Array.from(this.value),
    }
  }
}

/**
 * A tree grower for one boosting round: best-first (the leaf with the largest gain splits next)
 * over histograms, computing the smaller child's histogram and the larger one's by subtraction,
 * as scikit-learn's HistGradientBoosting and LightGBM do. Deterministic: ties go to the lowest
 * feature, then the lowest bin.
 */
export class TreeGrower {
  private readonly pool: HistogramPool
  private readonly scratch: Uint32Array
  // State of the tree being grown.
  private gradients: Float64Array = new Float64Array(0)
  private hessians: Float64Array = new Float64Array(0)
  private order = new Uint32Array(0)
  private record = new TreeRecord()

  constructor(
    private readonly data: BinnedData,
    private readonly options: GrowOptions,
    rowCount: number,
  ) {
    this.pool = new HistogramPool(data.bins.length * BINS * STRIDE)
    this.scratch = new Uint32Array(rowCount)
  }

  /** Grows one tree on the given rows (not modified) from per-row gradients and hessians. */
  grow(gradients: Float64Array, hessians: Float64Array, rows: Uint32Array): GrownTree {
    this.gradients = gradients
    this.hessians = hessians
    this.order = rows.slice()
    this.record = new TreeRecord()
    let gradient = 0
    let hessian = 0
    for (let j = 0; j < rows.length; j++) {
      gradient += gradients[rows[j] as number] as number
      hessian += hessians[rows[j] as number] as number
    }
    const root = this.node(0, rows.length, 0, gradient, hessian)
    const open: GrowingNode[] = []
    const leaves: GrowingNode[] = [root]
    if (this.isSplittable(root, 1)) this.prepare(root, this.histogramOf(root), open)
    while (open.length > 0 && leaves.length < this.options.maxLeafNodes) {
      const parent = open.reduce((a, b) => ((b.split?.gain ?? 0) > (a.split?.gain ?? 0) ? b : a))
      open.splice(open.indexOf(parent), 1)
      leaves.splice(leaves.indexOf(parent), 1, ...this.split(parent, leaves.length + 1, open))
    }
    for (const node of open) this.pool.give(node.histogram)
    const finished = leaves.map((leaf) => this.finish(leaf))
    return { tree: this.record.toTree(), order: this.order, leaves: finished }
  }

  private node(
    start: number,
    end: number,
    depth: number,
    gradient: number,
    hessian: number,
  ): GrowingNode {
    return { id: this.record.add(), start, end, depth, gradient, hessian }
  }

  private histogramOf(node: GrowingNode): Float64Array {
    const histogram = this.pool.take()
    buildHistogram(this.data, this.gradients, this.hessians, this.order, node, histogram)
    return histogram
  }

  private isSplittable(node: GrowingNode, leafCount: number): boolean {
    return (
      leafCount < this.options.maxLeafNodes &&
      node.depth < this.options.maxDepth &&
      node.end - node.start >= 2 * this.options.minSamplesLeaf &&
      node.hessian >= 2 * MIN_HESSIAN
    )
  }

  /** Finds a node's split; keeps the node open if it has one, else frees the histogram. */
  private prepare(node: GrowingNode, histogram: Float64Array, open: GrowingNode[]): void {
    node.histogram = histogram
    node.split = findSplit(this.data, node, this.options)
    if (node.split !== undefined) {
      open.push(node)
    } else {
      this.pool.give(node.histogram)
      node.histogram = undefined
    }
  }

  /** Splits a node into two leaves; `leafCount` counts leaves after the split. */
  private split(parent: GrowingNode, leafCount: number, open: GrowingNode[]): GrowingNode[] {
    const split = parent.split as Split
    const middle = partition(this.data, this.order, this.scratch, parent, split)
    const depth = parent.depth + 1
    const left = this.node(parent.start, middle, depth, split.leftGradient, split.leftHessian)
    const rightGradient = parent.gradient - split.leftGradient
    const right = this.node(
      middle,
      parent.end,
      depth,
      rightGradient,
      parent.hessian - split.leftHessian,
    )
    this.record.setSplit(parent.id, split, left.id, right.id)
    const histogram = parent.histogram as Float64Array
    parent.histogram = undefined
    const [small, large] =
      left.end - left.start <= right.end - right.start ? [left, right] : [right, left]
    const isSmallOpen = this.isSplittable(small, leafCount)
    const isLargeOpen = this.isSplittable(large, leafCount)
    if (!isSmallOpen && !isLargeOpen) {
      this.pool.give(histogram)
      return [left, right]
    }
    const smallHistogram = this.histogramOf(small)
    // The larger child's histogram is the parent's minus the smaller one's: no pass over its rows.
    for (let i = 0; i < histogram.length; i++) {
      histogram[i] = (histogram[i] as number) - (smallHistogram[i] as number)
    }
    if (isSmallOpen) this.prepare(small, smallHistogram, open)
    else this.pool.give(smallHistogram)
    if (isLargeOpen) this.prepare(large, histogram, open)
    else this.pool.give(histogram)
    return [left, right]
  }

  private finish(leaf: GrowingNode) {
    const value = (-this.options.learningRate * leaf.gradient) / (leaf.hessian + this.options.l2)
    this.record.value[leaf.id] = value
    return { start: leaf.start, end: leaf.end, value }
  }
}

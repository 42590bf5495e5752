import { InvalidParameterError } from '../shared/errors.js'
import type { BoostingLoss } from './boosting-loss.js'
import { binColumn, fitBinEdges } from './histogram-binner.js'
import type { IterationCallback, TrainOptions } from './trained-model.js'
import type { TreeEnsemble } from './tree-ensemble.js'
import { addBinnedTree, unbinTree } from './tree-ensemble.js'
import type { BinnedTree, GrowOptions } from './tree-grower.js'
import { TreeGrower } from './tree-grower.js'
import type { TrainingData } from './training-data.js'

/**
 * Options of the gradient-boosting trainers. Defaults are scikit-learn's HistGradientBoosting's,
 * except that early stopping is on at any size (scikit-learn's 'auto' starts at 10,000 rows).
 */
export interface GradientBoostingOptions extends TrainOptions {
  /** Shrinkage of each tree. Default 0.1. */
  readonly learningRate?: number
  /** Boosting iterations (trees per class for multinomial). Default 100. */
  readonly maxIterations?: number
  /** Leaves per tree; trees grow best-first. Default 31. */
  readonly maxLeafNodes?: number
  /** Depth limit per tree. Default: none (only maxLeafNodes limits). */
  readonly maxDepth?: number
  /** Smallest number of rows in a leaf. Default 20. */
  readonly minSamplesLeaf?: number
  /** L2 penalty on leaf values. Default 0. */
  readonly l2?: number
  /** Value bins per feature, at most 255 (one more bin holds missing values). Default 255. */
  readonly maxBins?: number
  /**
   * Stop when none of this many last iterations lowered the validation loss by more than
   * `tolerance` below the iteration before them (scikit-learn's rule; all trees grown are kept).
   * 0 disables. Default 10.
   * Needs held-out rows: `validationFraction` defaults to 0.1 here; set it to 0 to train on all.
   */
  readonly earlyStoppingRounds?: number
  /** Smallest validation-loss improvement that counts. Default 1e-7. */
  readonly tolerance?: number
}

/** Options with defaults filled in and ranges checked. */
export interface BoostingSettings extends GrowOptions {
  /** Boosting iterations at most. */
  readonly maxIterations: number
  /** Value bins per feature. */
  readonly maxBins: number
  /** Share of rows held out for validation (0.1 unless set). */
  readonly validationFraction: number
  /** Early-stopping patience; 0 disables. */
  readonly earlyStoppingRounds: number
  /** Smallest validation-loss improvement that counts. */
  readonly tolerance: number
  /** Seed for the split and the binning subsample. */
  readonly seed: number
}

function atLeast(name: string, value: number, min: number, integer: boolean): number {
  if (!(value >= min) || (integer && !Number.isInteger(value) && value !== Infinity)) {
    throw new InvalidParameterError(
      `${name} must be ${integer ? 'an integer ' : ''}≥ ${min}, got ${value}`,
    )
  }
  return value
}

/**
 * Fills in defaults and checks ranges.
 * @throws InvalidParameterError naming the bad option
 */
export function resolveBoostingSettings(options: GradientBoostingOptions): BoostingSettings {
  const maxBins = atLeast('maxBins', options.maxBins ?? 255, 2, true)
  if (maxBins > 255) throw new InvalidParameterError(`maxBins must be ≤ 255, got ${maxBins}`)
  return {
    learningRate: atLeast('learningRate', options.learningRate ?? 0.1, Number.MIN_VALUE, false),
    maxIterations: atLeast('maxIterations', options.maxIterations ?? 100, 1, true),
    maxLeafNodes: atLeast('maxLeafNodes', options.maxLeafNodes ?? 31, 2, true),
    maxDepth: atLeast('maxDepth', options.maxDepth ?? Infinity, 1, true),
    minSamplesLeaf: atLeast('minSamplesLeaf', options.minSamplesLeaf ?? 20, 1, true),
    l2: atLeast('l2', options.l2 ?? 0, 0, false),
    maxBins,
    validationFraction: options.validationFraction ?? 0.1,
    earlyStoppingRounds: atLeast('earlyStoppingRounds', options.earlyStoppingRounds ?? 10, 0, true),
    tolerance: atLeast('tolerance', options.tolerance ?? 1e-7, 0, false),
    seed: options.seed ?? 0,
  }
}

/** The outcome of boosting: the trees and the metrics of the last iteration. */
export interface BoostingResult {
  /** Trees (already on raw thresholds) and starting scores. */
  readonly ensemble: TreeEnsemble
  /** Iterations run. */
  readonly iterations: number
  /** Metrics after the last iteration. */
  readonly metrics: Readonly<Record<string, number>>
}

/** Raw scores for `rows` rows, all starting at the baseline. */
function startScores(baseline: Float64Array, rows: number): Float64Array {
  const scores = new Float64Array(rows * baseline.length)
  for (let row = 0; row < rows; row++) scores.set(baseline, row * baseline.length)
  return scores
}

/** Binned train and validation rows, their current scores, and gradient buffers. */
function startBoosting(data: TrainingData, loss: BoostingLoss, settings: BoostingSettings) {
  const { edges } = fitBinEdges(data.train, settings.maxBins, settings.seed)
  const binAll = (columns: readonly Float64Array[]) =>
    columns.map((column, f) => binColumn(column, edges[f] ?? new Float64Array(0)))
  const binCounts = edges.map((e) => e.length + 1)
  const rows = data.split.train.length
  const baseline = loss.baseline()
  const buffers = () => Array.from({ length: loss.trees }, () => new Float64Array(rows))
  return {
    edges,
    baseline,
    grower: new TreeGrower({ bins: binAll(data.train), binCounts }, settings, rows),
    rows: Uint32Array.from({ length: rows }, (_, i) => i),
    validationBins: binAll(data.validation),
    train: startScores(baseline, rows),
    trainPredictions: loss.predictions(startScores(baseline, rows)),
    validation: startScores(baseline, data.split.validation.length),
    gradients: buffers(),
    hessians: buffers(),
    trees: [] as BinnedTree[],
  }
}

/** Grows one tree per score slot on the current gradients and adds them to the scores. */
function boostOnce(state: ReturnType<typeof startBoosting>, loss: BoostingLoss): void {
  const slots = loss.trees
  loss.gradients(state.trainPredictions, state.gradients, state.hessians)
  for (let slot = 0; slot < slots; slot++) {
    const gradient = state.gradients[slot] as Float64Array
    const grown = state.grower.grow(gradient, state.hessians[slot] as Float64Array, state.rows)
    for (const leaf of grown.leaves) {
      for (let j = leaf.start; j < leaf.end; j++) {
        const at = (grown.order[j] as number) * slots + slot
        state.train[at] = (state.train[at] as number) + leaf.value
      }
    }
    if (state.validation.length > 0) {
      addBinnedTree(grown.tree, state.validationBins, state.validation, slot, slots)
    }
    state.trees.push(grown.tree)
  }
  state.trainPredictions = loss.predictions(state.train)
}

/**
 * Gradient boosting on binned features: each iteration fits one tree per score slot to the
 * loss gradients (Newton leaf values), then updates train scores through the leaves' rows and
 * validation scores by traversal. `validation` is the same loss over the held-out rows.
 */
export function boost(
  data: TrainingData,
  losses: { readonly train: BoostingLoss; readonly validation?: BoostingLoss | undefined },
  settings: BoostingSettings,
  onIteration?: IterationCallback,
): BoostingResult {
  const state = startBoosting(data, losses.train, settings)
  const stopper = earlyStopper(settings, losses.validation, state.validation)
  let iteration = 0
  while (iteration < settings.maxIterations) {
    iteration += 1
    boostOnce(state, losses.train)
    const validation = losses.validation?.predictions(state.validation)
    // Metrics cost a pass over all rows: only when someone listens (and once at the end).
    if (onIteration !== undefined) onIteration(iteration, measure(losses, state, validation))
    if (validation !== undefined && stopper.shouldStop(validation)) break
  }
  const validation = losses.validation?.predictions(state.validation)
  const metrics = measure(losses, state, validation)
  const trees = state.trees.map((tree) => unbinTree(tree, state.edges))
  return { ensemble: { trees, baseline: state.baseline }, iterations: iteration, metrics }
}

function measure(
  losses: { readonly train: BoostingLoss; readonly validation?: BoostingLoss | undefined },
  state: ReturnType<typeof startBoosting>,
  validation: Float64Array | undefined,
): Record<string, number> {
  return {
    ...losses.train.metrics('train', state.trainPredictions),
    ...(validation && losses.validation?.metrics('validation', validation)),
  }
}

/**
 * scikit-learn's rule (`_should_stop`): stop when none of the last `earlyStoppingRounds`
 * validation losses beat the one before them by more than `tolerance`. The starting scores
 * count as iteration 0.
 */
function earlyStopper(
  settings: BoostingSettings,
  loss: BoostingLoss | undefined,
  start: Float64Array,
) {
  const rounds = settings.earlyStoppingRounds
  const history =
    loss !== undefined && start.length > 0 ? [loss.value(loss.predictions(start))] : []
  return {
    shouldStop(predictions: Float64Array): boolean {
      if (loss === undefined || rounds === 0) return false
      history.push(loss.value(predictions))
      if (history.length <= rounds) return false
      const reference = (history[history.length - rounds - 1] as number) - settings.tolerance
      return history.slice(-rounds).every((value) => !(value < reference))
    },
  }
}

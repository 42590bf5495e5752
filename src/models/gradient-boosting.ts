import type { GradientBoostingOptions, BoostingResult, BoostingSettings } from './boost.js'
import { boost, resolveBoostingSettings } from './boost.js'
import { crossEntropyLoss, squaredErrorLoss } from './boosting-loss.js'
import type { Frame } from './frame.js'
import { frameLength } from './frame.js'
import { scoresToProbabilities } from './linear-model.js'
import { inputSchema, transformFrame } from './preprocessor.js'
import type { Classifier, ModelParams, Regressor } from './trained-model.js'
import { argmaxLabels, encodeTarget, classifierOutputs, regressionTarget } from './trained-model.js'
import { ensembleScores } from './tree-ensemble.js'
import { treeEnsembleToOnnx } from './tree-ensemble-onnx.js'
import type { TrainingData } from './training-data.js'
import { pick, prepareTrainingData } from './training-data.js'

function boostingParams(
  target: string,
  settings: BoostingSettings,
  result: BoostingResult,
  data: TrainingData,
): ModelParams {
  return {
    target,
    learning_rate: settings.learningRate,
    max_iterations: settings.maxIterations,
    max_leaf_nodes: settings.maxLeafNodes,
    max_depth: Number.isFinite(settings.maxDepth) ? settings.maxDepth : 'none',
    min_samples_leaf: settings.minSamplesLeaf,
    l2: settings.l2,
    max_bins: settings.maxBins,
    validation_fraction: settings.validationFraction,
    early_stopping_rounds: settings.earlyStoppingRounds,
    tolerance: settings.tolerance,
    seed: settings.seed,
    iterations: result.iterations,
    trees: result.ensemble.trees.length,
    n_features: data.pre.featureNames.length,
  }
}

/**
 * Trains a histogram gradient-boosting classifier (log loss: one tree per iteration for two
 * classes, one per class otherwise), with early stopping on a stratified validation split.
 * Numeric columns go in raw (NaN allowed: each split learns where missing values go); string
 * columns are one-hot encoded. Deterministic for a seed.
 * @throws InvalidParameterError for a missing column, a bad target or a bad option
 */
export function trainGradientBoostingClassifier(
  frame: Frame,
  options: GradientBoostingOptions,
): Classifier {
  const { classes, y } = encodeTarget(frame, options.target)
  const settings = resolveBoostingSettings(options)
  const data = prepareTrainingData(
    frame,
    { ...options, ...settings },
    { standardise: false, strata: y },
  )
  const yValidation = pick(y, data.split.validation)
  const losses = {
    train: crossEntropyLoss(pick(y, data.split.train), classes.length),
    validation: yValidation.length > 0 ? crossEntropyLoss(yValidation, classes.length) : undefined,
  }
  const result = boost(data, losses, settings, options.onIteration)
  const { ensemble } = result
  const predictProba = (input: Frame) =>
    scoresToProbabilities(
      ensembleScores(ensemble, transformFrame(data.pre, input), frameLength(input)),
      ensemble.baseline.length,
    )
  return {
    kind: 'gradient_boosting_classifier',
    task: 'classification',
    classes,
    params: boostingParams(options.target, settings, result, data),
    metrics: result.metrics,
    signature: {
      inputs: inputSchema(data.pre),
      outputs: classifierOutputs(classes, 'float32'),
    },
    predict: (input) => argmaxLabels(predictProba(input), classes),
    predictProba,
    toOnnx: () => treeEnsembleToOnnx(data.pre, ensemble, { task: 'classification', classes }),
  }
}

/**
 * Trains a histogram gradient-boosting regressor (squared error), with early stopping on a
 * random validation split. Features as for the classifier. Deterministic for a seed.
 * @throws InvalidParameterError for a missing column, a non-numeric target or a bad option
 */
export function trainGradientBoostingRegressor(
  frame: Frame,
  options: GradientBoostingOptions,
): Regressor {
  const y = regressionTarget(frame, options.target)
  const settings = resolveBoostingSettings(options)
  const data = prepareTrainingData(frame, { ...options, ...settings }, { standardise: false })
  const yValidation = pick(y, data.split.validation)
  const losses = {
    train: squaredErrorLoss(pick(y, data.split.train)),
    validation: yValidation.length > 0 ? squaredErrorLoss(yValidation) : undefined,
  }
  const result = boost(data, losses, settings, options.onIteration)
  return {
    kind: 'gradient_boosting_regressor',
    task: 'regression',
    params: boostingParams(options.target, settings, result, data),
    metrics: result.metrics,
    signature: { inputs: inputSchema(data.pre), outputs: [{ name: 'variable', type: 'float' }] },
    predict: (input) =>
      ensembleScores(result.ensemble, transformFrame(data.pre, input), frameLength(input)),
    toOnnx: () => treeEnsembleToOnnx(data.pre, result.ensemble, { task: 'regression' }),
  }
}

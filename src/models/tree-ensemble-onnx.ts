import type { ModelHead } from './linear-model.js'
import { addLabelOutput } from './linear-model.js'
import type { AttributeValue } from './onnx-graph.js'
import { DEFAULT_OPSETS, doubleTensor, GraphBuilder } from './onnx-graph.js'
import type { Preprocessor } from './preprocessor.js'
import { addPreprocessing } from './preprocessor.js'
import type { TreeEnsemble } from './tree-ensemble.js'

/** Parallel arrays over all nodes of all trees (leaves included), and over leaves. */
function flattenTrees(ensemble: TreeEnsemble) {
  const nodes = {
    treeids: [] as number[],
    nodeids: [] as number[],
    featureids: [] as number[],
    values: [] as number[],
    modes: [] as string[],
    truenodeids: [] as number[],
    falsenodeids: [] as number[],
    missing: [] as number[],
  }
  const leaves = {
    treeids: [] as number[],
    nodeids: [] as number[],
    ids: [] as number[],
    weights: [] as number[],
  }
  const slots = ensemble.baseline.length
  ensemble.trees.forEach((tree, t) => {
    tree.feature.forEach((feature, node) => {
      const isLeaf = feature < 0
      nodes.treeids.push(t)
      nodes.nodeids.push(node)
      nodes.featureids.push(isLeaf ? 0 : feature)
      nodes.values.push(isLeaf ? 0 : (tree.threshold[node] ?? 0))
      nodes.modes.push(isLeaf ? 'LEAF' : 'BRANCH_LEQ')
      nodes.truenodeids.push(isLeaf ? 0 : (tree.left[node] ?? 0))
      nodes.falsenodeids.push(isLeaf ? 0 : (tree.right[node] ?? 0))
      nodes.missing.push(isLeaf ? 0 : (tree.missingGoesLeft[node] ?? 0))
      if (!isLeaf) return
      leaves.treeids.push(t)
      leaves.nodeids.push(node)
      leaves.ids.push(t % slots)
      leaves.weights.push(tree.value[node] ?? 0)
    })
  })
  return { nodes, leaves }
}

/**
 * The `nodes_*` and leaf-weight attributes shared by TreeEnsembleClassifier and
 * TreeEnsembleRegressor (ai.onnx.ml 3). Thresholds and weights go in the `*_as_tensor` double
 * attributes, so with a double input onnxruntime compares and sums in double precision, as the
 * JS predictor does; the legacy float attributes would round thresholds to float32.
 */
function treeAttributes(ensemble: TreeEnsemble, prefix: 'class' | 'target') {
  const { nodes, leaves } = flattenTrees(ensemble)
  const tensor = (values: readonly number[]) => ({
    tensor: doubleTensor('', [values.length], values),
  })
  const attributes: Record<string, AttributeValue> = {
    nodes_treeids: nodes.treeids,
    nodes_nodeids: nodes.nodeids,
    nodes_featureids: nodes.featureids,
    nodes_values_as_tensor: tensor(nodes.values),
    nodes_modes: nodes.modes,
    nodes_truenodeids: nodes.truenodeids,
    nodes_falsenodeids: nodes.falsenodeids,
    nodes_missing_value_tracks_true: nodes.missing,
    [`${prefix}_treeids`]: leaves.treeids,
    [`${prefix}_nodeids`]: leaves.nodeids,
    [`${prefix}_ids`]: leaves.ids,
    [`${prefix}_weights_as_tensor`]: tensor(leaves.weights),
    base_values_as_tensor: tensor([...ensemble.baseline]),
  }
  return attributes
}

/**
 * Exports preprocessing plus a tree ensemble (ONNX-ML TreeEnsembleClassifier / Regressor).
 * Outputs: `variable` (float [N, 1]) for a regression; `label` ([N], string or int64) and
 * `probabilities` (float [N, C]; LOGISTIC for two classes, SOFTMAX otherwise) for a classifier.
 * The op's own label output is not exposed: for binary models it thresholds raw scores, not
 * probabilities, so `label` is taken from `probabilities` instead.
 */
export function treeEnsembleToOnnx(
  pre: Preprocessor,
  ensemble: TreeEnsemble,
  head: ModelHead,
): Uint8Array {
  const g = new GraphBuilder()
  const features = addPreprocessing(pre, g)
  const ml = { domain: 'ai.onnx.ml' }
  if (head.task === 'regression') {
    const attributes = {
      ...treeAttributes(ensemble, 'target'),
      n_targets: 1,
      aggregate_function: 'SUM',
    }
    g.node('TreeEnsembleRegressor', [features], attributes, { ...ml, outputs: ['variable'] })
    g.output({ name: 'variable', type: 'float', shape: ['N', 1] })
  } else {
    const count = head.classes.length
    const attributes = {
      ...treeAttributes(ensemble, 'class'),
      classlabels_int64s: Array.from({ length: count }, (_, k) => k),
      post_transform: count === 2 ? 'LOGISTIC' : 'SOFTMAX',
    }
    const outputs = [g.name('tree_label'), 'probabilities']
    g.node('TreeEnsembleClassifier', [features], attributes, { ...ml, outputs })
    addLabelOutput(g, 'probabilities', head.classes)
    g.output({ name: 'probabilities', type: 'float', shape: ['N', count] })
  }
  return g.toBytes('tree_ensemble', DEFAULT_OPSETS)
}

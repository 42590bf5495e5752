import onnxProto from 'onnx-proto'
import { doubleTensor, floatTensor, GraphBuilder, int64Tensor } from './onnx-graph.js'

const { onnx } = onnxProto

/**
 * Test models shaped like third-party exports. `sklearnStyleClassifier` mimics skl2onnx's
 * LogisticRegression: one float input `X [N, 4]`, outputs `label` (int64 [N]) and
 * `probabilities` (float [N, 3]); with `zipMap`, skl2onnx's default seq(map) output is added.
 */
export function sklearnStyleClassifier(options: { zipMap?: boolean } = {}): Uint8Array {
  const g = new GraphBuilder()
  const x = g.input({ name: 'X', type: 'float', shape: ['N', 4] })
  const xd = g.node('Cast', [x], { to: onnx.TensorProto.DataType.DOUBLE })
  const weights = g.constant(doubleTensor('W', [4, 3], [1, 0, -1, 0, 1, 0, 0.5, 0, 0, 0, 0, 2]))
  const logits = g.node('Gemm', [xd, weights, g.constant(doubleTensor('B', [3], [0, 0.1, -0.1]))])
  const probs = g.node('Softmax', [logits], { axis: 1 })
  g.node('Cast', [probs], { to: onnx.TensorProto.DataType.FLOAT }, { outputs: ['probabilities'] })
  const index = g.node('ArgMax', [probs], { axis: 1, keepdims: 0 })
  const classes = g.constant(int64Tensor('classes', [3], [10, 20, 30]))
  g.node('Gather', [classes, index], { axis: 0 }, { outputs: ['label'] })
  g.output({ name: 'label', type: 'int64', shape: ['N'] })
  g.output({ name: 'probabilities', type: 'float', shape: ['N', 3] })
  const bytes = g.toBytes('sklearn_style')
  return options.zipMap === true ? addZipMap(bytes) : bytes
}

function addZipMap(bytes: Uint8Array): Uint8Array {
  const model = onnx.ModelProto.decode(bytes)
  const graph = onnx.GraphProto.create(model.graph ?? {})
  model.graph = graph
  graph.node.push(
    onnx.NodeProto.create({
      opType: 'ZipMap',
      domain: 'ai.onnx.ml',
      input: ['probabilities'],
      output: ['output_probability'],
      attribute: [
        {
          name: 'classlabels_int64s',
          type: onnx.AttributeProto.AttributeType.INTS,
          ints: [10, 20, 30],
        },
      ],
    }),
  )
  const map = {
    keyType: onnx.TensorProto.DataType.INT64,
    valueType: { tensorType: { elemType: 1 } },
  }
  graph.output.push(
    onnx.ValueInfoProto.create({
      name: 'output_probability',
      type: { sequenceType: { elemType: { mapType: map } } },
    }),
  )
  return onnx.ModelProto.encode(model).finish()
}

/** A model with one input of each kind a signature may name: double, string and int64 columns,
 * returning `sum = a + n` and the string column echoed. */
export function mixedInputModel(): Uint8Array {
  const g = new GraphBuilder()
  const a = g.input({ name: 'a', type: 'double', shape: ['N', 1] })
  const city = g.input({ name: 'city', type: 'string', shape: ['N', 1] })
  const n = g.input({ name: 'n', type: 'int64', shape: ['N', 1] })
  const nd = g.node('Cast', [n], { to: onnx.TensorProto.DataType.DOUBLE })
  g.node('Add', [a, nd], {}, { outputs: ['sum'] })
  g.output({ name: 'sum', type: 'double', shape: ['N', 1] })
  g.node('Identity', [city], {}, { outputs: ['city_echo'] })
  g.output({ name: 'city_echo', type: 'string', shape: ['N', 1] })
  return g.toBytes('mixed')
}

/**
 * Shaped like onnxmltools' XGBoost binary classifier: `input` float [N, 2], one tree with
 * BRANCH_LT splits, outputs `label` (int64 [N]) and `probabilities` (float [N, 2]).
 */
export function xgboostStyleClassifier(): Uint8Array {
  const g = new GraphBuilder()
  const x = g.input({ name: 'input', type: 'float', shape: ['N', 2] })
  const attributes = {
    nodes_treeids: [0, 0, 0],
    nodes_nodeids: [0, 1, 2],
    nodes_featureids: [1, 0, 0],
    nodes_values: [0.5, 0, 0],
    nodes_modes: ['BRANCH_LT', 'LEAF', 'LEAF'],
    nodes_truenodeids: [1, 0, 0],
    nodes_falsenodeids: [2, 0, 0],
    nodes_missing_value_tracks_true: [1, 0, 0],
    class_treeids: [0, 0],
    class_nodeids: [1, 2],
    class_ids: [0, 0],
    class_weights: [-1, 1],
    classlabels_int64s: [0, 1],
    post_transform: 'LOGISTIC',
  }
  const outputs = ['label', 'probabilities']
  g.node('TreeEnsembleClassifier', [x], attributes, { domain: 'ai.onnx.ml', outputs })
  g.output({ name: 'label', type: 'int64', shape: ['N'] })
  g.output({ name: 'probabilities', type: 'float', shape: ['N', 2] })
  return g.toBytes('xgboost_style')
}

/** Shaped like a torch.onnx export: `input` float [batch_size, 3] -> Gemm -> Relu -> `output`. */
export function pytorchStyleNetwork(): Uint8Array {
  const g = new GraphBuilder()
  const x = g.input({ name: 'input', type: 'float', shape: ['batch_size', 3] })
  const weight = g.constant(floatTensor('fc.weight', [2, 3], [1, 0, -1, 0.5, 0.5, 0.5]))
  const bias = g.constant(floatTensor('fc.bias', [2], [0, -1]))
  const hidden = g.node('Gemm', [x, weight, bias], { transB: 1 })
  g.node('Relu', [hidden], {}, { outputs: ['output'] })
  g.output({ name: 'output', type: 'float', shape: ['batch_size', 2] })
  return g.toBytes('torch_jit')
}

import onnxProto from 'onnx-proto'

// onnx-proto is a CommonJS bundle whose root object is its only export.
const { onnx } = onnxProto

/** An attribute value; the ONNX attribute type is picked from the JS type (see `toAttribute`). */
export type AttributeValue =
  | number
  | string
  | readonly number[]
  | readonly string[]
  | { readonly tensor: onnxProto.onnx.ITensorProto }

/** ONNX element types the exporters use. */
export const ElementType = {
  float: onnx.TensorProto.DataType.FLOAT,
  double: onnx.TensorProto.DataType.DOUBLE,
  int64: onnx.TensorProto.DataType.INT64,
  string: onnx.TensorProto.DataType.STRING,
} as const

/** One of the element types in `ElementType`. */
type ElementTypeName = keyof typeof ElementType

/**
 * Attributes whose numbers are integers (INT / INTS). Everything else numeric is FLOAT(S):
 * a JS number cannot tell `1` from `1.0`, and the ONNX schemas fix the type per attribute name.
 */
const INTEGER_ATTRIBUTES = new Set([
  'axis',
  'keepdims',
  'zeros',
  'n_targets',
  'to',
  'cats_int64s',
  'classlabels_int64s',
  'class_ids',
  'class_nodeids',
  'class_treeids',
  'nodes_falsenodeids',
  'nodes_featureids',
  'nodes_missing_value_tracks_true',
  'nodes_nodeids',
  'nodes_treeids',
  'nodes_truenodeids',
  'target_ids',
  'target_nodeids',
  'target_treeids',
  'transA',
  'transB',
])

const encoder = new TextEncoder()

/** A double tensor initializer (row-major data). */
export function doubleTensor(name: string, dims: readonly number[], data: ArrayLike<number>) {
  return onnx.TensorProto.create({
    name,
    dims: [...dims],
    dataType: ElementType.double,
    rawData: new Uint8Array(Float64Array.from(data).buffer),
  })
}

/** A float tensor initializer (row-major data). */
export function floatTensor(name: string, dims: readonly number[], data: ArrayLike<number>) {
  return onnx.TensorProto.create({
    name,
    dims: [...dims],
    dataType: ElementType.float,
    rawData: new Uint8Array(Float32Array.from(data).buffer),
  })
}

/** An int64 tensor initializer. */
export function int64Tensor(name: string, dims: readonly number[], data: readonly number[]) {
  return onnx.TensorProto.create({
    name,
    dims: [...dims],
    dataType: ElementType.int64,
    int64Data: [...data],
  })
}

/** A string tensor initializer. */
export function stringTensor(name: string, dims: readonly number[], data: readonly string[]) {
  return onnx.TensorProto.create({
    name,
    dims: [...dims],
    dataType: ElementType.string,
    stringData: data.map((s) => encoder.encode(s)),
  })
}

function toAttribute(name: string, value: AttributeValue): onnxProto.onnx.IAttributeProto {
  const type = onnx.AttributeProto.AttributeType
  if (typeof value === 'string') return { name, type: type.STRING, s: encoder.encode(value) }
  if (typeof value === 'number') {
    return INTEGER_ATTRIBUTES.has(name)
      ? { name, type: type.INT, i: value }
      : { name, type: type.FLOAT, f: value }
  }
  if ('tensor' in value) return { name, type: type.TENSOR, t: value.tensor }
  if (value.every((v): v is string => typeof v === 'string')) {
    return { name, type: type.STRINGS, strings: value.map((s) => encoder.encode(s)) }
  }
  const numbers = value as readonly number[]
  return INTEGER_ATTRIBUTES.has(name)
    ? { name, type: type.INTS, ints: [...numbers] }
    : { name, type: type.FLOATS, floats: [...numbers] }
}

/** A graph input or output: element type and shape, where a string dimension is symbolic. */
interface ValueSpec {
  /** Tensor name. */
  name: string
  /** Element type. */
  type: ElementTypeName
  /** Dimensions; a string is a named (batch) dimension such as `'N'`. */
  shape: readonly (number | string)[]
}

function valueInfo(spec: ValueSpec): onnxProto.onnx.IValueInfoProto {
  const dim = spec.shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }))
  return {
    name: spec.name,
    type: { tensorType: { elemType: ElementType[spec.type], shape: { dim } } },
  }
}

/** Opset versions written into a model; both domains are always imported explicitly. */
export interface Opsets {
  /** Default domain (`ai.onnx`) version. */
  onnx: number
  /** `ai.onnx.ml` version: ORT assumes 5 when it is missing, which breaks the legacy tree ops. */
  ml: number
  /** IR version of the model file. */
  ir: number
}

/** skl2onnx-era defaults that onnxruntime-node 1.30 and Debian's onnx 1.12 both read. */
export const DEFAULT_OPSETS: Opsets = { onnx: 17, ml: 3, ir: 8 }

/** Accumulates nodes, initializers, inputs and outputs, then encodes one ModelProto. */
export class GraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = []
  private readonly initializers: onnxProto.onnx.ITensorProto[] = []
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = []
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = []
  private counter = 0

  /** A fresh tensor name with the given prefix, unique within this graph. */
  name(prefix: string): string {
    this.counter += 1
    return `${prefix}_${this.counter}`
  }

  /** Declares a graph input. */
  input(spec: ValueSpec): string {
    this.inputs.push(valueInfo(spec))
    return spec.name
  }

  /** Declares a graph output (the tensor must be produced by some node). */
  output(spec: ValueSpec): void {
    this.outputs.push(valueInfo(spec))
  }

  /** Adds a constant tensor and returns its name. */
  constant(tensor: onnxProto.onnx.TensorProto): string {
    this.initializers.push(tensor)
    return tensor.name
  }

  /** Adds a node with one output and returns that output's name. */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Record<string, AttributeValue> = {},
    options: { domain?: string; outputs?: readonly string[] } = {},
  ): string {
    const outputs = options.outputs ?? [this.name(opType.toLowerCase())]
    this.nodes.push({
      opType,
      domain: options.domain ?? '',
      name: this.name(`node_${opType}`),
      input: [...inputs],
      output: [...outputs],
      attribute: Object.entries(attributes).map(([key, value]) => toAttribute(key, value)),
    })
    return outputs[0] ?? ''
  }

  /** Encodes the model. */
  toBytes(graphName: string, opsets: Opsets = DEFAULT_OPSETS): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: opsets.ir,
      producerName: 'lathe',
      opsetImport: [
        { domain: '', version: opsets.onnx },
        { domain: 'ai.onnx.ml', version: opsets.ml },
      ],
      graph: {
        name: graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    })
    return onnx.ModelProto.encode(model).finish()
  }
}

import type * as ort from 'onnxruntime-node'
import { InvalidParameterError } from '../shared/errors.js'
import type { OnnxModel, ValueInfo } from './onnx-model.js'
import type {
  ColumnSpec,
  ColumnType,
  ModelSignature,
  Schema,
  TensorDtype,
  TensorSpec,
} from './signature.js'
import { isTensorSpec } from './signature.js'

/** One way a signature disagrees with an ONNX graph. */
export interface SignatureMismatch {
  /** Whether an input or an output disagrees. */
  readonly side: 'input' | 'output'
  /** Name of the input or output. */
  readonly name: string
  /** What is wrong. */
  readonly problem: 'not-in-graph' | 'not-in-signature' | 'not-a-tensor' | 'type' | 'shape'
  /** A sentence saying what the signature declares and what the graph has. */
  readonly message: string
}

// onnxruntime element types that MLflow column types stand for; binary and datetime have none.
const COLUMN_TO_ORT: Partial<Record<ColumnType, ort.Tensor.Type>> = {
  boolean: 'bool',
  integer: 'int32',
  long: 'int64',
  float: 'float32',
  double: 'float64',
  string: 'string',
}

function dtypeToOrt(dtype: TensorDtype): ort.Tensor.Type {
  return dtype === 'str' ? 'string' : dtype
}

/**
 * Compares a signature with a loaded graph, by name. Every graph input must be in the signature
 * and every signature input and output in the graph, with the same element type. A column spec
 * must be a `[N]` or `[N, 1]` tensor; a tensor spec's fixed dimensions must equal the graph's,
 * and its -1 dimensions must be free in the graph. Graph outputs absent from the signature are
 * allowed (extra results). Returns [] when they agree.
 */
export function checkSignature(signature: ModelSignature, model: OnnxModel): SignatureMismatch[] {
  const mismatches = [
    ...compareSide('input', signature.inputs, model.inputs),
    ...compareSide('output', signature.outputs, model.outputs),
  ]
  const declared = new Set(signature.inputs.map((spec) => spec.name))
  for (const info of model.inputs) {
    if (!declared.has(info.name)) {
      mismatches.push({
        side: 'input',
        name: info.name,
        problem: 'not-in-signature',
        message: `Graph input '${info.name}' is not in the signature, so requests cannot feed it`,
      })
    }
  }
  return mismatches
}

/**
 * The release-gate form of `checkSignature`.
 * @throws InvalidParameterError listing every mismatch
 */
export function verifySignature(signature: ModelSignature, model: OnnxModel): void {
  const mismatches = checkSignature(signature, model)
  if (mismatches.length > 0) {
    const list = mismatches.map((m) => `- ${m.message}`).join('\n')
    throw new InvalidParameterError(`The signature does not match the ONNX graph:\n${list}`)
  }
}

function compareSide(
  side: 'input' | 'output',
  schema: Schema,
  values: readonly ValueInfo[],
): SignatureMismatch[] {
  const mismatches: SignatureMismatch[] = []
  for (const spec of schema) {
    const info = values.find((v) => v.name === spec.name)
    const report = (problem: SignatureMismatch['problem'], message: string) =>
      mismatches.push({ side, name: spec.name, problem, message })
    if (info === undefined) {
      const names = values.map((v) => v.name).join(', ')
      report(
        'not-in-graph',
        `Signature ${side} '${spec.name}' is not a graph ${side} (graph: ${names})`,
      )
    } else if (!info.isTensor) {
      report(
        'not-a-tensor',
        `Graph ${side} '${spec.name}' is not a tensor (a ZipMap?); it cannot be served`,
      )
    } else {
      const expected = isTensorSpec(spec) ? dtypeToOrt(spec.dtype) : COLUMN_TO_ORT[spec.type]
      const declared = isTensorSpec(spec) ? spec.dtype : spec.type
      if (expected !== info.type) {
        report(
          'type',
          `${capitalise(side)} '${spec.name}' is ${declared} in the signature but ${info.type} in the graph`,
        )
      }
      const shapeProblem = isTensorSpec(spec)
        ? tensorShapeProblem(spec, info.shape)
        : columnShapeProblem(spec, info.shape)
      if (shapeProblem !== undefined)
        report('shape', `${capitalise(side)} '${spec.name}': ${shapeProblem}`)
    }
  }
  return mismatches
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1)
}

function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.map((d) => (d === '' ? '?' : String(d))).join(', ')}]`
}

function columnShapeProblem(
  _spec: ColumnSpec,
  shape: readonly (number | string)[],
): string | undefined {
  // An unknown shape ([]) accepts anything; a column is one value per row.
  if (shape.length === 0 || shape.length === 1 || (shape.length === 2 && shape[1] === 1))
    return undefined
  return `a column is fed as [N, 1] but the graph wants ${formatShape(shape)}; declare a tensor spec`
}

function tensorShapeProblem(
  spec: TensorSpec,
  shape: readonly (number | string)[],
): string | undefined {
  if (shape.length === 0) return undefined
  const declared = formatShape(spec.shape)
  if (spec.shape.length !== shape.length) {
    return `the signature declares ${declared} but the graph wants ${formatShape(shape)}`
  }
  const agrees = spec.shape.every((d, i) => {
    const actual = shape[i]
    return d === -1 ? typeof actual === 'string' : typeof actual === 'string' || actual === d
  })
  return agrees
    ? undefined
    : `the signature declares ${declared} but the graph wants ${formatShape(shape)}`
}

/**
 * A signature read from a graph, for models logged without one (e.g. exported elsewhere). A
 * schema whose tensors are all `[N]` or `[N, 1]` of a type MLflow names becomes column specs,
 * any other all tensor specs (MLflow allows one kind per schema). Non-tensor outputs are left
 * out.
 */
export function signatureFromOnnx(model: OnnxModel): ModelSignature {
  return { inputs: schemaFromValues(model.inputs), outputs: schemaFromValues(model.outputs) }
}

function schemaFromValues(values: readonly ValueInfo[]): Schema {
  const tensors = values.filter((info) => info.isTensor)
  const asColumn = (info: (typeof tensors)[number]) => {
    const type = Object.entries(COLUMN_TO_ORT).find(([, ort]) => ort === info.type)?.[0]
    const isColumnShaped =
      info.shape.length === 1 || (info.shape.length === 2 && info.shape[1] === 1)
    return type !== undefined && isColumnShaped ? (type as ColumnType) : undefined
  }
  // MLflow rejects a schema that mixes column and tensor specs: one kind per schema.
  if (tensors.every((info) => asColumn(info) !== undefined)) {
    return tensors.map((info) => ({ name: info.name, type: asColumn(info) as ColumnType }))
  }
  return tensors.map((info) => ({
    name: info.name,
    type: 'tensor',
    dtype: (info.type === 'string' ? 'str' : info.type) as TensorDtype,
    shape: info.shape.map((d) => (typeof d === 'number' ? d : -1)),
  }))
}

import { InvalidParameterError } from '../shared/errors.js'

/** MLflow's column types (`mlflow.types.DataType`). */
const COLUMN_TYPES = [
  'boolean',
  'integer',
  'long',
  'float',
  'double',
  'string',
  'binary',
  'datetime',
] as const

/** An MLflow column type. */
export type ColumnType = (typeof COLUMN_TYPES)[number]

/** Element types of tensor specs: numpy dtype names, as MLflow writes them. */
const TENSOR_DTYPES = [
  'bool',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'float16',
  'float32',
  'float64',
  'str',
] as const

/** A numpy dtype name (`str` for strings). */
export type TensorDtype = (typeof TENSOR_DTYPES)[number]

/** One named column, fed to an ONNX model as a `[N, 1]` (or `[N]`) tensor. MLflow's ColSpec. */
export interface ColumnSpec {
  /** Column (and ONNX input/output) name. */
  readonly name: string
  /** MLflow column type. */
  readonly type: ColumnType
  /** False when the column may be absent; MLflow's default is true. */
  readonly required?: boolean
}

/** A named tensor with a fixed shape, -1 for a free dimension. MLflow's TensorSpec. */
export interface TensorSpec {
  /** Tensor (ONNX input/output) name. */
  readonly name: string
  /** Marks a tensor spec, as in MLflow's JSON. */
  readonly type: 'tensor'
  /** Element type. */
  readonly dtype: TensorDtype
  /** Dimensions; -1 is any size. */
  readonly shape: readonly number[]
}

/** The inputs or the outputs of a model. */
export type Schema = readonly (ColumnSpec | TensorSpec)[]

/** What a model takes and returns, as MLflow's `signature` in an MLmodel file. */
export interface ModelSignature {
  /** Model inputs, in order. */
  readonly inputs: Schema
  /** Model outputs, in order. */
  readonly outputs: Schema
}

/** The `signature` entry of an MLmodel file: each schema is a JSON string. */
export interface MlflowSignature {
  /** JSON array of column or tensor specs. */
  readonly inputs: string
  /** JSON array of column or tensor specs. */
  readonly outputs: string
}

/** Whether a spec is a tensor spec. */
export function isTensorSpec(spec: ColumnSpec | TensorSpec): spec is TensorSpec {
  return spec.type === 'tensor'
}

/**
 * Writes a signature as MLflow does: `{"type": "double", "name": "x", "required": true}`.
 * @throws InvalidParameterError if a schema mixes column and tensor specs
 */
export function toMlflowSignature(signature: ModelSignature): MlflowSignature {
  checkOneKind('inputs', signature.inputs)
  checkOneKind('outputs', signature.outputs)
  return { inputs: schemaToJson(signature.inputs), outputs: schemaToJson(signature.outputs) }
}

/** MLflow refuses a schema that mixes column and tensor specs (`Schema.__init__`). */
function checkOneKind(where: string, schema: Schema): void {
  const tensors = schema.filter(isTensorSpec).length
  if (tensors > 0 && tensors < schema.length) {
    throw new InvalidParameterError(
      `Signature ${where} mix column and tensor specs; MLflow allows one kind per schema`,
    )
  }
}

function schemaToJson(schema: Schema): string {
  const specs = schema.map((spec) =>
    isTensorSpec(spec)
      ? { type: 'tensor', 'tensor-spec': { dtype: spec.dtype, shape: spec.shape }, name: spec.name }
      : { type: spec.type, name: spec.name, required: spec.required ?? true },
  )
  return JSON.stringify(specs)
}

/**
 * Reads an MLmodel `signature` (or the same object with already-parsed arrays). Every spec must
 * be named, since ONNX inputs are matched by name.
 * @throws InvalidParameterError naming the first bad entry
 */
export function fromMlflowSignature(signature: {
  readonly inputs: unknown
  readonly outputs?: unknown
}): ModelSignature {
  return {
    inputs: parseSchema('inputs', signature.inputs),
    outputs: signature.outputs == null ? [] : parseSchema('outputs', signature.outputs),
  }
}

function parseSchema(where: string, value: unknown): Schema {
  let parsed = value
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value) as unknown
    } catch (cause) {
      throw new InvalidParameterError(`Signature ${where} is not valid JSON`, { cause })
    }
  }
  if (!Array.isArray(parsed)) {
    throw new InvalidParameterError(
      `Signature ${where} must be a JSON array of column or tensor specs`,
    )
  }
  const schema = parsed.map((entry: unknown, i) => parseSpec(`${where}[${i}]`, entry))
  checkOneKind(where, schema)
  return schema
}

function parseSpec(where: string, entry: unknown): ColumnSpec | TensorSpec {
  if (typeof entry !== 'object' || entry === null) {
    throw new InvalidParameterError(`Signature ${where} must be an object`)
  }
  const spec = entry as Record<string, unknown>
  if (typeof spec.name !== 'string' || spec.name === '') {
    throw new InvalidParameterError(
      `Signature ${where} has no name; ONNX inputs are matched by name`,
    )
  }
  if (spec.type === 'tensor') return parseTensorSpec(where, spec.name, spec['tensor-spec'])
  const type = spec.type
  if (!COLUMN_TYPES.includes(type as ColumnType)) {
    throw new InvalidParameterError(
      `Signature ${where} has type ${JSON.stringify(type)}; allowed: tensor, ${COLUMN_TYPES.join(', ')}`,
    )
  }
  const required = spec.required === false ? { required: false } : {}
  return { name: spec.name, type: type as ColumnType, ...required }
}

// MLflow writes numpy's names; strings appear as `object` or a unicode dtype such as `<U0`.
function normaliseDtype(dtype: unknown): TensorDtype | undefined {
  if (dtype === 'object' || (typeof dtype === 'string' && /^[<>|=]?U\d*$/.test(dtype))) return 'str'
  return TENSOR_DTYPES.find((d) => d === dtype)
}

function parseTensorSpec(where: string, name: string, body: unknown): TensorSpec {
  const spec = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  const dtype = normaliseDtype(spec.dtype)
  if (dtype === undefined) {
    throw new InvalidParameterError(
      `Signature ${where} has tensor dtype ${JSON.stringify(spec.dtype)}; allowed: ${TENSOR_DTYPES.join(', ')}`,
    )
  }
  const shape = spec.shape
  const isShape =
    Array.isArray(shape) && shape.every((d) => Number.isInteger(d) && (d === -1 || d >= 0))
  if (!isShape) {
    throw new InvalidParameterError(
      `Signature ${where} needs a tensor shape of integers (-1 for any size)`,
    )
  }
  return { name, type: 'tensor', dtype, shape: shape as number[] }
}

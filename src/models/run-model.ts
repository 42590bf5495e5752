import * as ort from 'onnxruntime-node'
import { InvalidParameterError } from '../shared/errors.js'
import type { OnnxModel, ValueInfo } from './onnx-model.js'

/** Values for one input: one entry per row; an array entry is that row's inner vector. */
export type InputColumn = Float64Array | Float32Array | readonly unknown[]

/** Model input: named columns (`{ x: [1, 2] }`) or JSON records (`[{ x: 1 }, { x: 2 }]`). */
export type ModelInput =
  Readonly<Record<string, InputColumn>> | readonly Readonly<Record<string, unknown>>[]

/** One fetched output tensor, as plain JSON-ready arrays (int64 becomes number). */
export interface OutputTensor {
  /** onnxruntime element type of the output. */
  readonly type: ort.Tensor.Type
  /** Actual dimensions. */
  readonly dims: readonly number[]
  /** Row-major elements. */
  readonly data: readonly number[] | readonly string[] | readonly boolean[]
}

type TensorInfo = Extract<ValueInfo, { isTensor: true }>

/**
 * Runs a model on columns or records. Each graph input is read by name; a `[N, 1]` or `[N]` input
 * takes one scalar per row, a `[N, k]` input one k-array per row. Numbers are converted to the
 * input's element type; null is NaN for floats and '' for strings. Non-tensor outputs (ZipMap)
 * are skipped: onnxruntime-node cannot return them.
 * @throws InvalidParameterError naming the input and row at fault, or with the runtime's message
 */
export async function runModel(
  model: OnnxModel,
  input: ModelInput,
): Promise<Record<string, OutputTensor>> {
  const columns = Array.isArray(input) ? recordsToColumns(input, model.inputs) : input
  const feeds: Record<string, ort.Tensor> = {}
  for (const info of model.inputs) {
    if (!info.isTensor) {
      throw new InvalidParameterError(
        `Model input '${info.name}' is not a tensor; it cannot be fed`,
      )
    }
    const column = (columns as Readonly<Record<string, InputColumn>>)[info.name]
    if (column === undefined) {
      const names = model.inputs.map((i) => i.name).join(', ')
      throw new InvalidParameterError(`Input '${info.name}' is missing (model inputs: ${names})`)
    }
    feeds[info.name] = toTensor(info, column)
  }
  const fetches = model.outputs.filter((o) => o.isTensor).map((o) => o.name)
  let results: ort.InferenceSession.ReturnType
  try {
    results = await model.session.run(feeds, fetches)
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    throw new InvalidParameterError(`The model rejected the input: ${reason}`, { cause })
  }
  const outputs: Record<string, OutputTensor> = {}
  for (const name of fetches) {
    const tensor = results[name]
    if (tensor !== undefined) outputs[name] = toOutput(tensor)
  }
  return outputs
}

function recordsToColumns(
  records: readonly Readonly<Record<string, unknown>>[],
  inputs: readonly ValueInfo[],
): Record<string, unknown[]> {
  const columns: Record<string, unknown[]> = {}
  for (const { name } of inputs) columns[name] = records.map((record) => record[name])
  return columns
}

function toTensor(info: TensorInfo, column: InputColumn): ort.Tensor {
  const rows = column.length
  const isRowVector = info.shape.length >= 2 && info.shape[1] !== 1
  if (info.shape.length > 2) {
    throw new InvalidParameterError(
      `Input '${info.name}' has rank ${info.shape.length}; runModel feeds rank 1 and 2 only`,
    )
  }
  if (!isRowVector) {
    const dims = info.shape.length === 1 ? [rows] : [rows, 1]
    return makeTensor(info, column, dims)
  }
  const flat: unknown[] = []
  let width: number | undefined
  for (let row = 0; row < rows; row++) {
    const vector = column[row]
    if (!Array.isArray(vector) || (width !== undefined && vector.length !== width)) {
      const expected = width === undefined ? 'an array' : `an array of ${width}`
      throw new InvalidParameterError(`Input '${info.name}', row ${row}: expected ${expected}`)
    }
    width = vector.length
    flat.push(...(vector as unknown[]))
  }
  return makeTensor(info, flat, [rows, width ?? 0])
}

function makeTensor(info: TensorInfo, values: InputColumn, dims: number[]): ort.Tensor {
  const read = (convert: (v: unknown) => unknown) =>
    Array.from(values as ArrayLike<unknown>, (value, i) => {
      const out = convert(value)
      if (out === undefined) {
        const got = JSON.stringify(value) ?? typeof value
        throw new InvalidParameterError(
          `Input '${info.name}', element ${i}: ${info.type} cannot hold ${got}`,
        )
      }
      return out
    })
  switch (info.type) {
    case 'float64':
      if (values instanceof Float64Array) return new ort.Tensor('float64', values, dims)
      return new ort.Tensor('float64', Float64Array.from(read(toFloat) as number[]), dims)
    case 'float32':
      return new ort.Tensor('float32', Float32Array.from(read(toFloat) as number[]), dims)
    case 'int64':
      return new ort.Tensor('int64', BigInt64Array.from(read(toInteger) as bigint[]), dims)
    case 'int32':
      return new ort.Tensor('int32', Int32Array.from(read(toInteger) as bigint[], Number), dims)
    case 'bool':
      return new ort.Tensor('bool', Uint8Array.from(read(toBool) as number[]), dims)
    case 'string':
      return new ort.Tensor('string', read(toText) as string[], dims)
    default:
      throw new InvalidParameterError(
        `Input '${info.name}' has type ${info.type}, which runModel cannot feed`,
      )
  }
}

function toFloat(value: unknown): number | undefined {
  if (value === null || value === undefined) return NaN
  if (typeof value === 'number') return value
  if (typeof value === 'boolean') return value ? 1 : 0
  return undefined
}

function toInteger(value: unknown): bigint | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value)
  if (typeof value === 'bigint') return value
  if (typeof value === 'boolean') return value ? 1n : 0n
  return undefined
}

function toBool(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0
  if (value === 0 || value === 1) return value
  return undefined
}

function toText(value: unknown): string | undefined {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return undefined
}

function toOutput(tensor: ort.Tensor): OutputTensor {
  const data = tensor.data
  const plain =
    data instanceof BigInt64Array || data instanceof BigUint64Array
      ? Array.from(data, Number)
      : tensor.type === 'bool'
        ? Array.from(data as Uint8Array, Boolean)
        : Array.from(data as ArrayLike<number | string>)
  return { type: tensor.type, dims: [...tensor.dims], data: plain as OutputTensor['data'] }
}

import type * as ort from 'onnxruntime-node'

/** The model's fetched outputs, by name, in the order the signature lists them. */
export type ModelOutputs = ReadonlyMap<string, ort.Tensor>

/** One Open Inference Protocol output tensor. */
export interface V2Tensor {
  readonly name: string
  readonly datatype: string
  readonly shape: readonly number[]
  readonly data: readonly unknown[]
}

const V2_TYPES: Readonly<Record<string, string>> = {
  float32: 'FP32',
  float64: 'FP64',
  float16: 'FP16',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  bool: 'BOOL',
  string: 'BYTES',
}

/** The Open Inference Protocol datatype of an onnxruntime element type. */
export function v2Datatype(type: string): string {
  return V2_TYPES[type] ?? type.toUpperCase()
}

/** A tensor's elements as JSON values: int64 as numbers, bool as booleans, NaN as null. */
export function plainData(tensor: ort.Tensor): unknown[] {
  const data = tensor.data as ArrayLike<unknown>
  if (tensor.type === 'bool') return Array.from(data, Boolean)
  if (typeof data[0] === 'bigint') return Array.from(data, Number)
  return Array.from(data)
}

/** Per-row values: a scalar for `[N]` and `[N, 1]` outputs, else the row's elements. */
export function tensorRows(tensor: ort.Tensor): unknown[] {
  const data = plainData(tensor)
  const rows = tensor.dims[0] ?? data.length
  const width = rows === 0 ? 0 : data.length / rows
  if (width === 1 && tensor.dims.length <= 2) return data
  return Array.from({ length: rows }, (_, r) => data.slice(r * width, (r + 1) * width))
}

/** Outputs as one record per row (for the inference log and dataframe-shaped answers). */
export function outputRecords(outputs: ModelOutputs): Record<string, unknown>[] {
  const columns = [...outputs].map(([name, tensor]) => [name, tensorRows(tensor)] as const)
  const rows = columns[0]?.[1].length ?? 0
  return Array.from({ length: rows }, (_, r) =>
    Object.fromEntries(columns.map(([name, values]) => [name, values[r]])),
  )
}

/**
 * The `predictions` of an MLflow `/invocations` answer: a list of per-row values for a model with
 * one output; for several, records (dataframe inputs) or a map of name to list (tensor inputs).
 */
export function mlflowPredictions(outputs: ModelOutputs, tabular: boolean): unknown {
  if (outputs.size === 1) return tensorRows([...outputs.values()][0]!)
  if (tabular) return outputRecords(outputs)
  return Object.fromEntries([...outputs].map(([name, tensor]) => [name, tensorRows(tensor)]))
}

/** The `outputs` of an Open Inference Protocol answer, each flat and row-major. */
export function v2Outputs(outputs: ModelOutputs, only?: readonly string[]): V2Tensor[] {
  return [...outputs]
    .filter(([name]) => only === undefined || only.includes(name))
    .map(([name, tensor]) => ({
      name,
      datatype: v2Datatype(tensor.type),
      shape: [...tensor.dims],
      data: plainData(tensor),
    }))
}

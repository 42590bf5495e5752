import type * as ort from 'onnxruntime-node'

/**
 * Dynamic batching: the single-row requests that queue while a model runs are scored in one
 * run, as Triton's dynamic batcher and KServe's batcher do — a call costs onnxruntime far more
 * than a row does. Pure functions over tensors as plain data (what crosses to a worker thread).
 */

/** A tensor as plain data. */
export interface TensorData {
  readonly type: ort.Tensor.Type
  readonly dims: readonly number[]
  readonly data: ort.Tensor.DataType
}

/** One call's tensors, by name. */
export type Tensors = Readonly<Record<string, TensorData>>

/** How many rows a call's inputs carry: their common first dimension, if they agree. */
function rowsOf(feeds: Tensors): number | undefined {
  let rows: number | undefined
  for (const name in feeds) {
    const first = feeds[name]!.dims[0]
    if (first === undefined || (rows !== undefined && first !== rows)) return undefined
    rows = first
  }
  return rows
}

function sameShape(a: TensorData, b: TensorData): boolean {
  if (a.type !== b.type || a.dims.length !== b.dims.length) return false
  for (let i = 1; i < a.dims.length; i++) if (a.dims[i] !== b.dims[i]) return false
  return true
}

function concatData(parts: readonly TensorData[], type: ort.Tensor.Type): ort.Tensor.DataType {
  if (type === 'string') return parts.flatMap((p) => p.data as string[])
  const first = parts[0]!.data as Float64Array
  const Kind = first.constructor as new (n: number) => Float64Array
  const out = new Kind(parts.reduce((n, p) => n + (p.data as Float64Array).length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p.data as Float64Array, at)
    at += (p.data as Float64Array).length
  }
  return out
}

/**
 * The calls' inputs stacked along the first dimension, with each call's row count; undefined
 * when they cannot be (different inputs, types or trailing dimensions, or inputs of one call
 * disagreeing on their rows).
 */
export function stackFeeds(
  calls: readonly Tensors[],
): { readonly feeds: Record<string, TensorData>; readonly rows: number[] } | undefined {
  const first = calls[0]
  if (first === undefined) return undefined
  const names = Object.keys(first)
  const rows: number[] = []
  for (const call of calls) {
    const n = rowsOf(call)
    if (n === undefined || Object.keys(call).length !== names.length) return undefined
    for (const name of names) {
      const tensor = call[name]
      if (tensor === undefined || !sameShape(tensor, first[name]!)) return undefined
    }
    rows.push(n)
  }
  const total = rows.reduce((a, b) => a + b, 0)
  const feeds: Record<string, TensorData> = {}
  for (const name of names) {
    const parts = calls.map((c) => c[name]!)
    const { type, dims } = first[name]!
    feeds[name] = { type, dims: [total, ...dims.slice(1)], data: concatData(parts, type) }
  }
  return { feeds, rows }
}

/**
 * A stacked run's outputs cut back into each call's, by the calls' row counts; undefined when an
 * output is not one row per input row (its first dimension is not the total), so the calls must
 * run one by one.
 */
export function splitOutputs(outputs: Tensors, rows: readonly number[]): Tensors[] | undefined {
  const total = rows.reduce((a, b) => a + b, 0)
  for (const name in outputs) if (outputs[name]!.dims[0] !== total) return undefined
  const parts: Record<string, TensorData>[] = rows.map(() => ({}))
  for (const name in outputs) {
    const { type, dims, data } = outputs[name]!
    const width = dims.slice(1).reduce((a, b) => a * b, 1)
    const values = data as Float64Array
    let at = 0
    rows.forEach((n, i) => {
      parts[i]![name] = {
        type,
        dims: [n, ...dims.slice(1)],
        data: values.slice(at * width, (at + n) * width),
      }
      at += n
    })
  }
  return parts
}

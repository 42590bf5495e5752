import * as ort from 'onnxruntime-node'
import type { ColumnSpec, Schema, TensorSpec, ValueInfo } from '../models/index.js'
import { InvalidParameterError } from '../shared/errors.js'
import type { ValidationPolicy } from './deployment.js'
import type { ColumnReader, RawTable } from './raw-table.js'
import {
  elementReader,
  isFeedable,
  type ElementReader,
  type ElementType,
} from './element-reader.js'

/** Turns a request's table into the model's feeds, checking every value against the signature. */
export interface CompiledInputs {
  /** Input names, in signature order. */
  readonly names: readonly string[]
  /**
   * @throws InvalidParameterError naming the column (and row) at fault: a missing required
   *   column, a value of the wrong type, a missing value where none is allowed, an extra column
   *   under the `reject` policy, too many rows
   */
  feeds(table: RawTable, policy: ValidationPolicy): Record<string, ort.Tensor>
}

type Feed = (
  read: ColumnReader | undefined,
  rows: number,
  textual: boolean,
  policy: ValidationPolicy,
) => ort.Tensor

const TYPED: Partial<Record<ElementType, new (n: number) => ArrayLike<unknown>>> = {
  float64: Float64Array,
  float32: Float32Array,
  int64: BigInt64Array,
  int32: Int32Array,
  bool: Uint8Array,
}

function allocate(type: ElementType, n: number): { [i: number]: unknown; length: number } {
  const Typed = TYPED[type]
  return (Typed ? new Typed(n) : new Array<string>(n)) as { [i: number]: unknown; length: number }
}

/** The four conversions of a column (CSV or JSON, missing values allowed or not), made once. */
function readersOf(type: ElementType, column: string) {
  const made: ElementReader[] = []
  return (textual: boolean, allowMissing: boolean): ElementReader =>
    (made[(textual ? 2 : 0) + (allowMissing ? 1 : 0)] ??= elementReader(
      type,
      column,
      textual,
      allowMissing,
    ))
}

function columnFeed(spec: ColumnSpec, info: Extract<ValueInfo, { isTensor: true }>): Feed {
  const type = info.type as ElementType
  const oneDim = info.shape.length === 1
  const readers = readersOf(type, spec.name)
  return (read, rows, textual, policy) => {
    const convert = readers(textual, policy.missingValues === 'allow')
    const values = allocate(type, rows)
    if (read === undefined) {
      const fill = convert(null, 0)
      for (let row = 0; row < rows; row++) values[row] = fill
    } else {
      for (let row = 0; row < rows; row++) values[row] = convert(read(row), row)
    }
    return new ort.Tensor(type as 'float64', values as Float64Array, oneDim ? [rows] : [rows, 1])
  }
}

/** The inner dimensions of one row of a tensor input; -1 takes the first row's size. */
function rowDims(value: unknown, declared: readonly number[], where: string): number[] {
  const dims: number[] = []
  let level = value
  for (const d of declared) {
    if (!Array.isArray(level)) throw new InvalidParameterError(`${where}: expected a nested list`)
    dims.push(d === -1 ? level.length : d)
    level = level[0]
  }
  return dims
}

function flatten(value: unknown, dims: readonly number[], out: unknown[], where: string): void {
  if (dims.length === 0) {
    out.push(value)
    return
  }
  if (!Array.isArray(value) || value.length !== dims[0]) {
    throw new InvalidParameterError(`${where}: expected a list of ${dims[0]} values`)
  }
  for (const item of value) flatten(item, dims.slice(1), out, where)
}

function tensorFeed(spec: TensorSpec, info: Extract<ValueInfo, { isTensor: true }>): Feed {
  const type = info.type as ElementType
  const inner = spec.shape.slice(1)
  const readers = readersOf(type, spec.name)
  return (read, rows, textual, policy) => {
    if (read === undefined) throw new InvalidParameterError(`Input '${spec.name}' is missing`)
    const dims =
      rows === 0
        ? inner.map((d) => Math.max(d, 0))
        : rowDims(read(0), inner, `Input '${spec.name}', row 0`)
    const convert = readers(textual, policy.missingValues === 'allow')
    const values = allocate(type, rows * dims.reduce((a, b) => a * b, 1))
    let at = 0
    for (let row = 0; row < rows; row++) {
      const items: unknown[] = []
      flatten(read(row), dims, items, `Input '${spec.name}', row ${row}`)
      for (const item of items) values[at++] = convert(item, row)
    }
    return new ort.Tensor(type as 'float64', values as Float64Array, [rows, ...dims])
  }
}

interface Feeder {
  readonly name: string
  readonly required: boolean
  readonly feed: Feed
}

function compileFeeder(spec: Schema[number], graph: readonly ValueInfo[]): Feeder {
  const info = graph.find((v) => v.name === spec.name)
  if (!info?.isTensor) {
    throw new InvalidParameterError(
      `Signature input '${spec.name}' is not a tensor input of the graph`,
    )
  }
  if (!isFeedable(info.type)) {
    throw new InvalidParameterError(
      `Graph input '${spec.name}' has type ${info.type}, which requests cannot carry`,
    )
  }
  const feed = spec.type === 'tensor' ? tensorFeed(spec, info) : columnFeed(spec, info)
  return { name: spec.name, required: spec.type === 'tensor' || spec.required !== false, feed }
}

/** The request-level checks: batch size, extra columns (when refused), missing columns. */
function checkTable(
  table: RawTable,
  policy: ValidationPolicy,
  feeders: readonly Feeder[],
  readers: readonly (ColumnReader | undefined)[],
): void {
  const names = feeders.map((f) => f.name)
  if (table.rows > policy.maxRows) {
    throw new InvalidParameterError(
      `The request has ${table.rows} rows; this deployment takes at most ${policy.maxRows} per request`,
    )
  }
  if (policy.extraColumns === 'reject') {
    const extra = table.names().filter((n) => !names.includes(n))
    if (extra.length > 0) {
      throw new InvalidParameterError(
        `Unexpected column '${extra[0]}'; the model takes ${names.join(', ')}`,
      )
    }
  }
  const missing = feeders.filter((f, i) => f.required && readers[i] === undefined)
  if (missing.length > 0) {
    const list = missing.map((m) => `'${m.name}'`).join(', ')
    throw new InvalidParameterError(
      `Model is missing inputs [${list}]; the model takes ${names.join(', ')}`,
    )
  }
}

/**
 * Compiles the checks and conversions for a signature's inputs once per loaded model, so a
 * request costs one pass over its values. Graph element types decide the conversions (the
 * release gates have checked that the signature agrees with the graph).
 */
export function compileInputs(inputs: Schema, graph: readonly ValueInfo[]): CompiledInputs {
  const feeders = inputs.map((spec) => compileFeeder(spec, graph))
  return {
    names: feeders.map((f) => f.name),
    feeds(table, policy) {
      const readers = feeders.map((f) => table.column(f.name))
      checkTable(table, policy, feeders, readers)
      const feeds: Record<string, ort.Tensor> = {}
      feeders.forEach(({ name, feed }, i) => {
        feeds[name] = feed(readers[i], table.rows, table.textual, policy)
      })
      return feeds
    },
  }
}

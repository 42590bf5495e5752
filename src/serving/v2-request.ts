import { InvalidParameterError } from '../shared/errors.js'
import type { RawTable } from './raw-table.js'

/** Datatypes of the Open Inference Protocol that JSON can carry (FP16 is binary-only). */
export const V2_DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP32',
  'FP64',
  'BYTES',
] as const

/** An inference request of the Open Inference Protocol, read into a table. */
export interface V2Request {
  /** The client's request id, echoed in the answer. */
  readonly id: string | undefined
  readonly table: RawTable
  /** The outputs asked for; all when undefined. */
  readonly outputs: readonly string[] | undefined
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function flat(data: unknown): unknown[] {
  return Array.isArray(data) ? data.flat(Infinity) : [data]
}

/** Rebuilds one row's nested lists from its flat elements. */
function nest(values: readonly unknown[], dims: readonly number[]): unknown {
  if (dims.length <= 1) return values
  const size = values.length / dims[0]!
  return Array.from({ length: dims[0]! }, (_, i) =>
    nest(values.slice(i * size, (i + 1) * size), dims.slice(1)),
  )
}

interface V2Input {
  readonly name: string
  readonly rows: number
  readonly read: (row: number) => unknown
}

function readInput(input: unknown, i: number): V2Input {
  const where = `inputs[${i}]`
  if (!isRecord(input)) throw new InvalidParameterError(`${where} must be an object`)
  const { name, shape, datatype, data, parameters } = input
  if (typeof name !== 'string' || name === '')
    throw new InvalidParameterError(`${where}.name must be a tensor name`)
  const at = `input '${name}'`
  if (
    !Array.isArray(shape) ||
    shape.length === 0 ||
    !shape.every((d) => Number.isSafeInteger(d) && d >= 0)
  ) {
    throw new InvalidParameterError(`${at}: shape must be a non-empty list of sizes`)
  }
  if (!(V2_DATATYPES as readonly unknown[]).includes(datatype)) {
    throw new InvalidParameterError(
      `${at}: datatype ${JSON.stringify(datatype)} is not one of ${V2_DATATYPES.join(', ')}`,
    )
  }
  let values = flat(data)
  const count = (shape as number[]).reduce((a, b) => a * b, 1)
  if (values.length !== count) {
    throw new InvalidParameterError(
      `${at}: shape [${shape.join(', ')}] holds ${count} elements but data has ${values.length}`,
    )
  }
  if (datatype === 'BYTES' && isRecord(parameters) && parameters.content_type === 'base64') {
    values = values.map((v) =>
      typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : v,
    )
  }
  const rows = shape[0] as number
  const inner = (shape as number[]).slice(1)
  const width = rows === 0 ? 0 : count / rows
  const read =
    width === 1 && inner.length <= 1
      ? (row: number) => values[row] ?? null
      : (row: number) => nest(values.slice(row * width, (row + 1) * width), inner)
  return { name, rows, read }
}

/**
 * Reads `{id?, parameters?, inputs: [{name, shape, datatype, data}], outputs?}`. Each input's
 * first dimension is the batch; `[N]` and `[N, 1]` inputs are columns, wider ones tensor rows.
 * @throws InvalidParameterError naming the input at fault
 */
export function parseV2Request(body: unknown): V2Request {
  if (!isRecord(body))
    throw new InvalidParameterError('The request body must be a JSON object with inputs')
  const { id, inputs, outputs } = body
  if (id !== undefined && typeof id !== 'string')
    throw new InvalidParameterError('id must be a string')
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw new InvalidParameterError('inputs must be a non-empty list of tensors')
  }
  const read = inputs.map(readInput)
  const rows = read[0]!.rows
  const odd = read.find((input) => input.rows !== rows)
  if (odd)
    throw new InvalidParameterError(
      `input '${odd.name}' has ${odd.rows} rows but '${read[0]!.name}' has ${rows}`,
    )
  const byName = new Map(read.map((input) => [input.name, input.read]))
  if (byName.size !== read.length) throw new InvalidParameterError('inputs repeat a tensor name')
  let wanted: string[] | undefined
  if (outputs !== undefined) {
    if (
      !Array.isArray(outputs) ||
      !outputs.every((o) => isRecord(o) && typeof o.name === 'string')
    ) {
      throw new InvalidParameterError('outputs must be a list of {name}')
    }
    wanted = outputs.map((o) => (o as { name: string }).name)
  }
  const table: RawTable = {
    rows,
    textual: false,
    column: (name) => byName.get(name),
    names: () => [...byName.keys()],
  }
  return { id, table, outputs: wanted }
}

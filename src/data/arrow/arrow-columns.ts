import type { ArrowType } from './arrow-schema.js'

/**
 * A value as decoded: ints up to 32 bits, floats and decimals as numbers; 64-bit ints as bigint;
 * day dates as days since the epoch (number); timestamps as microseconds since the epoch (bigint).
 */
export type ArrowValue = number | bigint | boolean | string | null

/** A region of a record batch's body. */
export interface BodyRegion {
  readonly offset: number
  readonly length: number
}

/** One array of a record batch: its length, null count and buffers (in the order the spec lays them out). */
export interface ArrayData {
  readonly length: number
  readonly nullCount: number
  readonly body: DataView
  /** Returns the next buffer region of the batch. */
  readonly nextBuffer: () => BodyRegion
}

/** Buffers each type takes in a record batch (Arrow columnar format, "Buffer listing"). */
function bufferCount(type: ArrowType): number {
  switch (type.kind) {
    case 'null':
      return 0
    case 'utf8':
      return 3
    default:
      return 2
  }
}

/** Decodes one array of `type` into values, nulls where the validity bitmap says so. */
export function decodeArray(type: ArrowType, data: ArrayData): ArrowValue[] {
  const regions = Array.from({ length: bufferCount(type) }, data.nextBuffer)
  const values: ArrowValue[] = new Array<ArrowValue>(data.length).fill(null)
  if (type.kind === 'null') return values
  const [validity, main, extra] = regions as [BodyRegion, BodyRegion, BodyRegion | undefined]
  const isValid = validityOf(data, validity)
  const read = reader(type, data.body, main, extra)
  for (let i = 0; i < data.length; i++) if (isValid(i)) values[i] = read(i)
  return values
}

function validityOf(data: ArrayData, region: BodyRegion): (i: number) => boolean {
  if (data.nullCount === 0 || region.length === 0) return () => true
  const { body } = data
  return (i) => ((body.getUint8(region.offset + (i >> 3)) >> (i & 7)) & 1) === 1
}

function reader(
  type: Exclude<ArrowType, { kind: 'null' }>,
  body: DataView,
  main: BodyRegion,
  extra: BodyRegion | undefined,
): (i: number) => ArrowValue {
  const at = main.offset
  switch (type.kind) {
    case 'int':
      return intReader(type.bitWidth, type.signed, body, at)
    case 'float':
      return type.bytes === 4
        ? (i) => body.getFloat32(at + i * 4, true)
        : (i) => body.getFloat64(at + i * 8, true)
    case 'bool':
      return (i) => ((body.getUint8(at + (i >> 3)) >> (i & 7)) & 1) === 1
    case 'utf8':
      return utf8Reader(type.offsetBytes, body, main, extra ?? { offset: 0, length: 0 })
    case 'date':
      // Date32 counts days; Date64 counts milliseconds and is read as a timestamp.
      return type.unit === 'day'
        ? (i) => body.getInt32(at + i * 4, true)
        : (i) => body.getBigInt64(at + i * 8, true) * 1000n
    case 'timestamp':
      return timestampReader(type.microsPerUnit, body, at)
    case 'decimal':
      return decimalReader(type.bitWidth, 10 ** type.scale, body, at)
  }
}

function intReader(
  bits: number,
  signed: boolean,
  body: DataView,
  at: number,
): (i: number) => ArrowValue {
  switch (`${signed ? 'i' : 'u'}${bits}`) {
    case 'i8':
      return (i) => body.getInt8(at + i)
    case 'u8':
      return (i) => body.getUint8(at + i)
    case 'i16':
      return (i) => body.getInt16(at + i * 2, true)
    case 'u16':
      return (i) => body.getUint16(at + i * 2, true)
    case 'i32':
      return (i) => body.getInt32(at + i * 4, true)
    case 'u32':
      return (i) => BigInt(body.getUint32(at + i * 4, true))
    case 'u64':
      return (i) => body.getBigUint64(at + i * 8, true)
    default:
      return (i) => body.getBigInt64(at + i * 8, true)
  }
}

function utf8Reader(
  offsetBytes: 4 | 8,
  body: DataView,
  offsets: BodyRegion,
  data: BodyRegion,
): (i: number) => string {
  const decoder = new TextDecoder()
  const offsetAt =
    offsetBytes === 4
      ? (i: number) => body.getInt32(offsets.offset + i * 4, true)
      : (i: number) => Number(body.getBigInt64(offsets.offset + i * 8, true))
  return (i) => {
    const start = offsetAt(i)
    const end = offsetAt(i + 1)
    if (start < 0 || end < start || end > data.length)
      throw new RangeError('utf8 offset out of range')
    return decoder.decode(
      new Uint8Array(body.buffer, body.byteOffset + data.offset + start, end - start),
    )
  }
}

function timestampReader(microsPerUnit: number, body: DataView, at: number): (i: number) => bigint {
  if (microsPerUnit >= 1) {
    const factor = BigInt(microsPerUnit)
    return (i) => body.getBigInt64(at + i * 8, true) * factor
  }
  // Nanoseconds: DuckDB's TIMESTAMP holds microseconds.
  return (i) => body.getBigInt64(at + i * 8, true) / 1000n
}

function decimalReader(
  bits: number,
  divisor: number,
  body: DataView,
  at: number,
): (i: number) => number {
  if (bits === 64) return (i) => Number(body.getBigInt64(at + i * 8, true)) / divisor
  return (i) => {
    const low = body.getBigUint64(at + i * 16, true)
    const high = body.getBigInt64(at + i * 16 + 8, true)
    return Number((high << 64n) | low) / divisor
  }
}

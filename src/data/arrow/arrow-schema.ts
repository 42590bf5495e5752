import { InvalidParameterError } from '../../shared/errors.js'
import type { FlatTable } from './flat-table.js'

/** The Arrow value types Lathe reads: the scalar ones a tabular dataset holds. */
export type ArrowType =
  | { readonly kind: 'null' }
  | { readonly kind: 'int'; readonly bitWidth: number; readonly signed: boolean }
  | { readonly kind: 'float'; readonly bytes: 4 | 8 }
  | { readonly kind: 'bool' }
  | { readonly kind: 'utf8'; readonly offsetBytes: 4 | 8 }
  | { readonly kind: 'date'; readonly unit: 'day' | 'millisecond' }
  | { readonly kind: 'timestamp'; readonly microsPerUnit: number }
  | { readonly kind: 'decimal'; readonly scale: number; readonly bitWidth: number }

/** One column of an Arrow schema. */
export interface ArrowField {
  readonly name: string
  /** The type of the values (for a dictionary-encoded column, of the dictionary). */
  readonly type: ArrowType
  /** Set when the column holds indices into a dictionary sent in dictionary batches. */
  readonly dictionary?: { readonly id: number; readonly indexType: ArrowType } | undefined
}

// Type union codes of Schema.fbs.
const TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'Null',
  2: 'Int',
  3: 'FloatingPoint',
  4: 'Binary',
  5: 'Utf8',
  6: 'Bool',
  7: 'Decimal',
  8: 'Date',
  9: 'Time',
  10: 'Timestamp',
  11: 'Interval',
  12: 'List',
  13: 'Struct',
  14: 'Union',
  15: 'FixedSizeBinary',
  16: 'FixedSizeList',
  17: 'Map',
  18: 'Duration',
  19: 'LargeBinary',
  20: 'LargeUtf8',
  21: 'LargeList',
  22: 'RunEndEncoded',
  23: 'BinaryView',
  24: 'Utf8View',
  25: 'ListView',
  26: 'LargeListView',
}
const MICROS_PER_UNIT = [1_000_000, 1_000, 1, 0.001] // SECOND, MILLISECOND, MICROSECOND, NANOSECOND

/** Reads the fields of a `Schema` table. @throws InvalidParameterError for what Lathe cannot read. */
export function readSchema(schema: FlatTable): ArrowField[] {
  if (schema.int16(0) !== 0) {
    throw new InvalidParameterError('Big-endian Arrow files are not supported')
  }
  return schema.tables(1).map(readField)
}

function readField(field: FlatTable): ArrowField {
  const name = field.string(0) ?? ''
  const type = readType(name, field.uint8(2), field.table(3))
  const encoding = field.table(4)
  if (!encoding) return { name, type }
  const index = encoding.table(1)
  const indexType: ArrowType = {
    kind: 'int',
    bitWidth: index?.int32(0) ?? 32,
    signed: index?.bool(1) ?? true,
  }
  return { name, type, dictionary: { id: encoding.int64(0), indexType } }
}

function readType(column: string, code: number, table: FlatTable | undefined): ArrowType {
  switch (code) {
    case 1:
      return { kind: 'null' }
    case 2:
      return { kind: 'int', bitWidth: table?.int32(0) ?? 0, signed: table?.bool(1) ?? false }
    case 3: {
      const precision = table?.int16(0) ?? 0
      if (precision === 0) throw unsupported(column, 'FloatingPoint(HALF)')
      return { kind: 'float', bytes: precision === 1 ? 4 : 8 }
    }
    case 5:
      return { kind: 'utf8', offsetBytes: 4 }
    case 20:
      return { kind: 'utf8', offsetBytes: 8 }
    case 6:
      return { kind: 'bool' }
    case 7: {
      const bitWidth = table?.int32(2, 128) ?? 128
      if (bitWidth !== 128 && bitWidth !== 64) throw unsupported(column, `Decimal${bitWidth}`)
      return { kind: 'decimal', scale: table?.int32(1) ?? 0, bitWidth }
    }
    case 8:
      return { kind: 'date', unit: (table?.int16(0, 1) ?? 1) === 0 ? 'day' : 'millisecond' }
    case 10:
      return { kind: 'timestamp', microsPerUnit: MICROS_PER_UNIT[table?.int16(0) ?? 0] ?? 1 }
    default:
      throw unsupported(column, TYPE_NAMES[code] ?? `type code ${code}`)
  }
}

function unsupported(column: string, type: string): InvalidParameterError {
  return new InvalidParameterError(
    `Arrow column '${column}' has type ${type}, which Lathe does not read; supported: ` +
      'Int, FloatingPoint, Bool, Utf8, LargeUtf8, Decimal, Date, Timestamp, Null and dictionaries of them',
  )
}

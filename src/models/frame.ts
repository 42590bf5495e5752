import { InvalidParameterError } from '../shared/errors.js'

/**
 * A column of a frame: numbers (NaN marks a missing value) or category strings.
 * A numeric column becomes a `double` model input, a string column a `string` one.
 */
export type Column = Float64Array | readonly string[]

/** A table as named columns of equal length. */
export type Frame = Readonly<Record<string, Column>>

/** Number of rows of a frame, after checking that all its columns have the same length. */
export function frameLength(frame: Frame): number {
  let length: number | undefined
  for (const [name, column] of Object.entries(frame)) {
    if (length === undefined) length = column.length
    else if (column.length !== length) {
      throw new InvalidParameterError(
        `Column '${name}' has ${column.length} rows, but the frame's other columns have ${length}`,
      )
    }
  }
  return length ?? 0
}

/** The named column, or an InvalidParameterError that lists the columns there are. */
export function getColumn(frame: Frame, name: string): Column {
  const column = frame[name]
  if (column === undefined) {
    const known = Object.keys(frame).join(', ') || 'none'
    throw new InvalidParameterError(`Column '${name}' is missing (columns: ${known})`)
  }
  return column
}

/** The named numeric column, or an InvalidParameterError if it is missing or holds strings. */
export function getNumericColumn(frame: Frame, name: string): Float64Array {
  const column = getColumn(frame, name)
  if (!(column instanceof Float64Array)) {
    throw new InvalidParameterError(`Column '${name}' must be numeric (a Float64Array)`)
  }
  return column
}

/** The named string column, or an InvalidParameterError if it is missing or numeric. */
export function getStringColumn(frame: Frame, name: string): readonly string[] {
  const column = getColumn(frame, name)
  if (column instanceof Float64Array) {
    throw new InvalidParameterError(`Column '${name}' must hold strings, not numbers`)
  }
  return column
}

/** Whether a column is numeric. */
export function isNumericColumn(column: Column): column is Float64Array {
  return column instanceof Float64Array
}

/** The frame restricted to the given rows, in that order (for train/validation splits). */
export function takeRows(frame: Frame, rows: Uint32Array): Frame {
  const out: Record<string, Column> = {}
  for (const [name, column] of Object.entries(frame)) {
    if (isNumericColumn(column)) {
      const values = new Float64Array(rows.length)
      for (let i = 0; i < rows.length; i++) values[i] = column[rows[i] ?? 0] ?? NaN
      out[name] = values
    } else {
      out[name] = Array.from(rows, (row) => column[row] ?? '')
    }
  }
  return out
}

/** How `frameFromRecords` should read each field: as a number or as a string. */
export type FieldKind = 'number' | 'string'

/**
 * Builds a frame from JSON-like records, reading the listed fields. A null or absent number is
 * NaN (missing); a null or absent string is '' (an unknown category). Any other wrong type is an
 * InvalidParameterError naming the record and the field.
 */
export function frameFromRecords(
  records: readonly Readonly<Record<string, unknown>>[],
  fields: Readonly<Record<string, FieldKind>>,
): Frame {
  const frame: Record<string, Column> = {}
  for (const [name, kind] of Object.entries(fields)) {
    frame[name] = kind === 'number' ? readNumbers(records, name) : readStrings(records, name)
  }
  return frame
}

function readNumbers(records: readonly Readonly<Record<string, unknown>>[], name: string) {
  const values = new Float64Array(records.length)
  records.forEach((record, i) => {
    const value = record[name]
    if (value === null || value === undefined) values[i] = NaN
    else if (typeof value === 'number') values[i] = value
    else if (typeof value === 'boolean') values[i] = value ? 1 : 0
    else
      throw new InvalidParameterError(
        `Record ${i}: field '${name}' must be a number, got ${typeof value}`,
      )
  })
  return values
}

function readStrings(records: readonly Readonly<Record<string, unknown>>[], name: string) {
  return records.map((record, i) => {
    const value = record[name]
    if (value === null || value === undefined) return ''
    if (typeof value === 'string') return value
    if (typeof value === 'number' || typeof value === 'boolean') return String(value)
    throw new InvalidParameterError(
      `Record ${i}: field '${name}' must be a string, got ${typeof value}`,
    )
  })
}

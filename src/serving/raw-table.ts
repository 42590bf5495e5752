import { InvalidParameterError } from '../shared/errors.js'

/** Reads one column's value at a row. */
export type ColumnReader = (row: number) => unknown

/**
 * A request's rows as the client sent them, read column by column in place: parsing a request
 * copies nothing, and the inference log turns it into records later, off the hot path.
 */
export interface RawTable {
  readonly rows: number
  /** Values are text to be parsed by column type (CSV), not JSON values. */
  readonly textual: boolean
  /** A column's reader; undefined when the request has no such column. */
  column(name: string): ColumnReader | undefined
  /** The column names the request carries. */
  names(): string[]
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `[{col: v, ...}, ...]`: pandas "records". A key absent from some rows reads as null there. */
export function recordsTable(records: readonly unknown[], where: string): RawTable {
  records.forEach((record, i) => {
    if (!isRecord(record)) throw new InvalidParameterError(`${where}[${i}] must be an object`)
  })
  const rows = records as readonly Record<string, unknown>[]
  return {
    rows: rows.length,
    textual: false,
    column(name) {
      if (!rows.some((r) => Object.hasOwn(r, name))) return undefined
      return (row) => rows[row]![name] ?? null
    },
    names: () => [...new Set(rows.flatMap((r) => Object.keys(r)))],
  }
}

/** `{columns, data: [[row], ...]}`: pandas "split". */
export function splitTable(body: unknown, where: string): RawTable {
  if (!isRecord(body)) throw new InvalidParameterError(`${where} must be an object`)
  const { columns, data } = body
  if (!Array.isArray(data)) throw new InvalidParameterError(`${where}.data must be a list of rows`)
  const width = Array.isArray(data[0]) ? data[0].length : 0
  const names = Array.isArray(columns) ? columns : Array.from({ length: width }, (_, i) => i)
  names.forEach((name, i) => {
    if (typeof name !== 'string' && typeof name !== 'number') {
      throw new InvalidParameterError(`${where}.columns[${i}] must be a column name`)
    }
  })
  data.forEach((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== names.length) {
      throw new InvalidParameterError(
        `${where}.data[${i}] must be a list of ${names.length} values, one per column`,
      )
    }
  })
  const rows = data as readonly unknown[][]
  const index = new Map(names.map((name, i) => [String(name), i]))
  return {
    rows: rows.length,
    textual: false,
    column(name) {
      const at = index.get(name)
      return at === undefined ? undefined : (row) => rows[row]![at] ?? null
    },
    names: () => [...index.keys()],
  }
}

/** `{col: [values], ...}`: columnar (TF-serving `inputs`); every list has the same length. */
export function columnsTable(columns: Readonly<Record<string, unknown>>, where: string): RawTable {
  let rows: number | undefined
  for (const [name, values] of Object.entries(columns)) {
    if (!Array.isArray(values)) {
      throw new InvalidParameterError(`${where}.${name} must be a list with one value per row`)
    }
    if (rows !== undefined && values.length !== rows) {
      throw new InvalidParameterError(
        `${where}.${name} has ${values.length} values but other inputs have ${rows}`,
      )
    }
    rows = values.length
  }
  const lists = columns as Readonly<Record<string, readonly unknown[]>>
  return {
    rows: rows ?? 0,
    textual: false,
    column(name) {
      const values = Object.hasOwn(lists, name) ? lists[name] : undefined
      return values === undefined ? undefined : (row) => values[row] ?? null
    },
    names: () => Object.keys(lists),
  }
}

/** The rows of a table as records, for logs and messages (only the columns asked for). */
export function tableRecords(table: RawTable, names = table.names()): Record<string, unknown>[] {
  const readers = names.map((name) => [name, table.column(name)] as const)
  return Array.from({ length: table.rows }, (_, row) => {
    const record: Record<string, unknown> = {}
    for (const [name, read] of readers) if (read) record[name] = read(row)
    return record
  })
}

import Table from 'cli-table3'

/** A column of a printed table: its header and how to read the cell from a row. */
export interface Column<T> {
  readonly header: string
  readonly value: (row: T) => string | number | undefined
}

/** Prints rows as a table for people, or as JSON when `json` is set. */
export function printRows<T>(
  rows: readonly T[],
  columns: readonly Column<T>[],
  {
    json,
    toJson,
    empty,
  }: { json?: boolean | undefined; toJson?: (row: T) => unknown; empty: string },
): void {
  if (json) {
    console.log(
      JSON.stringify(
        rows.map((r) => (toJson ? toJson(r) : r)),
        null,
        2,
      ),
    )
    return
  }
  if (rows.length === 0) {
    console.log(empty)
    return
  }
  const table = new Table({ head: columns.map((c) => c.header), style: { head: ['cyan'] } })
  for (const row of rows) table.push(columns.map((c) => format(c.value(row))))
  console.log(table.toString())
}

/** Prints key/value pairs as a two-column table. */
export function printPairs(
  title: string,
  pairs: readonly [string, string | number | undefined][],
): void {
  const table = new Table({ head: [title, ''], style: { head: ['cyan'] } })
  for (const [key, value] of pairs) table.push([key, format(value)])
  console.log(table.toString())
}

export function format(value: string | number | undefined): string {
  if (value === undefined) return ''
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return String(value)
    return Number.isFinite(value) ? value.toPrecision(6).replace(/\.?0+$/, '') : String(value)
  }
  return value
}

/** Epoch milliseconds as a local date-time, or '' when absent. */
export function formatTime(ms: number | undefined): string {
  return ms === undefined ? '' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19)
}

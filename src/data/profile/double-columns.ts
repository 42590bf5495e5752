import type { DuckDBVector } from '@duckdb/node-api'
import type { DataSession } from '../data-session.js'

/**
 * Streams DOUBLE columns out of DuckDB in batches of `batchRows` values per column, each a
 * Float64Array view valid until the next batch. SQL nulls arrive as NaN: the select must
 * `coalesce` them, so no validity mask needs reading.
 */
export async function* doubleBatches(
  session: DataSession,
  sql: string,
  columnCount: number,
  batchRows = 65_536,
): AsyncGenerator<Float64Array[]> {
  const buffers = Array.from({ length: columnCount }, () => new Float64Array(batchRows))
  let filled = 0
  for await (const chunk of session.chunks(sql)) {
    const rows = chunk.rowCount
    let copied = 0
    while (copied < rows) {
      const take = Math.min(rows - copied, batchRows - filled)
      for (let k = 0; k < columnCount; k++) {
        copyDoubles(chunk.getColumnVector(k), copied, take, buffers[k] as Float64Array, filled)
      }
      copied += take
      filled += take
      if (filled === batchRows) {
        yield buffers
        filled = 0
      }
    }
  }
  if (filled > 0) yield buffers.map((b) => b.subarray(0, filled))
}

/**
 * Copies `count` values of a DOUBLE vector from `from` into `out` at `at`. The vector's typed
 * array is read directly when the binding exposes it: reading value by value costs about ten
 * times more, which is most of a profile's time.
 */
function copyDoubles(
  vector: DuckDBVector,
  from: number,
  count: number,
  out: Float64Array,
  at: number,
): void {
  const items = (vector as unknown as { items?: unknown }).items
  if (items instanceof Float64Array) {
    out.set(items.subarray(from, from + count), at)
    return
  }
  for (let i = 0; i < count; i++) out[at + i] = Number(vector.getItem(from + i) ?? Number.NaN)
}

import {
  BIGINT,
  BOOLEAN,
  DATE,
  DOUBLE,
  DuckDBDataChunk,
  INTEGER,
  TIMESTAMP,
  VARCHAR,
  dateValue,
  timestampValue,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api'
import { InvalidParameterError } from '../../shared/errors.js'
import { ident } from '../sql.js'
import type { ArrowValue } from './arrow-columns.js'
import { ArrowIpcReader } from './arrow-ipc-reader.js'
import type { ArrowType } from './arrow-schema.js'

const CHUNK_ROWS = 2048

interface Target {
  readonly type: DuckDBType
  readonly sql: string
  readonly convert: (value: ArrowValue) => DuckDBValue
}

const same = (value: ArrowValue): DuckDBValue => value

/** The DuckDB column an Arrow type is loaded into. */
function targetOf(type: ArrowType): Target {
  switch (type.kind) {
    case 'int':
      return type.bitWidth < 32 || (type.bitWidth === 32 && type.signed)
        ? { type: INTEGER, sql: 'INTEGER', convert: same }
        : { type: BIGINT, sql: 'BIGINT', convert: same }
    case 'float':
    case 'decimal':
      return { type: DOUBLE, sql: 'DOUBLE', convert: same }
    case 'bool':
      return { type: BOOLEAN, sql: 'BOOLEAN', convert: same }
    case 'null':
    case 'utf8':
      return { type: VARCHAR, sql: 'VARCHAR', convert: same }
    case 'date':
      if (type.unit === 'day') {
        return {
          type: DATE,
          sql: 'DATE',
          convert: (v) => (v === null ? null : dateValue(Number(v))),
        }
      }
      return { type: TIMESTAMP, sql: 'TIMESTAMP', convert: toTimestamp }
    case 'timestamp':
      return { type: TIMESTAMP, sql: 'TIMESTAMP', convert: toTimestamp }
  }
}

function toTimestamp(value: ArrowValue): DuckDBValue {
  return value === null ? null : timestampValue(BigInt(value))
}

/**
 * Loads an Arrow IPC file or stream into DuckDB table `table`, one record batch at a time, and
 * returns the table's SQL name. DuckDB has no built-in Arrow IPC reader (its `arrow` extension
 * is not bundled and cannot be installed offline), so the batches are decoded here.
 */
export async function loadArrowFile(
  connection: DuckDBConnection,
  table: string,
  path: string,
): Promise<string> {
  let reader: ArrowIpcReader | undefined
  try {
    reader = await ArrowIpcReader.open(path)
    const fields = reader.fields
    const targets = fields.map((f) => targetOf(f.type))
    const columns = fields.map((f, i) => `${ident(f.name)} ${targets[i]?.sql}`)
    await connection.run(`CREATE OR REPLACE TABLE ${ident(table)} (${columns.join(', ')})`)
    const appender = await connection.createAppender(table)
    for await (const batch of reader.batches()) {
      for (let start = 0; start < batch.length; start += CHUNK_ROWS) {
        const rows = Math.min(CHUNK_ROWS, batch.length - start)
        const chunk = DuckDBDataChunk.create(
          targets.map((t) => t.type),
          rows,
        )
        targets.forEach((target, i) => {
          const values = batch.columns[i]?.slice(start, start + rows) ?? []
          chunk.setColumnValues(i, values.map(target.convert))
        })
        appender.appendDataChunk(chunk)
      }
    }
    appender.closeSync()
    return ident(table)
  } catch (err) {
    // A DataView read past the end means the metadata lied about sizes: a corrupt file.
    if (err instanceof RangeError) {
      throw new InvalidParameterError(`The Arrow data is corrupt: ${err.message}`, { cause: err })
    }
    throw err
  } finally {
    await reader?.close()
  }
}

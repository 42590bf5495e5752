import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { InvalidParameterError } from '../shared/errors.js'

/** File formats batch scoring and golden sets read (DuckDB's built-in readers). */
export type TableFormat = 'csv' | 'parquet' | 'jsonl'

/** A DuckDB instance that spills to its own temporary folder; close it when done. */
export interface Duck {
  readonly connection: DuckDBConnection
  readonly tempDirectory: string
  close(): Promise<void>
}

/** Opens an in-memory DuckDB instance (loaded lazily: only its users pay for it). */
export async function openDuck(memoryLimit = '1GB'): Promise<Duck> {
  const { DuckDBInstance } = await import('@duckdb/node-api')
  const tempDirectory = await mkdtemp(join(tmpdir(), 'lathe-serving-'))
  const instance: DuckDBInstance = await DuckDBInstance.create(':memory:', {
    memory_limit: memoryLimit,
    temp_directory: tempDirectory,
  })
  const connection = await instance.connect()
  return {
    connection,
    tempDirectory,
    async close() {
      connection.closeSync()
      instance.closeSync()
      await rm(tempDirectory, { recursive: true, force: true })
    },
  }
}

/** A DuckDB string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

/** A DuckDB identifier. */
export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** The format of a file by its extension. @throws InvalidParameterError listing the known ones */
export function formatOfFile(path: string): TableFormat {
  const ext = extname(path).toLowerCase()
  if (ext === '.csv' || ext === '.tsv') return 'csv'
  if (ext === '.parquet' || ext === '.pq') return 'parquet'
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl'
  throw new InvalidParameterError(
    `Cannot tell the format of '${path}' from its extension: use .csv, .parquet or .jsonl`,
  )
}

/** The table function reading a file. */
export function readFunction(path: string, format: TableFormat): string {
  switch (format) {
    case 'csv':
      return `read_csv(${sqlString(path)}, header = true)`
    case 'parquet':
      return `read_parquet(${sqlString(path)})`
    case 'jsonl':
      return `read_json_auto(${sqlString(path)})`
  }
}

/** A DuckDB value as a plain JS value a request could carry (DECIMAL, dates… as text or numbers). */
export function plainValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value
  if ('toDouble' in value && typeof value.toDouble === 'function') return value.toDouble() as number
  return String(value)
}

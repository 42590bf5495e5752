import type { DatasetVersion } from '../../data/index.js'
import { InvalidParameterError } from '../../shared/errors.js'
import type { Frame } from '../../models/index.js'

const READERS: Partial<Record<string, (path: string) => string>> = {
  csv: (path) => `read_csv(${literal(path)}, header = true)`,
  parquet: (path) => `read_parquet(${literal(path)})`,
  jsonl: (path) => `read_json(${literal(path)}, format = 'newline_delimited')`,
}

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`
}

function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/**
 * Loads a stored dataset version's file into columns for a trainer: the version's numeric
 * columns (int, float, bool) as numbers with NaN for missing, the others as strings.
 * @throws InvalidParameterError for a format trainers cannot read
 */
export async function readFrame(version: DatasetVersion, path: string): Promise<Frame> {
  const reader = READERS[version.format]
  if (!reader)
    throw new InvalidParameterError(
      `Dataset ${version.name}:${version.version} is ${version.format}; built-in trainers read csv, parquet or jsonl`,
    )
  // Loaded lazily: only training steps pay for DuckDB.
  const { DuckDBInstance } = await import('@duckdb/node-api')
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  try {
    const numeric = new Set(
      version.schema.filter((c) => ['int', 'float', 'bool'].includes(c.type)).map((c) => c.name),
    )
    const projection = version.schema.map((c) =>
      numeric.has(c.name)
        ? `CAST(${ident(c.name)} AS DOUBLE) AS ${ident(c.name)}`
        : `CAST(${ident(c.name)} AS VARCHAR) AS ${ident(c.name)}`,
    )
    const result = await connection.runAndReadAll(
      `SELECT ${projection.join(', ')} FROM ${reader(path)}`,
    )
    const columns = result.getColumnsObjectJS()
    const frame: Record<string, Float64Array | string[]> = {}
    for (const [name, values] of Object.entries(columns)) {
      frame[name] = numeric.has(name)
        ? Float64Array.from(values, (v) => (v === null ? NaN : Number(v)))
        : values.map((v) => (v === null ? '' : String(v)))
    }
    return frame
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

import { InvalidParameterError } from '../shared/errors.js'
import type { Frame } from './frame.js'

/** A stored table file as a frame reader needs it. */
export interface FrameFile {
  /** Local path of the file. */
  readonly path: string
  /** `csv`, `parquet` or `jsonl`. */
  readonly format: string
  /** Its columns with their types (`int`, `float`, `bool` are read as numbers). */
  readonly columns: readonly { readonly name: string; readonly type: string }[]
  /** What to call it in errors (`churn:3`). */
  readonly label: string
}

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
 * Loads a table file into columns for a trainer or an evaluation: numeric columns (int, float,
 * bool) as numbers with NaN for missing, the others as strings.
 * @throws InvalidParameterError for a format this cannot read
 */
export async function readFrame(file: FrameFile): Promise<Frame> {
  const reader = READERS[file.format]
  if (!reader)
    throw new InvalidParameterError(
      `Dataset ${file.label} is ${file.format}; models read csv, parquet or jsonl`,
    )
  // Loaded lazily: only training and evaluation pay for DuckDB.
  const { DuckDBInstance } = await import('@duckdb/node-api')
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  try {
    const numeric = new Set(
      file.columns.filter((c) => ['int', 'float', 'bool'].includes(c.type)).map((c) => c.name),
    )
    const projection = file.columns.map((c) =>
      numeric.has(c.name)
        ? `CAST(${ident(c.name)} AS DOUBLE) AS ${ident(c.name)}`
        : `CAST(${ident(c.name)} AS VARCHAR) AS ${ident(c.name)}`,
    )
    const result = await connection.runAndReadAll(
      `SELECT ${projection.join(', ')} FROM ${reader(file.path)}`,
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

import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  LIST,
  VARCHAR,
  listValue,
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api'
import type * as ort from 'onnxruntime-node'
import type { ModelOutputs } from './prediction-output.js'
import { plainData } from './prediction-output.js'
import { sqlIdent, sqlString } from './duck-files.js'

interface OutputColumn {
  readonly name: string
  readonly column: string
  readonly type: DuckDBType
  readonly width: number
  readonly vector: boolean
}

function scalarType(tensor: ort.Tensor): DuckDBType {
  if (tensor.type === 'string') return VARCHAR
  if (tensor.type === 'bool') return BOOLEAN
  if (tensor.type.startsWith('int') || tensor.type.startsWith('uint')) return BIGINT
  return DOUBLE
}

/**
 * Collects input rows with their predictions in a DuckDB table (on disk, so any size fits), then
 * writes it as one Parquet file. Output columns are named after the model's outputs, with
 * `_predicted` appended when an input column already has that name (a label column, say).
 */
export class ScoredWriter {
  #appender: DuckDBAppender | undefined
  #outputs: OutputColumn[] = []

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly inputNames: readonly string[],
    private readonly inputTypes: readonly DuckDBType[],
  ) {}

  /** Appends one scored chunk: its raw input values (column-major) and the model's outputs. */
  async append(
    inputs: readonly (readonly DuckDBValue[])[],
    outputs: ModelOutputs,
    rows: number,
  ): Promise<void> {
    this.#appender ??= await this.#create(outputs)
    const data = this.#outputs.map((o) => plainData(outputs.get(o.name)!))
    const appender = this.#appender
    for (let row = 0; row < rows; row++) {
      inputs.forEach((column, c) => appender.appendValue(column[row] ?? null, this.inputTypes[c]))
      this.#outputs.forEach((o, k) => {
        const values = data[k]!
        if (o.vector) {
          const items = values.slice(row * o.width, (row + 1) * o.width) as DuckDBValue[]
          appender.appendValue(listValue(items), o.type)
        } else appendScalar(appender, values[row], o.type)
      })
      appender.endRow()
    }
    appender.flushSync()
  }

  /** Writes the collected rows to `path` as Parquet. */
  async finish(path: string): Promise<void> {
    this.#appender?.closeSync()
    if (!this.#appender)
      await this.connection.run(
        `CREATE TABLE IF NOT EXISTS scored AS SELECT 1 AS empty WHERE false`,
      )
    await this.connection.run(`COPY scored TO ${sqlString(path)} (FORMAT parquet)`)
  }

  async #create(outputs: ModelOutputs): Promise<DuckDBAppender> {
    const taken = new Set(this.inputNames)
    this.#outputs = [...outputs].map(([name, tensor]) => {
      const rows = tensor.dims[0] ?? 0
      const width = rows === 0 ? 1 : tensor.data.length / rows
      const vector = width !== 1 || tensor.dims.length > 2
      const scalar = scalarType(tensor)
      const column = taken.has(name) ? `${name}_predicted` : name
      return { name, column, type: vector ? LIST(scalar) : scalar, width, vector }
    })
    const columns = [
      ...this.inputNames.map((n, i) => `${sqlIdent(n)} ${this.inputTypes[i]!.toString()}`),
      ...this.#outputs.map((o) => `${sqlIdent(o.column)} ${o.type.toString()}`),
    ]
    await this.connection.run(`CREATE TABLE scored (${columns.join(', ')})`)
    return this.connection.createAppender('scored')
  }
}

function appendScalar(appender: DuckDBAppender, value: unknown, type: DuckDBType): void {
  if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))) {
    appender.appendNull()
  } else if (type === VARCHAR) appender.appendVarchar(String(value))
  else if (type === BOOLEAN) appender.appendBoolean(Boolean(value))
  else if (type === BIGINT) appender.appendBigInt(BigInt(value as number))
  else appender.appendDouble(value as number)
}

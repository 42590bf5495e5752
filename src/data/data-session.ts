import type { DuckDBConnection, DuckDBDataChunk, DuckDBInstance } from '@duckdb/node-api'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InvalidParameterError, NotFoundError } from '../shared/errors.js'
import { castExpression } from './column-cast.js'
import { columnTypeOf, type ColumnInfo, type ColumnType } from './column-type.js'
import { detectFormat, type DataFormat } from './data-format.js'
import { dataError } from './duckdb-error.js'
import { toJsonValue, type JsonValue } from './json-value.js'
import { ident, literal } from './sql.js'

/** How to read one file. */
export interface ReadOptions {
  /** The file's format; detected from its name, then its first bytes, when absent. */
  readonly format?: DataFormat | undefined
  /** Column types that override inference (a contract's): values that do not cast become null. */
  readonly types?: Readonly<Record<string, ColumnType>> | undefined
  /** CSV: infer types from every row, not a sample (see `retryWithFullSniff`). */
  readonly fullSniff?: boolean | undefined
}

/** A file registered in a session: a view over it with our column types. */
export interface DataTable {
  /** The view with every column cast to its type; select from `ident(view)`. */
  readonly view: string
  /** The view with the columns as read, before any override. */
  readonly sourceView: string
  readonly path: string
  readonly format: DataFormat
  readonly columns: readonly ColumnInfo[]
}

/** Limits of one DuckDB instance. */
export interface SessionOptions {
  /** DuckDB's memory limit; past it, operators spill to a temporary folder. */
  readonly memoryLimit?: string | undefined
  readonly threads?: number | undefined
}

/**
 * One in-memory DuckDB instance over which files are read as views: scans stream or run inside
 * DuckDB, so data never has to fit in a JS array. Close it when done.
 */
export class DataSession {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly tempDirectory: string,
  ) {}

  /** Opens an instance that spills to its own temporary folder (never the working directory). */
  static async open({ memoryLimit = '1GB', threads }: SessionOptions = {}): Promise<DataSession> {
    const tempDirectory = await mkdtemp(join(tmpdir(), 'lathe-duckdb-'))
    const options: Record<string, string> = {
      memory_limit: memoryLimit,
      temp_directory: tempDirectory,
    }
    if (threads !== undefined) options.threads = String(threads)
    // Loaded on first use: the native binding costs every Lathe process half a second otherwise.
    const { DuckDBInstance } = await import('@duckdb/node-api')
    const instance = await DuckDBInstance.create(':memory:', options)
    const connection = await instance.connect()
    // Timestamps with a zone are read as UTC instants, whatever the machine's zone.
    await connection.run("SET TimeZone = 'UTC'")
    return new DataSession(instance, connection, tempDirectory)
  }

  /**
   * Registers the file at `path` as view `name`.
   * @throws NotFoundError when there is no file; InvalidParameterError when it is empty,
   * unreadable, truncated or not in its format.
   */
  async register(name: string, path: string, options: ReadOptions = {}): Promise<DataTable> {
    const info = await stat(path).catch(() => undefined)
    if (!info) throw new NotFoundError(`No file at '${path}'`)
    if (!info.isFile()) throw new InvalidParameterError(`'${path}' is not a file`)
    if (info.size === 0) {
      throw new InvalidParameterError(
        `File '${path}' is empty (0 bytes): there is no header or schema to read`,
      )
    }
    const format = options.format ?? (await detectFormat(path))
    const sourceView = `${name}__source`
    const what = `Cannot read '${path}' as ${format}`
    try {
      const from =
        format === 'arrow'
          ? await (
              await import('./arrow/load-arrow-file.js')
            ).loadArrowFile(this.connection, `${name}__arrow`, path)
          : readFunction(format, path, {
              varchar: await this.#varcharColumns(path, format, options.types),
              fullSniff: options.fullSniff ?? false,
            })
      await this.connection.run(
        `CREATE OR REPLACE VIEW ${ident(sourceView)} AS SELECT * FROM ${from}`,
      )
      const source = await this.#describe(sourceView)
      const columns = source.map((c) => ({
        name: c.name,
        sourceType: c.type,
        type: options.types?.[c.name] ?? columnTypeOf(c.type),
      }))
      const projection = columns.map((c) => `${castExpression(c)} AS ${ident(c.name)}`)
      await this.connection.run(
        `CREATE OR REPLACE VIEW ${ident(name)} AS SELECT ${projection.join(', ') || '*'} FROM ${ident(sourceView)}`,
      )
      return { view: name, sourceView, path, format, columns }
    } catch (err) {
      throw dataError(err, what)
    }
  }

  /** Runs `sql` and returns its rows as plain JSON values. */
  async rows(sql: string, what = 'Reading the data failed'): Promise<Record<string, JsonValue>[]> {
    try {
      const reader = await this.connection.runAndReadAll(sql)
      return reader.getRowObjectsJS().map((row) => {
        const out: Record<string, JsonValue> = {}
        for (const [key, value] of Object.entries(row)) out[key] = toJsonValue(value)
        return out
      })
    } catch (err) {
      throw dataError(err, what)
    }
  }

  /** Streams the result of `sql` chunk by chunk (2048 rows each); memory stays bounded. */
  async *chunks(sql: string, what = 'Reading the data failed'): AsyncGenerator<DuckDBDataChunk> {
    let next: Promise<DuckDBDataChunk | null> | undefined
    try {
      const result = await this.connection.stream(sql)
      next = result.fetchChunk()
      for (;;) {
        const chunk = await next
        next = undefined
        if (!chunk || chunk.rowCount === 0) return
        // DuckDB reads the next chunk on its own threads while the caller works on this one.
        next = result.fetchChunk()
        yield chunk
      }
    } catch (err) {
      throw dataError(err, what)
    } finally {
      // A caller that stops early leaves one fetch in flight: let it settle before DuckDB closes.
      await next?.catch(() => null)
    }
  }

  /** Closes DuckDB and removes its spill folder. */
  async close(): Promise<void> {
    this.connection.closeSync()
    this.instance.closeSync()
    await rm(this.tempDirectory, { recursive: true, force: true })
  }

  async #describe(relation: string): Promise<{ name: string; type: string }[]> {
    const reader = await this.connection.runAndReadAll(`DESCRIBE SELECT * FROM ${ident(relation)}`)
    return reader
      .getRowObjectsJS()
      .map((r) => ({ name: String(r.column_name), type: String(r.column_type) }))
  }

  /**
   * CSV columns a contract types are read as text and cast by us, so that one bad value is a
   * failed check with examples instead of a read error, and '007' stays '007' for a string column.
   */
  async #varcharColumns(
    path: string,
    format: DataFormat,
    types: ReadOptions['types'],
  ): Promise<string[]> {
    if (format !== 'csv' || !types) return []
    const inferred = await this.connection.runAndReadAll(
      `DESCRIBE SELECT * FROM ${readFunction(format, path, { varchar: [], fullSniff: false })}`,
    )
    const names = new Set(inferred.getRowObjectsJS().map((r) => String(r.column_name)))
    return Object.keys(types).filter((name) => names.has(name))
  }
}

function readFunction(
  format: Exclude<DataFormat, 'arrow'>,
  path: string,
  { varchar, fullSniff }: { varchar: string[]; fullSniff: boolean },
): string {
  switch (format) {
    case 'csv': {
      const options = [
        // The first line is always the header, as pandas reads it: DuckDB's guess fails on a
        // header-only file whose names look like values ('x,t' sniffs as VARCHAR, BOOLEAN).
        'header = true',
        ...(varchar.length > 0
          ? [`types = {${varchar.map((name) => `${literal(name)}: 'VARCHAR'`).join(', ')}}`]
          : []),
        ...(fullSniff ? ['sample_size = -1'] : []),
      ]
      return `read_csv(${literal(path)}, ${options.join(', ')})`
    }
    case 'parquet':
      return `read_parquet(${literal(path)})`
    case 'jsonl':
      return `read_json(${literal(path)})`
  }
}

/**
 * Runs `read` on a CSV read with sampled type inference, and once more inferring from every row
 * when a value past the sample contradicts the inferred type (`12` … `n/a`): the second read
 * costs a full extra pass, so only files that need it pay for it.
 */
export async function retryWithFullSniff<T>(read: (fullSniff: boolean) => Promise<T>): Promise<T> {
  try {
    return await read(false)
  } catch (err) {
    if (err instanceof InvalidParameterError && /CSV Error/.test(err.message)) return read(true)
    throw err
  }
}

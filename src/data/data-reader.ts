import { InvalidParameterError } from '../shared/errors.js'
import { artifactKeyOf } from '../tracking/index.js'
import type { ColumnInfo, ColumnType } from './column-type.js'
import type { DataFormat } from './data-format.js'
import type { DataInput } from './data-input.js'
import { DataSession, retryWithFullSniff } from './data-session.js'
import { copyStoredFile, datasetArtifactKey, localFileName } from './dataset-file.js'
import type { DatasetService } from './dataset-service.js'
import type { DataDeps } from './deps.js'
import { toJsonValue, type JsonValue } from './json-value.js'
import { ident } from './sql.js'

/** How to scan data. */
export interface ScanOptions {
  /** Only these columns, in this order (every column by default). */
  readonly columns?: readonly string[] | undefined
  /** Rows per batch at most (default 10,000). */
  readonly batchRows?: number | undefined
  /** Column types that override inference (a contract's): values that do not cast become null. */
  readonly types?: Readonly<Record<string, ColumnType>> | undefined
}

/** Consecutive rows of a scan, as plain JSON values. */
export interface RowBatch {
  /** The columns of every row, as typed. */
  readonly columns: readonly ColumnInfo[]
  /** Index of the batch's first row in the data. */
  readonly offset: number
  readonly rows: Record<string, JsonValue>[]
}

const DEFAULT_BATCH_ROWS = 10_000

/**
 * Streams data row batch by row batch from DuckDB, so files larger than memory are read with
 * memory bounded by one batch: local files, files in the artifact store and stored versions.
 */
export class DataReader {
  constructor(
    private readonly deps: DataDeps,
    private readonly datasets: DatasetService,
  ) {}

  /**
   * Yields the rows of `input` in batches of at most `batchRows`, in file order. A stored file is
   * copied to a temporary file first, removed when the scan ends (or the caller stops early).
   * @throws NotFoundError, InvalidParameterError for unreadable data or unknown columns
   */
  async *scan(input: DataInput, options: ScanOptions = {}): AsyncGenerator<RowBatch> {
    const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS
    if (!Number.isInteger(batchRows) || batchRows < 1) {
      throw new InvalidParameterError(`batchRows must be a positive integer, got ${batchRows}`)
    }
    const local = await this.#local(input)
    try {
      yield* scanFile(local.path, local.format, { ...options, batchRows })
    } finally {
      await local.release()
    }
  }

  async #local(
    input: DataInput,
  ): Promise<{ path: string; format?: DataFormat | undefined; release(): Promise<void> }> {
    if ('path' in input) return { ...input, release: async () => {} }
    let key: string
    let fileName: string
    let format: DataFormat | undefined
    if ('artifact' in input) {
      key = artifactKeyOf(input.artifact)
      fileName = localFileName(key)
      format = input.format
    } else {
      const version = await this.datasets.get(input.ref)
      key = datasetArtifactKey(version.digest)
      fileName = localFileName(version.source)
      format = version.format
    }
    return { ...(await copyStoredFile(this.deps.artifacts, key, fileName)), format }
  }
}

async function* scanFile(
  path: string,
  format: DataFormat | undefined,
  options: ScanOptions & { batchRows: number },
): AsyncGenerator<RowBatch> {
  const session = await DataSession.open()
  try {
    const table = await retryWithFullSniff((fullSniff) =>
      session.register('data', path, { format, types: options.types, fullSniff }),
    )
    const columns = pick(table.columns, options.columns)
    const select = columns.map((c) => ident(c.name)).join(', ')
    let rows: Record<string, JsonValue>[] = []
    let offset = 0
    for await (const chunk of session.chunks(`SELECT ${select} FROM ${ident(table.view)}`)) {
      for (const values of chunk.getRows()) {
        const row: Record<string, JsonValue> = {}
        columns.forEach((c, i) => (row[c.name] = toJsonValue(values[i])))
        rows.push(row)
        if (rows.length === options.batchRows) {
          yield { columns, offset, rows }
          offset += rows.length
          rows = []
        }
      }
    }
    if (rows.length > 0) yield { columns, offset, rows }
  } finally {
    await session.close()
  }
}

/** The named columns, in the order asked. @throws InvalidParameterError naming unknown ones */
function pick(all: readonly ColumnInfo[], names: readonly string[] | undefined): ColumnInfo[] {
  if (names === undefined) return [...all]
  const unknown = names.filter((n) => !all.some((c) => c.name === n))
  if (unknown.length > 0) {
    throw new InvalidParameterError(
      `Unknown columns ${unknown.map((n) => `'${n}'`).join(', ')}; the data has ${all.map((c) => c.name).join(', ')}`,
    )
  }
  return names.map((n) => all.find((c) => c.name === n)!)
}

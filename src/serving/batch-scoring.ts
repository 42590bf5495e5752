import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import type { DuckDBValue } from '@duckdb/node-api'
import { appendEvents } from '../events/index.js'
import { currentActor } from '../shared/actor.js'
import { InvalidParameterError, NotFoundError } from '../shared/errors.js'
import { newUuid } from '../shared/ids.js'
import type { DatasetFile, ServingDeps } from './deps.js'
import { DEFAULT_CONFIG, type ValidationPolicy } from './deployment.js'
import {
  formatOfFile,
  openDuck,
  plainValue,
  readFunction,
  type Duck,
  type TableFormat,
} from './duck-files.js'
import type { LoadedModel } from './loaded-model.js'
import type { ModelOutputs } from './prediction-output.js'
import type { ModelCache } from './model-cache.js'
import { columnsTable } from './raw-table.js'
import type { ServingTables } from './schema.js'

/** What `score` takes. */
export interface ScoreFile {
  readonly model: string
  /** An alias (`champion`) or a version number. */
  readonly alias?: string | undefined
  readonly version?: number | undefined
  /** A local CSV, Parquet or JSON Lines file… */
  readonly input?: string | undefined
  /** …or a stored dataset version (`name`, `name:3`, `name@golden`). */
  readonly dataset?: string | undefined
  /** Where to write the scored rows (Parquet). */
  readonly output: string
  /** Rows per scoring call. */
  readonly chunkRows?: number | undefined
  readonly validation?: Partial<ValidationPolicy> | undefined
  /** Called after each chunk with rows done and the total. */
  readonly onProgress?: ((done: number, total: number) => void) | undefined
}

/** A finished batch prediction. */
export interface BatchPrediction {
  readonly id: string
  readonly model: string
  readonly version: number
  readonly input: string
  readonly inputDigest: string
  readonly datasetVersionId: string | undefined
  readonly output: string
  readonly rows: number
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/**
 * Scores one chunk of raw DuckDB columns; a bad value's row is reported as a row of the file.
 * @throws InvalidParameterError naming the column and row
 */
async function scoreChunk(
  loaded: LoadedModel,
  names: readonly string[],
  columns: readonly DuckDBValue[][],
  policy: ValidationPolicy,
  offset: number,
): Promise<ModelOutputs> {
  const table = columnsTable(
    Object.fromEntries(names.map((name, i) => [name, columns[i]!.map(plainValue)])),
    'input',
  )
  try {
    return await loaded.predict(table, policy)
  } catch (err) {
    if (!(err instanceof InvalidParameterError)) throw err
    const message = err.message.replace(
      /, row (\d+):/,
      (_m, row: string) => `, row ${Number(row) + offset}:`,
    )
    throw new InvalidParameterError(message, { cause: err })
  }
}

/**
 * Batch scoring: streams a file of any size through the same model package and request checks
 * as the endpoints, chunk by chunk (DuckDB reads, spills and writes), and records lineage from
 * the dataset (version) and the model version to the output.
 */
export class BatchScoring {
  constructor(
    private readonly deps: ServingDeps,
    private readonly cache: ModelCache,
  ) {}

  /** @throws NotFoundError, InvalidParameterError naming the column and row at fault */
  async score(input: ScoreFile): Promise<BatchPrediction> {
    if ((input.input === undefined) === (input.dataset === undefined)) {
      throw new InvalidParameterError(
        'Give either an input file or a stored dataset version to score',
      )
    }
    const version =
      input.version ??
      (await this.deps.registry.aliasVersion(input.model, input.alias ?? 'champion'))
    const loaded = await this.cache.load(input.model, version)
    if (loaded.mismatches.length > 0) {
      throw new InvalidParameterError(
        `Version ${version} does not match its signature: ${loaded.mismatches[0]!.message}`,
      )
    }
    if (input.dataset !== undefined) {
      const datasets = this.deps.datasets
      if (!datasets)
        throw new InvalidParameterError('Scoring a stored dataset needs the data context')
      const stored = await datasets.get(input.dataset)
      return datasets.withFile(stored, (path) =>
        this.#run(input, loaded, path, stored.format as TableFormat, stored),
      )
    }
    const path = resolve(input.input!)
    const info = await stat(path).catch(() => undefined)
    if (!info?.isFile()) throw new NotFoundError(`No file at '${input.input}'`)
    const digest = await sha256File(path)
    const stored = (await this.deps.datasets?.findByDigest(digest))?.[0]
    return this.#run(input, loaded, path, formatOfFile(path), stored, digest)
  }

  async #run(
    input: ScoreFile,
    loaded: LoadedModel,
    path: string,
    format: TableFormat,
    stored: DatasetFile | undefined,
    digest?: string,
  ): Promise<BatchPrediction> {
    const id = newUuid()
    const output = resolve(input.output)
    const duck = await openDuck()
    let rows: number
    try {
      rows = await this.#stream(duck, input, loaded, readFunction(path, format))
    } finally {
      await duck.close()
    }
    const prediction: BatchPrediction = {
      id,
      model: input.model,
      version: loaded.version,
      input: stored ? `${stored.name}:${stored.version}` : path,
      inputDigest: digest ?? stored?.digest ?? '',
      datasetVersionId: stored?.id,
      output,
      rows,
    }
    await this.#record(prediction, stored ? stored.name : basename(path))
    return prediction
  }

  async #stream(duck: Duck, input: ScoreFile, loaded: LoadedModel, from: string): Promise<number> {
    const policy = { ...DEFAULT_CONFIG.validation, ...input.validation, maxRows: Infinity }
    const chunkRows = input.chunkRows ?? 10_000
    const sink = await openDuck()
    try {
      const count = await duck.connection.runAndReadAll(`SELECT count(*) AS n FROM ${from}`)
      const total = Number(count.getRows()[0]![0])
      const result = await duck.connection.stream(`SELECT * FROM ${from}`)
      const names = result.columnNames()
      // Loaded here: only batch scoring should pay for DuckDB's native binding.
      const { ScoredWriter } = await import('./scored-writer.js')
      const writer = new ScoredWriter(sink.connection, names, result.columnTypes())
      let pending: DuckDBValue[][] = names.map(() => [])
      let done = 0
      const flush = async () => {
        const rows = pending[0]?.length ?? 0
        if (rows === 0) return
        const outputs = await scoreChunk(loaded, names, pending, policy, done)
        await writer.append(pending, outputs, rows)
        done += rows
        pending = names.map(() => [])
        input.onProgress?.(done, total)
      }
      for (
        let chunk = await result.fetchChunk();
        chunk && chunk.rowCount > 0;
        chunk = await result.fetchChunk()
      ) {
        chunk.getColumns().forEach((values, i) => pending[i]!.push(...values))
        if ((pending[0]?.length ?? 0) >= chunkRows) await flush()
      }
      await flush()
      await writer.finish(resolve(input.output))
      return done
    } finally {
      await sink.close()
    }
  }

  async #record(p: BatchPrediction, inputName: string): Promise<void> {
    const now = this.deps.clock.nowMs()
    const actor = currentActor()
    const event = {
      type: 'batch_prediction.completed',
      subject: `batch_prediction:${p.id}`,
      payload: predictionPayload(p, inputName),
      actor,
    }
    await this.deps.store.transaction<ServingTables, void>(async (trx) => {
      await trx
        .insertInto('batch_predictions')
        .values({
          id: p.id,
          model: p.model,
          version: p.version,
          input: p.input,
          input_digest: p.inputDigest,
          dataset_version_id: p.datasetVersionId ?? null,
          output: p.output,
          rows: p.rows,
          status: 'completed',
          created_at: now,
          finished_at: now,
          created_by: actor,
        })
        .execute()
      await appendEvents(trx, [event], now)
    })
  }
}

/** The event payload of a finished batch prediction (snake_case, as lineage rules read it). */
function predictionPayload(p: BatchPrediction, inputName: string) {
  return {
    id: p.id,
    model: p.model,
    version: p.version,
    dataset_version_id: p.datasetVersionId ?? null,
    input: p.input,
    input_name: inputName,
    input_digest: p.inputDigest,
    output: p.output,
    rows: p.rows,
  }
}

import { createReadStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { join } from 'node:path'
import { newUuid } from '../shared/ids.js'
import type { ArtifactStore, MetadataStore } from '../store/index.js'
import type { LogRow, LogSink } from './inference-log.js'
import type { ServingTables } from './schema.js'
import type { Variant } from './version-series.js'

const INSERT_BATCH = 100
const LOG_COLUMNS = [
  'request_id',
  'deployment',
  'version',
  'variant',
  'timestamp',
  'inputs',
  'outputs',
  'latency_ms',
  'status',
] as const satisfies readonly (keyof ServingTables['inference_log'])[]

/**
 * Writes log rows to the `inference_log` table, a hundred per statement (letting requests run
 * between statements), through the store's bulk insert: the query builder would cost more than
 * the insert on this hot path.
 */
export function dbLogSink(store: MetadataStore): LogSink {
  return {
    async write(rows) {
      const db = store.db<ServingTables>()
      for (let i = 0; i < rows.length; i += INSERT_BATCH) {
        if (i > 0) await nextTurn() // lets waiting requests run
        const values = rows
          .slice(i, i + INSERT_BATCH)
          .map((row) => [
            row.requestId,
            row.deployment,
            row.version,
            row.variant,
            row.timestampMs,
            JSON.stringify(row.inputs),
            row.outputs === null ? null : JSON.stringify(row.outputs),
            row.latencyMs,
            row.status,
          ])
        await store.insertManyIgnoringConflicts(db, 'inference_log', LOG_COLUMNS, values)
      }
    },
  }
}

/** Where Parquet log files go in the artifact store, per deployment and UTC day. */
export function parquetLogPrefix(deployment: string): string {
  return `serving/inference-log/${deployment}`
}

/**
 * Writes each flush as one Parquet file per deployment under
 * `serving/inference-log/<deployment>/<YYYY-MM-DD>/`, through DuckDB; inputs and outputs are JSON
 * text columns, so any signature fits one schema.
 */
export function parquetLogSink(artifacts: ArtifactStore): LogSink {
  return {
    async write(rows) {
      const byDeployment = new Map<string, LogRow[]>()
      for (const row of rows)
        byDeployment.set(row.deployment, [...(byDeployment.get(row.deployment) ?? []), row])
      for (const [deployment, batch] of byDeployment) {
        const day = new Date(batch[0]!.timestampMs).toISOString().slice(0, 10)
        const key = `${parquetLogPrefix(deployment)}/${day}/${batch[0]!.timestampMs}-${newUuid()}.parquet`
        await writeParquet(artifacts, key, batch)
      }
    },
  }
}

async function writeParquet(artifacts: ArtifactStore, key: string, rows: readonly LogRow[]) {
  const { DuckDBInstance } = await import('@duckdb/node-api')
  const dir = await mkdtemp(join(tmpdir(), 'lathe-log-'))
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  try {
    await connection.run(
      'CREATE TABLE log (request_id VARCHAR, deployment VARCHAR, version BIGINT, variant VARCHAR, timestamp_ms BIGINT, inputs VARCHAR, outputs VARCHAR, latency_ms DOUBLE, status VARCHAR)',
    )
    const appender = await connection.createAppender('log')
    for (const row of rows) {
      appender.appendVarchar(row.requestId)
      appender.appendVarchar(row.deployment)
      appender.appendBigInt(BigInt(row.version))
      appender.appendVarchar(row.variant)
      appender.appendBigInt(BigInt(row.timestampMs))
      appender.appendVarchar(JSON.stringify(row.inputs))
      if (row.outputs === null) appender.appendNull()
      else appender.appendVarchar(JSON.stringify(row.outputs))
      appender.appendDouble(row.latencyMs)
      appender.appendVarchar(row.status)
      appender.endRow()
    }
    appender.closeSync()
    const file = join(dir, 'log.parquet')
    await connection.run(`COPY log TO '${file.replaceAll("'", "''")}' (FORMAT parquet)`)
    await artifacts.put(key, createReadStream(file))
  } finally {
    connection.closeSync()
    instance.closeSync()
    await rm(dir, { recursive: true, force: true })
  }
}

/** A logged request as read back. */
export interface LoggedRequest {
  readonly id: number
  readonly requestId: string
  readonly deployment: string
  readonly version: number
  readonly variant: Variant
  readonly timestampMs: number
  readonly inputs: Record<string, unknown>[]
  readonly outputs: Record<string, unknown>[] | null
  readonly latencyMs: number
  readonly status: 'ok' | 'error'
}

/** Filters of `readLog`. */
export interface LogQuery {
  readonly deployment: string
  readonly fromMs?: number | undefined
  readonly toMs?: number | undefined
  /** Rows after this id (paging); the answer is in id order. */
  readonly afterId?: number | undefined
  readonly limit?: number | undefined
  /** Only these requests (at most 1000 ids). */
  readonly requestIds?: readonly string[] | undefined
}

/** Reads the DB-backed inference log of one deployment, oldest first (for monitoring). */
export async function readLog(store: MetadataStore, query: LogQuery): Promise<LoggedRequest[]> {
  let q = store
    .db<ServingTables>()
    .selectFrom('inference_log')
    .selectAll()
    .where('deployment', '=', query.deployment)
    .where('id', '>', query.afterId ?? 0)
  if (query.fromMs !== undefined) q = q.where('timestamp', '>=', query.fromMs)
  if (query.toMs !== undefined) q = q.where('timestamp', '<', query.toMs)
  if (query.requestIds !== undefined) {
    if (query.requestIds.length === 0) return []
    q = q.where('request_id', 'in', query.requestIds.slice(0, 1000))
  }
  const rows = await q
    .orderBy('id')
    .limit(Math.min(query.limit ?? 1000, 10_000))
    .execute()
  return rows.map((r) => ({
    id: Number(r.id),
    requestId: r.request_id,
    deployment: r.deployment,
    version: Number(r.version),
    variant: r.variant as Variant,
    timestampMs: Number(r.timestamp),
    inputs: JSON.parse(r.inputs) as Record<string, unknown>[],
    outputs: r.outputs === null ? null : (JSON.parse(r.outputs) as Record<string, unknown>[]),
    latencyMs: Number(r.latency_ms),
    status: r.status as 'ok' | 'error',
  }))
}

import { createHmac } from 'node:crypto'
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { Clock } from '../shared/clock.js'
import type { LoggingPolicy } from './deployment.js'
import { outputRecords, type ModelOutputs } from './prediction-output.js'
import { tableRecords, type RawTable } from './raw-table.js'
import type { Variant } from './version-series.js'

/** Entries turned into rows between two turns of the event loop. */
const SLICE = 100

/** One answered (or failed) request, as the hot path hands it over: nothing copied yet. */
export interface LogEntry {
  readonly requestId: string
  readonly deployment: string
  readonly version: number
  readonly variant: Variant
  readonly timestampMs: number
  readonly table: RawTable
  readonly outputs: ModelOutputs | undefined
  readonly latencyMs: number
  readonly status: 'ok' | 'error'
  readonly policy: LoggingPolicy
  /** Key of the `hash` PII action (per deployment, so hashes join across its log). */
  readonly hashKey: string
}

/** A log entry as written: the PII policy applied, inputs and outputs as records. */
export interface LogRow {
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

/** Where log rows go: the metadata DB or Parquet files. */
export interface LogSink {
  write(rows: readonly LogRow[]): Promise<void>
}

export interface InferenceLogOptions {
  readonly flushIntervalMs?: number
  /** Entries held at most; more are dropped (and counted) rather than slowing requests. */
  readonly maxBuffered?: number
  /** A flush starts early once this many entries wait. */
  readonly batchSize?: number
}

/** Applies the per-field PII policy to records: drop the field, hash its value, or keep it. */
export function applyPii(
  records: Record<string, unknown>[],
  pii: LoggingPolicy['pii'],
  hashKey: string,
): Record<string, unknown>[] {
  const fields = Object.entries(pii).filter(([, action]) => action !== 'keep')
  if (fields.length === 0) return records
  for (const record of records) {
    for (const [field, action] of fields) {
      if (!Object.hasOwn(record, field)) continue
      if (action === 'drop') delete record[field]
      else {
        const text = JSON.stringify(record[field]) ?? 'null'
        record[field] =
          `hmac-sha256:${createHmac('sha256', hashKey).update(text).digest('hex').slice(0, 32)}`
      }
    }
  }
  return records
}

function toRow(entry: LogEntry): LogRow {
  const { pii } = entry.policy
  return {
    requestId: entry.requestId,
    deployment: entry.deployment,
    version: entry.version,
    variant: entry.variant,
    timestampMs: entry.timestampMs,
    inputs: applyPii(tableRecords(entry.table), pii, entry.hashKey),
    outputs: entry.outputs ? applyPii(outputRecords(entry.outputs), pii, entry.hashKey) : null,
    latencyMs: entry.latencyMs,
    status: entry.status,
  }
}

/**
 * The inference log: requests are sampled on the hot path and buffered in memory; a timer turns
 * them into rows (PII policy applied before anything is written) and writes them in batches to
 * their sink. A request never waits for the log; when the sink falls behind, entries are dropped
 * and counted instead.
 */
export class InferenceLog {
  #buffer: LogEntry[] = []
  #timer: NodeJS.Timeout | undefined
  #flushing: Promise<void> | undefined
  #scheduled = false
  written = 0
  dropped = 0
  failed = 0
  /** Why the last failed write failed, for `/metrics` readers and operators. */
  lastError: string | undefined

  constructor(
    private readonly sinks: Readonly<Record<LoggingPolicy['sink'], LogSink>>,
    private readonly clock: Clock,
    private readonly options: InferenceLogOptions = {},
  ) {}

  /** Offers an entry; kept with the policy's sampling rate. Never blocks, never throws. */
  offer(entry: LogEntry): void {
    const rate = entry.policy.sampleRate
    if (rate <= 0 || (rate < 1 && Math.random() >= rate)) return
    if (this.#buffer.length >= (this.options.maxBuffered ?? 50_000)) {
      this.dropped++
      return
    }
    this.#buffer.push(entry)
    this.#start()
    if (this.#buffer.length >= (this.options.batchSize ?? 1000) && !this.#scheduled) {
      this.#scheduled = true
      setImmediate(() => void this.flush())
    }
  }

  /** Writes everything buffered so far; resolves when written. */
  async flush(): Promise<void> {
    this.#scheduled = false
    while (this.#flushing) await this.#flushing
    if (this.#buffer.length === 0) return
    const entries = this.#buffer
    this.#buffer = []
    this.#flushing = this.#write(entries).finally(() => (this.#flushing = undefined))
    await this.#flushing
  }

  /** Flushes and stops the timer. */
  async close(): Promise<void> {
    clearInterval(this.#timer)
    this.#timer = undefined
    await this.flush()
  }

  /** Now, by the injected clock (entries carry their own timestamps). */
  now(): number {
    return this.clock.nowMs()
  }

  /**
   * Turns entries into rows `SLICE` at a time, yielding to the event loop between slices (sinks
   * yield between their statements too): a flush of thousands of rows done in one go would hold
   * every request for milliseconds, which is what p99 latency would show.
   */
  async #write(entries: LogEntry[]): Promise<void> {
    const bySink = new Map<LoggingPolicy['sink'], LogRow[]>()
    for (let at = 0; at < entries.length; at += SLICE) {
      if (at > 0) await nextTurn() // lets waiting requests run
      for (const entry of entries.slice(at, at + SLICE)) {
        const rows = bySink.get(entry.policy.sink) ?? []
        rows.push(toRow(entry))
        bySink.set(entry.policy.sink, rows)
      }
    }
    for (const [sink, rows] of bySink) {
      try {
        await this.sinks[sink].write(rows)
        this.written += rows.length
      } catch (err) {
        // The log is best-effort by design: a failing sink must not take serving down.
        this.failed += rows.length
        this.lastError = err instanceof Error ? err.message : String(err)
      }
    }
  }

  #start(): void {
    if (this.#timer) return
    this.#timer = setInterval(() => void this.flush(), this.options.flushIntervalMs ?? 1000)
    this.#timer.unref()
  }
}

import type { EventDispatcher, StoredEvent } from '../events/index.js'
import type { Clock } from '../shared/clock.js'
import type { MetadataStore } from '../store/index.js'
import { listAuditEntries, type AuditFilter, type AuditPage } from './audit-query.js'
import { verifyAuditLog, type AuditVerification } from './audit-verify.js'
import { appendEntries, contiguousFrom, fillGaps, openGaps } from './audit-writer.js'
import type { GovernanceTables } from './schema.js'

export interface AuditLogDeps {
  readonly store: MetadataStore
  readonly clock: Clock
  readonly events: EventDispatcher
  /** How long an outbox id skipped over may still commit and be recorded (default one hour). */
  readonly gapExpiryMs?: number
}

/** The durable subscriber name; keep it stable, it stores the position in the outbox. */
export const AUDIT_SUBSCRIBER = 'audit'
const GAP_CHECK_INTERVAL_MS = 1000

/**
 * The audit log: every outbox event (so every committed mutation, in every context) becomes one
 * append-only entry, hash-chained to the one before. It is fed by a durable subscriber, so an
 * entry is written even when the process that made the change dies right after committing.
 */
export class AuditLog {
  readonly #deps: AuditLogDeps
  readonly #gapExpiryMs: number
  #gapsCheckedAtMs = Number.NEGATIVE_INFINITY
  /** The highest event id this process appended in a batch; deliveries up to it are done. */
  #recordedThroughId = 0

  constructor(deps: AuditLogDeps) {
    this.#deps = deps
    this.#gapExpiryMs = deps.gapExpiryMs ?? 3_600_000
    deps.events.subscribe(AUDIT_SUBSCRIBER, (event) => this.#record(event), { fromStart: true })
  }

  /** Records every event committed so far, so that reads and verification see them. */
  async drain(): Promise<void> {
    await this.#deps.events.drain()
    await this.#fillGaps(true)
  }

  /** A page of entries, newest first unless `order` is `asc`. */
  list(filter: AuditFilter = {}): Promise<AuditPage> {
    return listAuditEntries(this.#deps.store.db<GovernanceTables>(), filter)
  }

  /** Catches up, then checks the whole chain against itself and against the outbox. */
  async verify(): Promise<AuditVerification> {
    await this.drain()
    const gaps = await openGaps(this.#deps.store)
    return verifyAuditLog(this.#deps.store.db<GovernanceTables>(), gaps)
  }

  /**
   * Records `event` with the committed events right after it in one transaction (one commit per
   * event would cap the log at the disk's fsync rate); their own deliveries then cost nothing.
   */
  async #record(event: StoredEvent): Promise<void> {
    if (event.id > this.#recordedThroughId) {
      const batch = await contiguousFrom(this.#deps.store, event)
      await appendEntries(this.#deps.store, batch, this.#deps.clock.nowMs())
      this.#recordedThroughId = batch.at(-1)!.id
    }
    await this.#fillGaps(false)
  }

  async #fillGaps(always: boolean): Promise<void> {
    const nowMs = this.#deps.clock.nowMs()
    // Late commits are rare: looking once a second keeps the cost off every event.
    if (!always && nowMs - this.#gapsCheckedAtMs < GAP_CHECK_INTERVAL_MS) return
    this.#gapsCheckedAtMs = nowMs
    await fillGaps(this.#deps.store, { nowMs, expiryMs: this.#gapExpiryMs })
  }
}

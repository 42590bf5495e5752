import { createHmac } from 'node:crypto'
import type { Kysely, Selectable, Transaction } from 'kysely'
import type { MonitoringDeps, PostJson } from './deps.js'
import { fetchPost } from './deps.js'
import type { MonitoringTables } from './schema.js'

/** Header carrying `sha256=<hex HMAC of the body>`, keyed by the rule's secret. */
export const SIGNATURE_HEADER = 'x-lathe-signature'

/** Tuning of {@link WebhookOutbox}. */
export interface WebhookOptions {
  /** Attempts before a delivery is marked failed (default 8). */
  readonly maxAttempts?: number
  /** First retry delay; doubled each attempt, capped at an hour (default 5 s). */
  readonly backoffMs?: number
  /** A POST slower than this counts as failed (default 5 s). */
  readonly timeoutMs?: number
}

/** A delivery as stored. */
export interface WebhookDelivery {
  readonly id: number
  readonly url: string
  readonly body: string
  readonly status: 'pending' | 'delivered' | 'failed'
  readonly attempts: number
  readonly nextAttemptAtMs: number
  readonly lastError: string | undefined
}

type Row = Selectable<MonitoringTables['webhook_deliveries']>

/** The signature header value of a body. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

/** Queues one delivery per URL in the transaction of the change it reports (an outbox). */
export async function enqueueDeliveries(
  trx: Transaction<MonitoringTables>,
  urls: readonly string[],
  payload: Readonly<Record<string, unknown>>,
  secret: string,
  nowMs: number,
): Promise<void> {
  if (urls.length === 0) return
  const body = JSON.stringify(payload)
  const rows = urls.map((url) => ({
    url,
    body,
    secret,
    status: 'pending',
    attempts: 0,
    next_attempt_at: nowMs,
    last_error: null,
    created_at: nowMs,
  }))
  await trx.insertInto('webhook_deliveries').values(rows).execute()
}

function toDelivery(r: Row): WebhookDelivery {
  return {
    id: Number(r.id),
    url: r.url,
    body: r.body,
    status: r.status as WebhookDelivery['status'],
    attempts: Number(r.attempts),
    nextAttemptAtMs: Number(r.next_attempt_at),
    lastError: r.last_error ?? undefined,
  }
}

/**
 * Delivers queued webhooks: JSON POSTs signed with an HMAC-SHA256 header, retried with
 * exponential backoff. A delivery is claimed by moving its next attempt past the timeout first,
 * so two runners never send it together, and a runner that dies mid-send leaves it to be retried.
 * A down or slow endpoint only delays its own deliveries.
 */
export class WebhookOutbox {
  readonly #post: PostJson

  constructor(
    private readonly deps: MonitoringDeps,
    private readonly options: WebhookOptions = {},
  ) {
    this.#post = deps.post ?? fetchPost
  }

  get #db(): Kysely<MonitoringTables> {
    return this.deps.store.db<MonitoringTables>()
  }

  /**
   * Sends every due delivery (up to `limit`): endpoints concurrently, each endpoint's deliveries
   * one after the other in the order they were queued (a receiver sees fired before resolved).
   * Returns how many succeeded.
   */
  async deliverDue(limit = 100): Promise<number> {
    const now = this.deps.clock.nowMs()
    const due = await this.#db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('id')
      .limit(limit)
      .execute()
    const byUrl = new Map<string, Row[]>()
    for (const row of due) {
      const rows = byUrl.get(row.url)
      if (rows) rows.push(row)
      else byUrl.set(row.url, [row])
    }
    const sent = await Promise.all(
      [...byUrl.values()].map(async (rows) => {
        let ok = 0
        for (const row of rows) if (await this.#attempt(row, now)) ok++
        return ok
      }),
    )
    return sent.reduce((a, b) => a + b, 0)
  }

  /** Deliveries, newest first. */
  async list(limit = 100): Promise<WebhookDelivery[]> {
    const rows = await this.#db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(limit)
      .execute()
    return rows.map(toDelivery)
  }

  async #attempt(row: Row, now: number): Promise<boolean> {
    const timeoutMs = this.options.timeoutMs ?? 5000
    const claimed = await this.#db
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: now + timeoutMs * 2 })
      .where('id', '=', row.id)
      .where('next_attempt_at', '=', row.next_attempt_at)
      .where('status', '=', 'pending')
      .executeTakeFirst()
    if (Number(claimed.numUpdatedRows) === 0) return false
    const headers = {
      [SIGNATURE_HEADER]: signBody(row.body, row.secret),
      'x-lathe-delivery': String(row.id),
    }
    let error: string | undefined
    try {
      const res = await this.#post(row.url, row.body, headers, timeoutMs)
      if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`
    } catch (err) {
      error = err instanceof Error ? err.message : String(err)
    }
    await this.#settle(row, error)
    return error === undefined
  }

  async #settle(row: Row, error: string | undefined): Promise<void> {
    const attempts = Number(row.attempts) + 1
    const max = this.options.maxAttempts ?? 8
    const delay = Math.min((this.options.backoffMs ?? 5000) * 2 ** (attempts - 1), 3_600_000)
    const status = error === undefined ? 'delivered' : attempts >= max ? 'failed' : 'pending'
    await this.#db
      .updateTable('webhook_deliveries')
      .set({
        status,
        attempts,
        last_error: error ?? null,
        next_attempt_at: this.deps.clock.nowMs() + delay,
      })
      .where('id', '=', row.id)
      .execute()
  }
}

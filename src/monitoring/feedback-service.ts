import type { Kysely, Transaction } from 'kysely'
import { appendEvents } from '../events/index.js'
import type { LoggedRequest } from '../serving/index.js'
import { currentActor } from '../shared/actor.js'
import { InvalidParameterError } from '../shared/errors.js'
import type { Label } from '../stats/index.js'
import type { MonitoringDeps } from './deps.js'
import type { Feedback } from './performance-points.js'
import type { MonitoringTables } from './schema.js'

/** One piece of ground truth: a label per input row of the request (one for a single row). */
export interface FeedbackItem {
  readonly requestId: string
  readonly labels: readonly unknown[]
}

/** What happened to each item: nothing is dropped silently. */
export interface FeedbackReport {
  readonly accepted: number
  /** Request ids that already had feedback: the first labels stand. */
  readonly duplicates: string[]
  /** Items refused, with why (a label of the wrong type, other labels for a labelled request). */
  readonly rejected: { requestId: string; reason: string }[]
  /**
   * Accepted ids the deployment's inference log does not hold (yet: logging is asynchronous and
   * may be sampled). Their labels are kept and join the log when it catches up.
   */
  readonly unknown: string[]
}

const MAX_ITEMS = 10_000

function isLabel(v: unknown): v is Label {
  return (
    typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))
  )
}

/** Why an item is refused, or undefined when it is fine. */
function problem(item: FeedbackItem): string | undefined {
  if (typeof item.requestId !== 'string' || item.requestId === '')
    return 'requestId must be a non-empty string'
  if (!Array.isArray(item.labels) || item.labels.length === 0)
    return 'labels must be a non-empty list'
  const bad = item.labels.findIndex((l) => !isLabel(l))
  if (bad >= 0)
    return `labels[${bad}] must be a number, string or boolean, not ${JSON.stringify(item.labels[bad]) ?? 'undefined'}`
  return undefined
}

/**
 * Why labels cannot be ground truth for a logged request: one label per row, each of the type the
 * model predicts (`label` output). Unlogged requests are not checked.
 */
function mismatch(item: FeedbackItem, row: LoggedRequest | undefined): string | undefined {
  const outputs = row?.outputs
  if (!outputs) return undefined
  if (item.labels.length !== outputs.length)
    return `request has ${outputs.length} row(s) but ${item.labels.length} label(s) were given`
  const bad = item.labels.findIndex((label, i) => {
    const predicted = outputs[i]?.label
    return predicted !== undefined && predicted !== null && typeof predicted !== typeof label
  })
  if (bad < 0) return undefined
  const expected = typeof outputs[bad]?.label
  return `labels[${bad}] must be a ${expected} like the model's predictions, not ${JSON.stringify(item.labels[bad])}`
}

/** Splits a call's items into valid ones (first per id), repeats within the call, and refusals. */
function sortItems(items: readonly FeedbackItem[]) {
  const rejected: FeedbackReport['rejected'] = []
  const valid = new Map<string, FeedbackItem>()
  const duplicates: string[] = []
  for (const item of items) {
    const why = problem(item)
    if (why) rejected.push({ requestId: String(item.requestId ?? ''), reason: why })
    else if (valid.has(item.requestId)) duplicates.push(item.requestId)
    else valid.set(item.requestId, item)
  }
  return { valid, duplicates, rejected }
}

/** The stored labels (JSON) of those of `ids` that already have feedback. */
async function knownIds(
  trx: Transaction<MonitoringTables>,
  ids: string[],
): Promise<Map<string, string>> {
  const known = new Map<string, string>()
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await trx
      .selectFrom('feedback')
      .select(['request_id', 'labels'])
      .where('request_id', 'in', ids.slice(i, i + 500))
      .execute()
    for (const r of rows) known.set(r.request_id, r.labels)
  }
  return known
}

/** Feedback given again: the same labels are a retry (a duplicate), others are refused. */
function sortRepeats(
  valid: ReadonlyMap<string, FeedbackItem>,
  known: ReadonlyMap<string, string>,
  report: { duplicates: string[]; rejected: FeedbackReport['rejected'] },
): FeedbackItem[] {
  const fresh: FeedbackItem[] = []
  for (const item of valid.values()) {
    const stored = known.get(item.requestId)
    if (stored === undefined) fresh.push(item)
    else if (stored === JSON.stringify(item.labels)) report.duplicates.push(item.requestId)
    else
      report.rejected.push({
        requestId: item.requestId,
        reason: `already has other labels (${stored}); the first feedback stands`,
      })
  }
  return fresh
}

/** Says why nothing of a call was accepted, naming the first problems. */
function nothingAccepted(rejected: FeedbackReport['rejected']): InvalidParameterError {
  const first = rejected.slice(0, 3).map((r) => `'${r.requestId}': ${r.reason}`)
  const more = rejected.length > 3 ? ` (and ${rejected.length - 3} more)` : ''
  return new InvalidParameterError(`No feedback item was accepted: ${first.join('; ')}${more}`)
}

/**
 * Ground truth that arrives after the prediction. Feedback is keyed by request id and stored as it
 * comes, whether or not the request has reached the log yet (logging is asynchronous and sampled),
 * so the join happens when a performance monitor runs.
 */
export class FeedbackService {
  constructor(private readonly deps: MonitoringDeps) {}

  get #db(): Kysely<MonitoringTables> {
    return this.deps.store.db<MonitoringTables>()
  }

  /**
   * Records labels for a deployment's requests; reports duplicates, refusals and ids the log does
   * not know, per item. @throws InvalidParameterError when every item is refused (none stored)
   */
  async record(deployment: string, items: readonly FeedbackItem[]): Promise<FeedbackReport> {
    if (items.length > MAX_ITEMS) {
      throw new InvalidParameterError(
        `at most ${MAX_ITEMS} feedback items per call, got ${items.length}`,
      )
    }
    await this.deps.serving.deployment(deployment)
    const { valid, duplicates, rejected } = sortItems(items)
    const logged = await this.#logged(deployment, [...valid.keys()])
    for (const [id, item] of valid) {
      const why = mismatch(item, logged.get(id))
      if (why) {
        valid.delete(id)
        rejected.push({ requestId: id, reason: why })
      }
    }
    const fresh = await this.deps.store.transaction<MonitoringTables, string[]>(async (trx) => {
      const known = await knownIds(trx, [...valid.keys()])
      const added = sortRepeats(valid, known, { duplicates, rejected })
      if (added.length === 0 && duplicates.length === 0) throw nothingAccepted(rejected)
      await this.#insert(trx, deployment, added)
      return added.map((item) => item.requestId)
    })
    const unknown = fresh.filter((id) => !logged.has(id))
    return { accepted: fresh.length, duplicates, rejected, unknown }
  }

  /** The answered log rows of `ids`, by request id (the first row of each). */
  async #logged(deployment: string, ids: readonly string[]): Promise<Map<string, LoggedRequest>> {
    const logged = new Map<string, LoggedRequest>()
    for (let i = 0; i < ids.length; i += 500) {
      const requestIds = ids.slice(i, i + 500)
      const rows = await this.deps.serving.readLog({ deployment, requestIds, limit: 10_000 })
      for (const row of rows) if (row.outputs !== null) logged.set(row.requestId, row)
    }
    return logged
  }

  async #insert(
    trx: Transaction<MonitoringTables>,
    deployment: string,
    items: readonly FeedbackItem[],
  ): Promise<void> {
    const now = this.deps.clock.nowMs()
    const actor = currentActor()
    const rows = items.map((item) => ({
      request_id: item.requestId,
      deployment,
      labels: JSON.stringify(item.labels),
      received_at: now,
      created_by: actor,
    }))
    for (let i = 0; i < rows.length; i += 500) {
      // A concurrent call may have stored the same id since the check: the first labels stand.
      await trx
        .insertInto('feedback')
        .values(rows.slice(i, i + 500))
        .onConflict((oc) => oc.column('request_id').doNothing())
        .execute()
    }
    const payload = { deployment, accepted: rows.length }
    const event = { type: 'feedback.received', subject: `deployment:${deployment}`, payload, actor }
    await appendEvents(trx, [event], now)
  }

  /** Feedback of the given log rows, by request id. */
  async forRequests(rows: readonly LoggedRequest[]): Promise<Map<string, Feedback>> {
    const ids = [...new Set(rows.map((r) => r.requestId))]
    const out = new Map<string, Feedback>()
    for (let i = 0; i < ids.length; i += 500) {
      const found = await this.#db
        .selectFrom('feedback')
        .selectAll()
        .where('request_id', 'in', ids.slice(i, i + 500))
        .execute()
      for (const r of found) {
        const labels = JSON.parse(r.labels) as Label[]
        out.set(r.request_id, {
          requestId: r.request_id,
          labels,
          receivedAtMs: Number(r.received_at),
        })
      }
    }
    return out
  }
}

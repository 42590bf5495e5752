import type { Kysely } from 'kysely'
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
  /** Items refused, with why (a label of the wrong type, an empty request id). */
  readonly rejected: { requestId: string; reason: string }[]
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
 * Ground truth that arrives after the prediction. Feedback is keyed by request id and stored as it
 * comes, whether or not the request has reached the log yet (logging is asynchronous and sampled),
 * so the join happens when a performance monitor runs.
 */
export class FeedbackService {
  constructor(private readonly deps: MonitoringDeps) {}

  get #db(): Kysely<MonitoringTables> {
    return this.deps.store.db<MonitoringTables>()
  }

  /** Records labels for a deployment's requests; reports duplicates and refusals per item. */
  async record(deployment: string, items: readonly FeedbackItem[]): Promise<FeedbackReport> {
    if (items.length > MAX_ITEMS) {
      throw new InvalidParameterError(
        `at most ${MAX_ITEMS} feedback items per call, got ${items.length}`,
      )
    }
    await this.deps.serving.deployment(deployment)
    const rejected: FeedbackReport['rejected'] = []
    const valid = new Map<string, FeedbackItem>()
    const duplicates: string[] = []
    for (const item of items) {
      const why = problem(item)
      if (why) rejected.push({ requestId: String(item.requestId ?? ''), reason: why })
      else if (valid.has(item.requestId)) duplicates.push(item.requestId)
      else valid.set(item.requestId, item)
    }
    const now = this.deps.clock.nowMs()
    const actor = currentActor()
    const accepted = await this.deps.store.transaction<MonitoringTables, string[]>(async (trx) => {
      const ids = [...valid.keys()]
      const known = new Set<string>()
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500)
        const rows = await trx
          .selectFrom('feedback')
          .select('request_id')
          .where('request_id', 'in', chunk)
          .execute()
        for (const r of rows) known.add(r.request_id)
      }
      const fresh = ids.filter((id) => !known.has(id))
      duplicates.push(...known)
      const rows = fresh.map((id) => ({
        request_id: id,
        deployment,
        labels: JSON.stringify(valid.get(id)!.labels),
        received_at: now,
        created_by: actor,
      }))
      for (let i = 0; i < rows.length; i += 500) {
        await trx
          .insertInto('feedback')
          .values(rows.slice(i, i + 500))
          .execute()
      }
      const payload = { deployment, accepted: fresh.length, duplicates: known.size }
      await appendEvents(
        trx,
        [{ type: 'feedback.received', subject: `deployment:${deployment}`, payload, actor }],
        now,
      )
      return fresh
    })
    return { accepted: accepted.length, duplicates, rejected }
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

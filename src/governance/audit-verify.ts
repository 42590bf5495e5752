import type { Kysely } from 'kysely'
import { readEvents, type StoredEvent } from '../events/index.js'
import { canonicalJson, entryHash, GENESIS_HASH } from './audit-hash.js'
import type { GovernanceTables } from './schema.js'

type Db = Kysely<GovernanceTables>
type EntryRow = GovernanceTables['audit_entries']

const PAGE = 1000
const MAX_PROBLEMS = 100

/**
 * Why an entry fails: `edited` (its content no longer matches its hash), `deleted` (a gap in
 * the sequence, or the head is past the last entry), `reordered` (it does not link to the entry
 * before it), `missing` (an outbox event has no entry), `mismatch` (the entry disagrees with its
 * outbox event, as when the chain was rewritten and re-hashed).
 */
export type AuditProblemReason = 'edited' | 'deleted' | 'reordered' | 'missing' | 'mismatch'

export interface AuditProblem {
  readonly reason: AuditProblemReason
  readonly seq?: number | undefined
  readonly eventId?: number | undefined
  readonly message: string
}

/** The outcome of walking the chain and comparing it with the outbox. */
export interface AuditVerification {
  readonly isValid: boolean
  /** Entries walked. */
  readonly entries: number
  /** Outbox events compared with their entries. */
  readonly eventsChecked: number
  readonly head: { readonly seq: number; readonly hash: string }
  /** Outbox events not recorded yet because they committed late; not a fault. */
  readonly pendingEvents: number
  /** The first problems found, in chain order (at most 100). */
  readonly problems: AuditProblem[]
  /** How many problems there were in all. */
  readonly problemCount: number
}

class Problems {
  readonly list: AuditProblem[] = []
  count = 0
  /** Entries already reported as edited, so the outbox comparison does not repeat them. */
  readonly edited = new Set<number>()

  add(problem: AuditProblem): void {
    this.count++
    if (this.list.length < MAX_PROBLEMS) this.list.push(problem)
  }
}

function label(row: EntryRow): string {
  return `entry ${row.seq} (event ${row.event_id}, ${row.type} ${row.subject})`
}

function hashOf(row: EntryRow): string {
  const content = {
    seq: Number(row.seq),
    eventId: Number(row.event_id),
    type: row.type,
    subject: row.subject,
    actor: row.actor,
    atMs: Number(row.at),
    payload: row.payload,
  }
  return entryHash(content, row.prev_hash)
}

/** Walks the chain by seq; returns the number of entries and the last seq and hash. */
async function walkChain(db: Db, problems: Problems) {
  let expectedSeq = 1
  let prevHash = GENESIS_HASH
  let entries = 0
  for (;;) {
    const rows = await db
      .selectFrom('audit_entries')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(PAGE)
      .execute()
    for (const row of rows) {
      const seq = Number(row.seq)
      entries++
      if (seq !== expectedSeq) {
        const which =
          seq - expectedSeq === 1 ? `${expectedSeq} is` : `${expectedSeq}–${seq - 1} are`
        problems.add({ reason: 'deleted', seq: expectedSeq, message: `entry ${which} missing` })
      } else if (row.prev_hash !== prevHash) {
        const message = `${label(row)} does not link to entry ${seq - 1}: entries were reordered or rewritten`
        problems.add({ reason: 'reordered', seq, eventId: Number(row.event_id), message })
      }
      if (hashOf(row) !== row.hash) {
        problems.edited.add(seq)
        const message = `${label(row)} was edited: its content no longer matches its hash`
        problems.add({ reason: 'edited', seq, eventId: Number(row.event_id), message })
      }
      prevHash = row.hash
      expectedSeq = seq + 1
    }
    if (rows.length < PAGE) return { entries, lastSeq: expectedSeq - 1, lastHash: prevHash }
  }
}

function differs(row: EntryRow, event: StoredEvent): string | undefined {
  if (row.type !== event.type) return 'type'
  if (row.subject !== event.subject) return 'subject'
  if ((row.actor ?? undefined) !== event.actor) return 'actor'
  if (Number(row.at) !== event.createdAtMs) return 'time'
  if (row.payload !== canonicalJson(event.payload)) return 'payload'
  return undefined
}

interface Coverage {
  readonly lastEventId: number
  readonly gaps: readonly { fromId: number; toId: number }[]
}

/** Compares each outbox event up to the head with its entry; returns checked and pending counts. */
async function compareWithOutbox(db: Db, { lastEventId, gaps }: Coverage, problems: Problems) {
  let afterId = 0
  let checked = 0
  let pending = 0
  for (;;) {
    const page = await readEvents(db, { afterId, limit: PAGE })
    const events = page.filter((e) => e.id <= lastEventId)
    if (events.length === 0) break
    const rows = await db
      .selectFrom('audit_entries')
      .selectAll()
      .where('event_id', '>', afterId)
      .where('event_id', '<=', events.at(-1)!.id)
      .execute()
    const byEvent = new Map(rows.map((r) => [Number(r.event_id), r]))
    for (const event of events) {
      checked++
      const row = byEvent.get(event.id)
      if (!row) {
        if (gaps.some((g) => event.id >= g.fromId && event.id <= g.toId)) pending++
        else {
          const message = `event ${event.id} (${event.type} ${event.subject}) has no audit entry: it was deleted`
          problems.add({ reason: 'missing', eventId: event.id, message })
        }
        continue
      }
      const field = differs(row, event)
      if (field && !problems.edited.has(Number(row.seq))) {
        const message = `${label(row)} disagrees with its event on ${field}: the chain was rewritten`
        problems.add({ reason: 'mismatch', seq: Number(row.seq), eventId: event.id, message })
      }
    }
    afterId = events.at(-1)!.id
    if (events.length < page.length || page.length < PAGE) break
  }
  return { checked, pending }
}

/**
 * Checks the audit log: every entry's hash, every link, no gap, the head, and that each outbox
 * event up to the head has an unaltered entry. Reads only; problems come back in order.
 */
export async function verifyAuditLog(
  db: Db,
  gaps: readonly { fromId: number; toId: number }[],
): Promise<AuditVerification> {
  const problems = new Problems()
  const state = await db
    .selectFrom('audit_state')
    .selectAll()
    .where('id', '=', 1)
    .executeTakeFirstOrThrow()
  const head = { seq: Number(state.head_seq), hash: state.head_hash }
  const chain = await walkChain(db, problems)
  if (head.seq > chain.lastSeq) {
    const message = `entries ${chain.lastSeq + 1}–${head.seq} at the end of the log are missing`
    problems.add({ reason: 'deleted', seq: chain.lastSeq + 1, message })
  } else if (head.seq !== chain.lastSeq || head.hash !== chain.lastHash) {
    const message = `the head (entry ${head.seq}) does not match the last entry ${chain.lastSeq}`
    problems.add({ reason: 'edited', seq: chain.lastSeq, message })
  }
  const coverage = { lastEventId: Number(state.last_event_id), gaps }
  const { checked, pending } = await compareWithOutbox(db, coverage, problems)
  return {
    isValid: problems.count === 0,
    entries: chain.entries,
    eventsChecked: checked,
    head,
    pendingEvents: pending,
    problems: problems.list,
    problemCount: problems.count,
  }
}

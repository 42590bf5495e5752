import type { Transaction } from 'kysely'
import { readEvents, type StoredEvent } from '../events/index.js'
import type { MetadataStore } from '../store/index.js'
import { canonicalJson, entryHash, type AuditContent } from './audit-hash.js'
import type { GovernanceTables } from './schema.js'

const PAGE = 500

type Trx = Transaction<GovernanceTables>

/**
 * Appends `events` (in id order) to the chain, leaving out those already recorded, so replays
 * are no-ops. One transaction however many events: lock the head, link each to the one before,
 * move the head.
 */
export async function appendEntries(
  store: MetadataStore,
  events: readonly StoredEvent[],
  nowMs: number,
): Promise<void> {
  if (events.length === 0) return
  await store.transaction<GovernanceTables, void>(async (trx) => {
    const head = await lockHead(trx)
    const present = await trx
      .selectFrom('audit_entries')
      .select('event_id')
      .where(
        'event_id',
        'in',
        events.map((e) => e.id),
      )
      .execute()
    const recorded = new Set(present.map((r) => Number(r.event_id)))
    const rows = []
    let { seq, hash, lastEventId } = head
    for (const event of events.filter((e) => !recorded.has(e.id))) {
      const content = contentOf(event, ++seq)
      const entryHashHex = entryHash(content, hash)
      rows.push({ ...entryRow(content), prev_hash: hash, hash: entryHashHex })
      hash = entryHashHex
      if (event.id > lastEventId + 1) await noteGap(trx, lastEventId + 1, event.id - 1, nowMs)
      lastEventId = Math.max(lastEventId, event.id)
    }
    if (rows.length === 0) return
    await trx.insertInto('audit_entries').values(rows).execute()
    await trx
      .updateTable('audit_state')
      .set({ head_seq: seq, head_hash: hash, last_event_id: lastEventId })
      .where('id', '=', 1)
      .execute()
  })
}

function contentOf(event: StoredEvent, seq: number): AuditContent {
  return {
    seq,
    eventId: event.id,
    type: event.type,
    subject: event.subject,
    actor: event.actor ?? null,
    atMs: event.createdAtMs,
    payload: canonicalJson(event.payload),
  }
}

/**
 * `first` and the events right after it with no id missing in between, as many as one page:
 * ids without a hole have all committed, so they can be recorded together.
 */
export async function contiguousFrom(
  store: MetadataStore,
  first: StoredEvent,
): Promise<StoredEvent[]> {
  const page = await readEvents(store.db(), { afterId: first.id - 1, limit: PAGE })
  const run = [first]
  for (const event of page) {
    if (event.id <= first.id) continue
    if (event.id !== run.at(-1)!.id + 1) break
    run.push(event)
  }
  return run
}

/**
 * Writing the head row first locks it (a row lock on PostgreSQL, the write lock on SQLite):
 * appenders in every process take turns, so the chain stays one line.
 */
async function lockHead(trx: Trx): Promise<{ seq: number; hash: string; lastEventId: number }> {
  await trx
    .updateTable('audit_state')
    .set((eb) => ({ head_seq: eb.ref('head_seq') }))
    .where('id', '=', 1)
    .execute()
  const state = await trx
    .selectFrom('audit_state')
    .selectAll()
    .where('id', '=', 1)
    .executeTakeFirstOrThrow()
  return {
    seq: Number(state.head_seq),
    hash: state.head_hash,
    lastEventId: Number(state.last_event_id),
  }
}

/** Ids the dispatcher read past: they may belong to transactions that have not committed yet. */
async function noteGap(trx: Trx, fromId: number, toId: number, nowMs: number): Promise<void> {
  await trx
    .insertInto('audit_gaps')
    .values({ from_id: fromId, to_id: toId, seen_at: nowMs })
    .onConflict((oc) => oc.column('from_id').doNothing())
    .execute()
}

function entryRow(content: AuditContent) {
  return {
    seq: content.seq,
    event_id: content.eventId,
    type: content.type,
    subject: content.subject,
    actor: content.actor,
    at: content.atMs,
    payload: content.payload,
  }
}

/**
 * Records events that committed after the dispatcher read past their ids, and forgets gaps
 * older than `expiryMs` (their transactions rolled back or never will commit).
 */
export async function fillGaps(
  store: MetadataStore,
  { nowMs, expiryMs }: { nowMs: number; expiryMs: number },
): Promise<void> {
  const db = store.db<GovernanceTables>()
  const gaps = await db.selectFrom('audit_gaps').selectAll().orderBy('from_id').execute()
  for (const gap of gaps) {
    const toId = Number(gap.to_id)
    let afterId = Number(gap.from_id) - 1
    while (afterId < toId) {
      const page = await readEvents(db, { afterId, limit: Math.min(PAGE, toId - afterId) })
      const late = page.filter((e) => e.id <= toId)
      await appendEntries(store, late, nowMs)
      if (late.length < page.length || page.length < Math.min(PAGE, toId - afterId)) break
      afterId = late.at(-1)!.id
    }
    if (nowMs - Number(gap.seen_at) >= expiryMs) {
      await db.deleteFrom('audit_gaps').where('from_id', '=', gap.from_id).execute()
    }
  }
}

/** Outbox id ranges that may still commit, for verification to tell lag from loss. */
export async function openGaps(store: MetadataStore): Promise<{ fromId: number; toId: number }[]> {
  const rows = await store.db<GovernanceTables>().selectFrom('audit_gaps').selectAll().execute()
  return rows.map((r) => ({ fromId: Number(r.from_id), toId: Number(r.to_id) }))
}

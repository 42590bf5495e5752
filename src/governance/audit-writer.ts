import type { Transaction } from 'kysely'
import { readEvents, type StoredEvent } from '../events/index.js'
import type { MetadataStore } from '../store/index.js'
import { canonicalJson, entryHash, type AuditContent } from './audit-hash.js'
import type { GovernanceTables } from './schema.js'

const PAGE = 500

type Trx = Transaction<GovernanceTables>

/**
 * Appends `event` to the chain unless an entry for it exists (replays are no-ops). One
 * transaction: lock the head, link to it, move it.
 */
export async function appendEntry(
  store: MetadataStore,
  event: StoredEvent,
  nowMs: number,
): Promise<void> {
  await store.transaction<GovernanceTables, void>(async (trx) => {
    const head = await lockHead(trx)
    const present = await trx
      .selectFrom('audit_entries')
      .select('seq')
      .where('event_id', '=', event.id)
      .executeTakeFirst()
    if (present) return
    const content = {
      seq: head.seq + 1,
      eventId: event.id,
      type: event.type,
      subject: event.subject,
      actor: event.actor ?? null,
      atMs: event.createdAtMs,
      payload: canonicalJson(event.payload),
    }
    const hash = entryHash(content, head.hash)
    await trx
      .insertInto('audit_entries')
      .values({ ...entryRow(content), prev_hash: head.hash, hash })
      .execute()
    if (event.id > head.lastEventId + 1)
      await noteGap(trx, head.lastEventId + 1, event.id - 1, nowMs)
    const lastEventId = Math.max(head.lastEventId, event.id)
    await trx
      .updateTable('audit_state')
      .set({ head_seq: content.seq, head_hash: hash, last_event_id: lastEventId })
      .where('id', '=', 1)
      .execute()
  })
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
      for (const event of late) await appendEntry(store, event, nowMs)
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

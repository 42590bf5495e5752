import { ownTables, type AnyKysely } from '../store/index.js'
import type { DomainEvent, StoredEvent } from './event.js'
import type { Selectable } from 'kysely'
import type { EventTable, EventTables } from './schema.js'

/**
 * Appends events inside the caller's transaction, so an event exists exactly when its change
 * committed (the outbox pattern).
 */
export async function appendEvents(
  trx: AnyKysely,
  events: readonly DomainEvent[],
  nowMs: number,
): Promise<void> {
  if (events.length === 0) return
  await ownTables<EventTables>(trx)
    .insertInto('events')
    .values(
      events.map((e) => ({
        type: e.type,
        subject: e.subject,
        payload: JSON.stringify(e.payload),
        actor: e.actor ?? null,
        created_at: nowMs,
      })),
    )
    .execute()
}

/** Reads events after `afterId`, oldest first. */
export async function readEvents(
  db: AnyKysely,
  { afterId, limit, types }: { afterId: number; limit: number; types?: readonly string[] },
): Promise<StoredEvent[]> {
  let query = ownTables<EventTables>(db)
    .selectFrom('events')
    .selectAll()
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
  if (types && types.length > 0) query = query.where('type', 'in', types)
  return (await query.execute()).map(storedEvent)
}

/** The events with these ids that exist, oldest first. */
export async function readEventsById(
  db: AnyKysely,
  ids: readonly number[],
): Promise<StoredEvent[]> {
  if (ids.length === 0) return []
  const rows = await ownTables<EventTables>(db)
    .selectFrom('events')
    .selectAll()
    .where('id', 'in', ids)
    .orderBy('id')
    .execute()
  return rows.map(storedEvent)
}

function storedEvent(r: Selectable<EventTable>): StoredEvent {
  return {
    id: r.id,
    type: r.type,
    subject: r.subject,
    payload: JSON.parse(r.payload) as Record<string, unknown>,
    actor: r.actor ?? undefined,
    createdAtMs: r.created_at,
  }
}

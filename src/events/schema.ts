import type { Generated } from 'kysely'

/** The outbox: one row per domain event, appended in the transaction of the change it records. */
export interface EventTable {
  id: Generated<number>
  type: string
  subject: string
  payload: string
  actor: string | null
  created_at: number
}

/** How far each durable subscriber has read the outbox. */
export interface EventCursorTable {
  subscriber: string
  position: number
  updated_at: number
}

/**
 * Outbox ids a subscriber read past because they had not committed (PostgreSQL sequences commit
 * out of order): delivered if they appear, forgotten after the retention period.
 */
export interface EventGapTable {
  subscriber: string
  event_id: number
  seen_at: number
}

export interface EventTables {
  events: EventTable
  event_cursors: EventCursorTable
  event_gaps: EventGapTable
}

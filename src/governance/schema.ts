/** Tables owned by the governance context. Timestamps are epoch milliseconds. */
export interface GovernanceTables {
  /**
   * The audit log, append-only: one entry per outbox event, each hashing its content and the
   * previous entry's hash, so an edited or deleted entry breaks the chain.
   */
  audit_entries: {
    /** Position in the chain, 1, 2, 3… with no gaps. */
    seq: number
    /** The outbox event it records; unique, so a replayed event adds nothing. */
    event_id: number
    type: string
    subject: string
    actor: string | null
    /** When the change committed (the event's time). */
    at: number
    /** The event's payload as canonical JSON (sorted keys): what changed, before and after. */
    payload: string
    prev_hash: string
    hash: string
  }
  /**
   * The chain's head, one row (id 1). Appenders lock it first, which makes them take turns across
   * processes; verification compares it with the last entry, so a deleted tail shows.
   */
  audit_state: {
    id: number
    head_seq: number
    head_hash: string
    /** The highest event id recorded; ids below it that were not seen are in audit_gaps. */
    last_event_id: number
  }
  /**
   * Outbox ids skipped over because they had not committed yet (PostgreSQL sequences commit out
   * of order, and rolled-back ids never do). They are looked up again until `seen_at` is old.
   */
  audit_gaps: {
    from_id: number
    to_id: number
    seen_at: number
  }
}

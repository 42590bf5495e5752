/** A fact about a change, as appended to the outbox and delivered to subscribers. */
export interface DomainEvent {
  /** Dotted name, `<object>.<what happened>`: `run.created`, `experiment.deleted`. */
  readonly type: string
  /** The object it is about, `<kind>:<id>`: `run:4f0c…`, `experiment:3`. */
  readonly subject: string
  /** What changed; plain JSON. */
  readonly payload: Readonly<Record<string, unknown>>
  /** Who made the change, when known. */
  readonly actor?: string | undefined
}

/** An event as read back from the outbox. */
export interface StoredEvent extends DomainEvent {
  readonly id: number
  readonly createdAtMs: number
}

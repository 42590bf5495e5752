import type { Clock } from '../shared/clock.js'
import { ownTables, type MetadataStore } from '../store/index.js'
import type { StoredEvent } from './event.js'
import { readEvents, readEventsById } from './outbox.js'
import type { EventTables } from './schema.js'

/** Handles one event; throwing leaves the cursor before it, so it is delivered again. */
export type EventHandler = (event: StoredEvent) => Promise<void>

const MAX_GAP_IDS = 10_000

interface Subscription {
  readonly name: string
  readonly types: readonly string[] | undefined
  readonly handler: EventHandler
  readonly fromStart: boolean
  /** When a gap in ids was first seen (PostgreSQL sequences commit out of order). */
  gapSeenAtMs?: number | undefined
}

export interface EventDispatcherOptions {
  readonly pollIntervalMs?: number
  /** How long to wait for a missing id to commit before reading past it. */
  readonly gapTimeoutMs?: number
  readonly batchSize?: number
  /**
   * How long ids read past stay on watch: an event that commits within it is still delivered
   * (out of order); one later is lost to this subscriber. Default one hour.
   */
  readonly gapRetentionMs?: number
  readonly onError?: (subscriber: string, err: unknown) => void
}

/**
 * Delivers outbox events to named, durable subscribers: each one's position is stored, so after
 * a restart it resumes where it stopped (at-least-once). Reads the outbox only, never a business
 * table.
 */
export class EventDispatcher {
  readonly #store: MetadataStore
  readonly #clock: Clock
  readonly #options: Required<EventDispatcherOptions>
  readonly #subscriptions: Subscription[] = []
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined
  #next: Promise<void> | undefined

  constructor(store: MetadataStore, clock: Clock, options: EventDispatcherOptions = {}) {
    this.#store = store
    this.#clock = clock
    this.#options = {
      pollIntervalMs: options.pollIntervalMs ?? 250,
      gapTimeoutMs: options.gapTimeoutMs ?? 5000,
      batchSize: options.batchSize ?? 500,
      gapRetentionMs: options.gapRetentionMs ?? 60 * 60 * 1000,
      onError: options.onError ?? (() => {}),
    }
  }

  /**
   * Registers a durable subscriber. `name` identifies its stored position: keep it stable.
   * A new subscriber starts at the end of the outbox unless `fromStart` is set.
   */
  subscribe(
    name: string,
    handler: EventHandler,
    { types, fromStart = false }: { types?: readonly string[]; fromStart?: boolean } = {},
  ): void {
    if (this.#subscriptions.some((s) => s.name === name)) {
      throw new Error(`Event subscriber '${name}' is already registered`)
    }
    this.#subscriptions.push({ name, types, handler, fromStart })
  }

  /** Starts polling in the background. */
  start(): void {
    if (this.#timer) return
    this.#timer = setInterval(() => void this.drain(), this.#options.pollIntervalMs)
    this.#timer.unref()
  }

  /** Stops polling and waits for the delivery in flight. */
  async stop(): Promise<void> {
    clearInterval(this.#timer)
    this.#timer = undefined
    await this.#running
  }

  /** Delivers everything committed so far to every subscriber; resolves when done. */
  drain(): Promise<void> {
    if (this.#running) {
      // The delivery in flight may have read the outbox before the caller's change committed:
      // run one more pass after it (shared by every caller waiting meanwhile).
      this.#next ??= this.#running.then(() => {
        this.#next = undefined
        return this.drain()
      })
      return this.#next
    }
    this.#running = this.#deliverAll().finally(() => {
      this.#running = undefined
    })
    return this.#running
  }

  async #deliverAll(): Promise<void> {
    for (const subscription of this.#subscriptions) {
      try {
        await this.#deliver(subscription)
      } catch (err) {
        this.#options.onError(subscription.name, err)
      }
    }
  }

  async #deliver(subscription: Subscription): Promise<void> {
    let position = await this.#position(subscription)
    await this.#deliverLate(subscription)
    for (;;) {
      const events = await readEvents(this.#store.db(), {
        afterId: position,
        limit: this.#options.batchSize,
      })
      if (events.length === 0) return
      for (const event of events) {
        if (event.id !== position + 1) {
          if (!this.#gapExpired(subscription)) {
            await this.#save(subscription.name, position)
            return
          }
          await this.#noteGap(subscription.name, position + 1, event.id - 1)
        }
        subscription.gapSeenAtMs = undefined
        if (!subscription.types || subscription.types.includes(event.type)) {
          await subscription.handler(event)
        }
        position = event.id
      }
      await this.#save(subscription.name, position)
    }
  }

  /**
   * Remembers ids read past for this subscriber: on PostgreSQL their transactions may still
   * commit (a sequence hands out ids before commit), and the cursor has moved beyond them.
   */
  async #noteGap(subscriber: string, fromId: number, toId: number): Promise<void> {
    // A gap wider than this is a rolled-back bulk insert, not transactions still in flight.
    const last = Math.min(toId, fromId + MAX_GAP_IDS - 1)
    const now = this.#clock.nowMs()
    const rows = []
    for (let id = fromId; id <= last; id++) rows.push({ subscriber, event_id: id, seen_at: now })
    const db = ownTables<EventTables>(this.#store.db())
    for (let i = 0; i < rows.length; i += 500) {
      await db
        .insertInto('event_gaps')
        .values(rows.slice(i, i + 500))
        .onConflict((oc) => oc.columns(['subscriber', 'event_id']).doNothing())
        .execute()
    }
  }

  /** Delivers events that committed after the cursor passed their ids; forgets old gaps. */
  async #deliverLate(subscription: Subscription): Promise<void> {
    const db = this.#store.db<EventTables>()
    const expired = this.#clock.nowMs() - this.#options.gapRetentionMs
    await db
      .deleteFrom('event_gaps')
      .where('subscriber', '=', subscription.name)
      .where('seen_at', '<', expired)
      .execute()
    const gaps = await db
      .selectFrom('event_gaps')
      .select('event_id')
      .where('subscriber', '=', subscription.name)
      .orderBy('event_id')
      .limit(this.#options.batchSize)
      .execute()
    const late = await readEventsById(
      db,
      gaps.map((g) => Number(g.event_id)),
    )
    for (const event of late) {
      if (!subscription.types || subscription.types.includes(event.type)) {
        await subscription.handler(event)
      }
      await db
        .deleteFrom('event_gaps')
        .where('subscriber', '=', subscription.name)
        .where('event_id', '=', event.id)
        .execute()
    }
  }

  #gapExpired(subscription: Subscription): boolean {
    const now = this.#clock.nowMs()
    subscription.gapSeenAtMs ??= now
    return now - subscription.gapSeenAtMs >= this.#options.gapTimeoutMs
  }

  async #position({ name, fromStart }: Subscription): Promise<number> {
    const db = this.#store.db<EventTables>()
    const row = await db
      .selectFrom('event_cursors')
      .select('position')
      .where('subscriber', '=', name)
      .executeTakeFirst()
    if (row) return row.position
    const last = await db
      .selectFrom('events')
      .select((eb) => eb.fn.max('id').as('max'))
      .executeTakeFirst()
    const position = fromStart ? 0 : Number(last?.max ?? 0)
    await this.#save(name, position)
    return position
  }

  async #save(name: string, position: number): Promise<void> {
    await ownTables<EventTables>(this.#store.db())
      .insertInto('event_cursors')
      .values({ subscriber: name, position, updated_at: this.#clock.nowMs() })
      .onConflict((oc) =>
        oc.column('subscriber').doUpdateSet({ position, updated_at: this.#clock.nowMs() }),
      )
      .execute()
  }
}

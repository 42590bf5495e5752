export type { DomainEvent, StoredEvent } from './event.js'
export { appendEvents, readEvents } from './outbox.js'
export { EventDispatcher, type EventHandler } from './event-dispatcher.js'
export { eventMigrations } from './migrations.js'

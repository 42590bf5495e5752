import { appendEvents, type DomainEvent } from '../events/index.js'
import { currentActor } from '../shared/actor.js'
import type { AnyKysely } from '../store/index.js'

/** The subject of events about a registered model. */
export function modelSubject(name: string): string {
  return `registered_model:${name}`
}

/** The subject of events about one model version. */
export function versionSubject(name: string, version: number): string {
  return `model_version:${name}/${version}`
}

/**
 * Appends registry events in the caller's transaction, each by the acting user, so that the audit
 * log and lineage (which consume them) see exactly the changes that committed.
 */
export function recordEvents(
  trx: AnyKysely,
  nowMs: number,
  events: readonly Omit<DomainEvent, 'actor'>[],
): Promise<void> {
  const actor = currentActor()
  return appendEvents(
    trx,
    events.map((e) => ({ ...e, actor })),
    nowMs,
  )
}

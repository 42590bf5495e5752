import type { Kysely } from 'kysely'
import { appendEvents, type DomainEvent } from '../../events/index.js'
import { currentActor } from '../../shared/actor.js'
import type { Clock } from '../../shared/clock.js'
import type { MetadataStore } from '../../store/index.js'
import type { PipelineTables } from '../schema.js'

/** Writes a change and its event in one transaction, as the acting user. */
export async function recordChange(
  deps: { readonly store: MetadataStore; readonly clock: Clock },
  write: (trx: Kysely<PipelineTables>) => Promise<unknown>,
  event: Omit<DomainEvent, 'actor'>,
): Promise<void> {
  await deps.store.transaction<PipelineTables, void>(async (trx) => {
    await write(trx)
    await appendEvents(trx, [{ ...event, actor: currentActor() }], deps.clock.nowMs())
  })
}

import type { EventDispatcher, StoredEvent } from '../events/index.js'
import { runAs } from '../shared/actor.js'
import { DomainError } from '../shared/errors.js'
import { isLive } from './deployment.js'
import type { DeploymentService } from './deployment-service.js'

/** The durable subscriber name (it stores the outbox position: keep it stable). */
export const ALIAS_FOLLOWER = 'serving-alias-follower'

/** The actor of changes serving makes by itself. */
export const SERVING_ACTOR = 'lathe-serving'

/**
 * When an alias moves, every deployment following it releases the new version with its own
 * strategy (through the gates): a swap for single and blue-green, a ramp for canary, a copy for
 * shadow. A release of an older target still in progress is rolled back first. Safe to run in
 * several processes: writes are conditional, and a lost race is simply skipped.
 */
export function followAliases(events: EventDispatcher, deployments: DeploymentService): void {
  events.subscribe(
    ALIAS_FOLLOWER,
    (event) => runAs(SERVING_ACTOR, () => onAliasSet(deployments, event)),
    {
      types: ['model_version.alias_set'],
    },
  )
}

async function onAliasSet(deployments: DeploymentService, event: StoredEvent): Promise<void> {
  const { name, alias, version } = event.payload
  if (typeof name !== 'string' || typeof alias !== 'string' || typeof version !== 'number') return
  for (const d of await deployments.list(name)) {
    if (!('alias' in d.target) || d.target.alias !== alias || d.version === version) continue
    if (isLive(d.release) && d.release.candidateVersion === version) continue
    const moved = `@${alias} moved to version ${version}${event.actor ? ` by ${event.actor}` : ''}`
    try {
      if (isLive(d.release)) {
        await deployments.rollback(d.name, `Superseded: ${moved}`, {
          automatic: true,
          releaseId: d.release.id,
        })
      }
      await deployments.release(d.name, { version, trigger: `alias:${alias}` })
    } catch (err) {
      // A failed gate is recorded on the release; a lost race means another process did it.
      // Redelivering the event would change neither.
      if (!(err instanceof DomainError)) throw err
    }
  }
}

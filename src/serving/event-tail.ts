import { hostname } from 'node:os'
import type { EventDispatcher } from '../events/index.js'

/** Deployment events another process may have written, which this process must reload. */
export const DEPLOYMENT_EVENTS = [
  'deployment.created',
  'deployment.updated',
  'deployment.deleted',
  'deployment.release_started',
  'deployment.release_failed',
  'deployment.swapped',
  'deployment.weight_changed',
  'deployment.promoted',
  'deployment.rolled_back',
] as const

/**
 * Reloads a deployment into this process whenever any process (the CLI, another `lathe serve`)
 * changes it. The subscriber is per process (host and pid), so each serving process sees every
 * change; a new one starts at the end of the outbox, after which the runtime loads the current
 * state from the database anyway.
 */
export function tailDeployments(
  events: EventDispatcher,
  reload: (name: string, created: boolean) => Promise<void>,
): void {
  events.subscribe(
    `serving-runtime:${hostname()}:${process.pid}`,
    async (event) => {
      const { name } = event.payload
      if (typeof name === 'string') await reload(name, event.type === 'deployment.created')
    },
    { types: DEPLOYMENT_EVENTS },
  )
}

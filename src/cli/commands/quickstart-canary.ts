import type { FastifyInstance } from 'fastify'
import type { Lathe } from '../../main.js'
import type { Period } from './quickstart-data.js'
import { replayPeriod } from './quickstart-replay.js'

/** How the retrained version's release ended. */
export interface CanaryOutcome {
  readonly version: number
  readonly status: string
  readonly requests: number
  readonly detail: string
}

// Real time the release controller needs: its interval and the canary step are one second each.
const PAUSE_MS = 150
const GIVE_UP_MS = 60_000

/**
 * Sends live traffic while the deployment's release controller watches the candidate (error
 * rate, latency, drift against the stable version) and promotes it or rolls it back by itself.
 */
export async function watchCanary(
  lathe: Lathe,
  app: FastifyInstance,
  deployment: string,
  period: Period,
): Promise<CanaryOutcome | undefined> {
  const first = (await lathe.serving.deployments.get(deployment)).release
  if (!first || first.status === 'failed') {
    return (
      first && {
        version: first.candidateVersion,
        status: first.status,
        requests: 0,
        detail: `version ${first.candidateVersion} failed a release gate: ${first.reason ?? ''}`,
      }
    )
  }
  const startedMs = Date.now()
  let requests = 0
  const settled = async () => {
    await lathe.serving.controller.tick()
    const release = (await lathe.serving.deployments.get(deployment)).release
    return release?.status !== 'progressing' || Date.now() - startedMs > GIVE_UP_MS
  }
  for (let round = 0; !(await settled()); round++) {
    const replay = await replayPeriod(
      app,
      { deployment, period, idPrefix: `${deployment}-canary-${startedMs}-${round}`, chunk: 10 },
      async () => {
        await new Promise((r) => setTimeout(r, PAUSE_MS))
        return settled()
      },
    )
    requests += replay.requests
  }
  const release = (await lathe.serving.deployments.get(deployment)).release!
  return {
    version: release.candidateVersion,
    status: release.status,
    requests,
    detail: `version ${release.candidateVersion} as a 50% canary over ${requests} requests: ${release.status}${release.reason ? ` (${release.reason})` : ''}`,
  }
}

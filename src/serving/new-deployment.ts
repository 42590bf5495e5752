import { newUuid } from '../shared/ids.js'
import type {
  Deployment,
  DeploymentConfig,
  DeploymentTarget,
  GateResult,
  Release,
  Strategy,
} from './deployment.js'
import { deploymentSubject } from './deployment.js'
import type { Transition } from './release-transitions.js'

/** What a new deployment is made of, once its version passed the gates. */
export interface NewDeployment {
  readonly name: string
  readonly model: string
  readonly target: DeploymentTarget
  readonly strategy: Strategy
  readonly config: DeploymentConfig
  readonly version: number
  readonly gates: readonly GateResult[]
  readonly nowMs: number
  readonly actor: string
}

/**
 * A new deployment at revision 1, serving `version`; its first release (already promoted) holds
 * the gates that version passed, so they are recorded like any other release's.
 */
export function newDeployment(input: NewDeployment): Transition {
  const { nowMs, actor } = input
  const releaseId = newUuid()
  const next: Deployment = {
    name: input.name,
    model: input.model,
    target: input.target,
    strategy: input.strategy,
    version: input.version,
    previousVersion: undefined,
    release: firstRelease(releaseId, input),
    config: input.config,
    revision: 1,
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
    createdBy: actor,
  }
  const payload = {
    name: input.name,
    model: input.model,
    target: input.target,
    strategy: input.strategy,
    version: input.version,
    release_id: releaseId,
    gates: input.gates,
  }
  return {
    next,
    events: [{ type: 'deployment.created', subject: deploymentSubject(input.name), payload }],
  }
}

function firstRelease(id: string, input: NewDeployment): Release {
  return {
    id,
    strategy: 'single',
    stableVersion: undefined,
    candidateVersion: input.version,
    status: 'promoted',
    weight: 100,
    stepIndex: 0,
    stepStartedAtMs: input.nowMs,
    gates: input.gates,
    reason: undefined,
    trigger: 'create',
    createdAtMs: input.nowMs,
    updatedAtMs: input.nowMs,
    createdBy: input.actor,
  }
}

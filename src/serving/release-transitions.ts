import type { DomainEvent } from '../events/index.js'
import { InvalidStateError } from '../shared/errors.js'
import type { Deployment, GateResult, Release, Strategy } from './deployment.js'
import { deploymentSubject, isLive } from './deployment.js'

/** An event before the actor is stamped on it. */
export type ServingEvent = Omit<DomainEvent, 'actor'>

/** A deployment's next state and the events that record the change. */
export interface Transition {
  readonly next: Deployment
  readonly events: ServingEvent[]
}

/** What starting (or failing to start) a release needs. */
export interface ReleaseStart {
  readonly id: string
  readonly strategy: Strategy
  readonly candidate: number
  readonly gates: readonly GateResult[]
  readonly trigger: string
  readonly nowMs: number
  readonly actor: string
}

function event(d: Deployment, type: string, payload: Record<string, unknown>): ServingEvent {
  return {
    type: `deployment.${type}`,
    subject: deploymentSubject(d.name),
    payload: { name: d.name, model: d.model, ...payload },
  }
}

function bump(d: Deployment, nowMs: number, changes: Partial<Deployment>): Deployment {
  return { ...d, ...changes, revision: d.revision + 1, updatedAtMs: nowMs }
}

function gate(name: GateResult['gate'], passed: boolean, detail: string, atMs: number): GateResult {
  return { gate: name, passed, detail, atMs }
}

function startDetail(strategy: Strategy, d: Deployment, candidate: number): string {
  switch (strategy) {
    case 'canary':
      return `Canary: version ${candidate} takes ${d.config.canary.steps[0]}% of traffic`
    case 'shadow':
      return `Shadow: version ${candidate} gets a copy of ${d.config.shadow.sampleRate * 100}% of requests`
    case 'blue-green':
      return `Blue-green: swapped from version ${d.version} to ${candidate}; version ${d.version} stays loaded`
    case 'single':
      return `Swapped from version ${d.version} to ${candidate}`
  }
}

/** Starts a release whose pre-release gates passed: a canary, a shadow, or a swap. */
export function startRelease(d: Deployment, s: ReleaseStart): Transition {
  const swaps = s.strategy === 'single' || s.strategy === 'blue-green'
  const status = s.strategy === 'single' ? 'promoted' : 'progressing'
  const weight = s.strategy === 'canary' ? (d.config.canary.steps[0] ?? 100) : swaps ? 100 : 0
  const gates = [...s.gates, gate('start', true, startDetail(s.strategy, d, s.candidate), s.nowMs)]
  if (status === 'promoted') gates.push(gate('decision', true, 'Promoted on swap', s.nowMs))
  const release: Release = {
    id: s.id,
    strategy: s.strategy,
    stableVersion: d.version,
    candidateVersion: s.candidate,
    status,
    weight,
    stepIndex: 0,
    stepStartedAtMs: s.nowMs,
    gates,
    reason: undefined,
    trigger: s.trigger,
    createdAtMs: s.nowMs,
    updatedAtMs: s.nowMs,
    createdBy: s.actor,
  }
  const next = bump(d, s.nowMs, {
    release,
    ...(swaps ? { version: s.candidate, previousVersion: d.version } : {}),
  })
  const common = {
    release_id: s.id,
    strategy: s.strategy,
    from: d.version,
    to: s.candidate,
    trigger: s.trigger,
  }
  const events = [event(d, 'release_started', { ...common, weight, gates })]
  if (swaps) events.push(event(d, 'swapped', { ...common }))
  if (status === 'promoted') events.push(event(d, 'promoted', { ...common }))
  return { next, events }
}

/** Records a release stopped by a failed gate; what is served does not change. */
export function failRelease(d: Deployment, s: ReleaseStart, reason: string): Transition {
  const release: Release = {
    id: s.id,
    strategy: s.strategy,
    stableVersion: d.version,
    candidateVersion: s.candidate,
    status: 'failed',
    weight: 0,
    stepIndex: 0,
    stepStartedAtMs: s.nowMs,
    gates: s.gates,
    reason,
    trigger: s.trigger,
    createdAtMs: s.nowMs,
    updatedAtMs: s.nowMs,
    createdBy: s.actor,
  }
  const payload = {
    release_id: s.id,
    strategy: s.strategy,
    from: d.version,
    to: s.candidate,
    trigger: s.trigger,
    reason,
    gates: s.gates,
  }
  return { next: bump(d, s.nowMs, { release }), events: [event(d, 'release_failed', payload)] }
}

function liveRelease(d: Deployment, releaseId?: string): Release {
  if (!isLive(d.release) || (releaseId !== undefined && d.release.id !== releaseId)) {
    throw new InvalidStateError(
      `Deployment '${d.name}' has no release in progress${releaseId ? ` with id ${releaseId}` : ''}`,
    )
  }
  return d.release
}

/** Moves a canary to its next step's weight. */
export function advanceRelease(
  d: Deployment,
  releaseId: string,
  nowMs: number,
  detail: string,
): Transition {
  const r = liveRelease(d, releaseId)
  const stepIndex = r.stepIndex + 1
  const weight = d.config.canary.steps[stepIndex] ?? 100
  const gates = [...r.gates, gate('watch', true, `${detail}; canary to ${weight}%`, nowMs)]
  const release = { ...r, stepIndex, weight, stepStartedAtMs: nowMs, gates, updatedAtMs: nowMs }
  const payload = {
    release_id: r.id,
    from: r.weight,
    to: weight,
    version: r.candidateVersion,
    analysis: detail,
  }
  return { next: bump(d, nowMs, { release }), events: [event(d, 'weight_changed', payload)] }
}

/** Makes the candidate the stable version (the previous one stays loaded for rollback). */
export function promoteRelease(
  d: Deployment,
  nowMs: number,
  detail: string,
  releaseId?: string,
): Transition {
  const r = liveRelease(d, releaseId)
  const gates = [...r.gates, gate('decision', true, detail, nowMs)]
  const release: Release = { ...r, status: 'promoted', weight: 100, gates, updatedAtMs: nowMs }
  const swapped = r.strategy === 'blue-green'
  const next = bump(d, nowMs, {
    release,
    version: r.candidateVersion,
    previousVersion: swapped ? d.previousVersion : d.version,
  })
  const payload = {
    release_id: r.id,
    strategy: r.strategy,
    from: r.stableVersion,
    to: r.candidateVersion,
    detail,
  }
  return { next, events: [event(d, 'promoted', payload)] }
}

/**
 * Rolls back: a progressing canary or shadow stops taking traffic at once; a swapped version
 * (blue-green, or any finished release) is swapped back to the version kept loaded.
 */
export function rollbackRelease(
  d: Deployment,
  nowMs: number,
  reason: string,
  options: { automatic: boolean; releaseId?: string | undefined },
): Transition {
  const r = isLive(d.release) ? liveRelease(d, options.releaseId) : undefined
  if (options.releaseId !== undefined && !r) liveRelease(d, options.releaseId)
  const swapBack = !r || r.strategy === 'blue-green'
  if (swapBack && d.previousVersion === undefined) {
    throw new InvalidStateError(`Deployment '${d.name}' has no previous version to roll back to`)
  }
  const from = d.version
  const to = swapBack ? d.previousVersion! : d.version
  const last = d.release
  const release =
    last && (r || last.status === 'promoted')
      ? {
          ...last,
          status: 'rolled_back' as const,
          weight: 0,
          reason,
          updatedAtMs: nowMs,
          gates: [...last.gates, gate('decision', false, reason, nowMs)],
        }
      : last
  const next = bump(d, nowMs, {
    release,
    ...(swapBack ? { version: to, previousVersion: from } : {}),
  })
  const payload = {
    release_id: last?.id ?? null,
    strategy: last?.strategy ?? null,
    from: r && !swapBack ? r.candidateVersion : from,
    to,
    reason,
    automatic: options.automatic,
  }
  return { next, events: [event(d, 'rolled_back', payload)] }
}

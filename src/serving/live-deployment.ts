import type { Deployment } from './deployment.js'
import { isLive } from './deployment.js'
import type { LoadedModel } from './loaded-model.js'
import type { ModelCache } from './model-cache.js'
import { PredictionProfile } from './prediction-profile.js'
import type { ServingMetrics } from './serving-metrics.js'
import { ShadowSummary } from './shadow-summary.js'
import type { VersionSeries } from './version-series.js'

/** One version as a deployment serves it: the loaded model and its counters. */
export interface LiveVersion {
  readonly loaded: LoadedModel
  readonly series: VersionSeries
  /** Its predictions so far, when drift is watched. */
  readonly profile: PredictionProfile | undefined
}

/** The shadow copy's state. */
export interface ShadowState {
  readonly summary: ShadowSummary
  inFlight: number
}

/**
 * A deployment as the hot path sees it: immutable once built, and replaced whole (one Map write)
 * by a swap, a reload or a weight change, so a request uses one consistent view from start to end.
 */
export interface LiveDeployment {
  readonly spec: Deployment
  readonly stable: LiveVersion
  /** The canary or the shadow of a progressing release. */
  readonly candidate: LiveVersion | undefined
  readonly mode: 'single' | 'canary' | 'shadow'
  /** The canary's share in percent. */
  readonly weight: number
  readonly shadow: ShadowState | undefined
  /** What the release analysis watches: the canary, the shadow, or a swapped-in blue-green version. */
  readonly watched: LiveVersion | undefined
  /** Versions this view holds in the model cache (released when it is replaced). */
  readonly holds: readonly LoadedModel[]
}

function liveVersion(
  spec: Deployment,
  loaded: LoadedModel,
  metrics: ServingMetrics,
  variant: 'stable' | 'canary' | 'shadow',
  profiled: boolean,
): LiveVersion {
  return {
    loaded,
    series: metrics.series(spec.name, spec.model, loaded.version, variant),
    profile: profiled ? new PredictionProfile() : undefined,
  }
}

/**
 * Loads what a deployment's state needs (the stable version, a progressing release's candidate,
 * the previous version for instant rollback) and builds its live view. Loading happens before
 * anything is swapped, so the old view keeps answering meanwhile.
 * @throws whatever loading throws (NotFoundError, InvalidParameterError)
 */
export async function buildLive(
  spec: Deployment,
  cache: ModelCache,
  metrics: ServingMetrics,
  previousShadow: ShadowState | undefined,
): Promise<LiveDeployment> {
  const release = isLive(spec.release) ? spec.release : undefined
  const routed = release?.strategy === 'canary' || release?.strategy === 'shadow'
  const drift = routed && spec.config.analysis.maxDrift !== undefined
  const stableModel = await cache.load(spec.model, spec.version)
  const holds = [stableModel]
  const stable = liveVersion(spec, stableModel, metrics, 'stable', drift)
  let candidate: LiveVersion | undefined
  if (routed) {
    const model = await cache.load(spec.model, release.candidateVersion)
    holds.push(model)
    const variant = release.strategy === 'canary' ? 'canary' : 'shadow'
    candidate = liveVersion(spec, model, metrics, variant, drift)
  }
  if (spec.previousVersion !== undefined) {
    // Kept loaded so a rollback swaps back at once; serving does not depend on it.
    const previous = await cache.load(spec.model, spec.previousVersion).catch(() => undefined)
    if (previous) holds.push(previous)
  }
  const shadowVersion = release?.strategy === 'shadow' ? release.candidateVersion : undefined
  const shadow =
    shadowVersion === undefined
      ? undefined
      : previousShadow?.summary.version === shadowVersion
        ? previousShadow
        : { summary: new ShadowSummary(shadowVersion), inFlight: 0 }
  const mode = release?.strategy === 'canary' ? 'canary' : shadow ? 'shadow' : 'single'
  const watched = release?.strategy === 'blue-green' ? stable : candidate
  return { spec, stable, candidate, mode, weight: release?.weight ?? 0, shadow, watched, holds }
}

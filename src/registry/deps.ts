import type { Clock } from '../shared/clock.js'
import type { MetadataStore } from '../store/index.js'
import type { Run, Tracking } from '../tracking/index.js'
import type { Evaluator } from './evaluator.js'

/** A LoggedModel as the registry needs it: where its files are and which run made it. */
export interface LoggedModelRef {
  readonly modelId: string
  readonly artifactLocation: string
  readonly sourceRunId: string | undefined
}

/** What the registry reads from tracking, through tracking's services (never its tables). */
export interface TrackingReader {
  /** @throws NotFoundError */
  getRun(runId: string): Promise<Run>
  /** For `models:/<model_id>` sources. @throws NotFoundError */
  getLoggedModel(modelId: string): Promise<LoggedModelRef>
}

/** What the registry services need from the outside world. */
export interface RegistryDeps {
  readonly store: MetadataStore
  readonly clock: Clock
  readonly tracking: TrackingReader
  /** Runs versions for the prediction gates; without one those gates fail, saying so. */
  readonly evaluator?: Evaluator | undefined
}

/** Tracking's services as the registry reads them. */
export function trackingReader(tracking: Tracking): TrackingReader {
  return {
    getRun: (runId) => tracking.runs.get(runId),
    async getLoggedModel(modelId) {
      const { info } = await tracking.loggedModels.get(modelId)
      return {
        modelId: info.modelId,
        artifactLocation: info.artifactUri,
        sourceRunId: info.sourceRunId,
      }
    },
  }
}

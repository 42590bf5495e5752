import type { Data } from '../data/index.js'
import { readFrame, type Frame } from '../models/index.js'
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

/** Evaluation datasets as the registry reads them, through the data context's services. */
export interface EvaluationDatasets {
  /**
   * The rows of a stored dataset version (`name`, `name:3`, `name@golden`), as columns.
   * @throws NotFoundError for an unknown dataset or version
   */
  read(ref: string): Promise<Frame>
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

/** The data context's stored versions as evaluation datasets. */
export function dataEvaluationDatasets(data: Data): EvaluationDatasets {
  return {
    async read(ref) {
      const version = await data.datasets.get(ref)
      return data.datasets.withFile(version, (path) =>
        readFrame({
          path,
          format: version.format,
          columns: version.schema,
          label: `${version.name}:${version.version}`,
        }),
      )
    },
  }
}

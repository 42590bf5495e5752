import type { Kysely } from 'kysely'
import type { Clock } from '../../shared/clock.js'
import type { ArtifactStore, MetadataStore } from '../../store/index.js'
import type { Params, PipelineSpec, PlannedStep } from '../definition/pipeline-spec.js'
import type { StepServices } from '../definition/step-context.js'
import type { PipelineTables } from '../schema.js'

/** A pipeline run as the executors need it: immutable once started. */
export interface RunContext {
  readonly runId: string
  readonly pipeline: string
  readonly source: string
  readonly params: Params
  readonly seed: number
  readonly isNoCache: boolean
  readonly trackingRunId: string
  /** The tracking experiment of the run, where its steps' runs go. */
  readonly experimentId: string
  readonly plan: readonly PlannedStep[]
  /** The loaded code; undefined when its file no longer loads (its steps then fail). */
  readonly spec: PipelineSpec | undefined
  /**
   * Aborted when the run is cancelled from this process, so its steps stop at once; other
   * processes notice at their next heartbeat.
   */
  readonly signal?: AbortSignal | undefined
}

/** What executing steps needs from the outside world. */
export interface ExecutorDeps {
  readonly store: MetadataStore
  readonly artifacts: ArtifactStore
  readonly clock: Clock
  readonly services: StepServices
  /** How long a claim holds without a heartbeat; heartbeats come three times per lease. */
  readonly leaseMs: number
}

/** The pipelines context's tables, through the store. */
export function pipelineDb(deps: { readonly store: MetadataStore }): Kysely<PipelineTables> {
  return deps.store.db<PipelineTables>()
}

/** The name of the tracking experiment a pipeline's runs are recorded in. */
export function experimentOf(pipeline: string): string {
  return `pipelines/${pipeline}`
}

/** A step's seed: the run's seed mixed with the step name (FNV-1a), the same on every rerun. */
export function stepSeed(runSeed: number, step: string): number {
  let hash = 0x811c9dc5 ^ runSeed
  for (let i = 0; i < step.length; i++) hash = Math.imul(hash ^ step.charCodeAt(i), 0x01000193)
  return (hash >>> 0) % 2_147_483_647
}

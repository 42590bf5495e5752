import type { EventDispatcher } from '../events/index.js'
import type { Clock } from '../shared/clock.js'
import type { ArtifactStore, MetadataStore } from '../store/index.js'
import type { StepServices } from './definition/step-context.js'
import type { StepQueue } from './distributed/step-queue.js'

/** What the pipelines context needs from the outside world. */
export interface PipelinesDeps {
  readonly store: MetadataStore
  readonly artifacts: ArtifactStore
  readonly clock: Clock
  /** Event triggers subscribe to it. */
  readonly events: EventDispatcher
  /** The platform services steps call (data, registry, tracking, trainers). */
  readonly services: StepServices
  /** Opens the PostgreSQL step queue; absent when the metadata store cannot carry one (SQLite). */
  readonly openQueue?: (() => Promise<StepQueue>) | undefined
  /** How long a step's claim holds without a heartbeat (default 30 s). */
  readonly leaseMs?: number | undefined
}

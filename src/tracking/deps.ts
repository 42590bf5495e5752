import type { Clock } from '../shared/clock.js'
import type { ArtifactStore, MetadataStore } from '../store/index.js'

/** What the tracking services need from the outside world. */
export interface TrackingDeps {
  readonly store: MetadataStore
  readonly artifacts: ArtifactStore
  readonly clock: Clock
}

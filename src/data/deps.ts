import type { Clock } from '../shared/clock.js'
import type { ArtifactStore, MetadataStore } from '../store/index.js'
import type { Tracking } from '../tracking/index.js'

/** What the data services need from the outside world. */
export interface DataDeps {
  readonly store: MetadataStore
  readonly artifacts: ArtifactStore
  readonly clock: Clock
  /** Runs log the dataset versions they read as MLflow dataset inputs. */
  readonly tracking: Pick<Tracking, 'inputs' | 'runs'>
}

import type { KeyValue, ViewType } from '../tracking/index.js'

/** What the client's search and create calls take, in camelCase. */

/** Filters, order and page of an experiment search. */
export interface SearchExperiments {
  readonly filter?: string | undefined
  readonly orderBy?: readonly string[] | undefined
  readonly viewType?: ViewType | undefined
  readonly maxResults?: number | undefined
  readonly pageToken?: string | undefined
}

/** A run search over experiments: MLflow's filter grammar, `order_by` items and paging. */
export interface SearchRuns {
  readonly experimentIds: readonly string[]
  readonly filter?: string | undefined
  readonly orderBy?: readonly string[] | undefined
  readonly viewType?: ViewType | undefined
  readonly maxResults?: number | undefined
  readonly pageToken?: string | undefined
}

/** A new run: its experiment (the Default '0' when absent), name, start time and tags. */
export interface CreateRun {
  readonly experimentId?: string | undefined
  readonly runName?: string | undefined
  readonly startTime?: number | undefined
  readonly tags?: readonly KeyValue[] | undefined
}

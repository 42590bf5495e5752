/** Domain types of the registry context (MLflow's registry entities, in camelCase). */

/** MLflow's (deprecated but still used) stages; `None` is a stage name, not an absence. */
export type Stage = 'None' | 'Staging' | 'Production' | 'Archived'

export interface KeyValue {
  readonly key: string
  readonly value: string
}

/** A dataset the version's source run consumed, as tracking recorded it. */
export interface DatasetRef {
  readonly name: string
  readonly digest: string
  readonly sourceType: string
  readonly source: string
  /** The `mlflow.data.context` input tag (`training`, `eval`…), when the run gave one. */
  readonly context?: string | undefined
}

/** What a version was made from: the run, its datasets and the code commit. */
export interface Lineage {
  readonly runId: string | undefined
  readonly modelId: string | undefined
  readonly gitCommit: string | undefined
  readonly datasets: readonly DatasetRef[]
}

export interface ModelVersion {
  readonly name: string
  /** Per-model integers from 1; MLflow's wire format makes them strings at the edge. */
  readonly version: number
  readonly creationTimestamp: number
  readonly lastUpdatedTimestamp: number
  readonly userId: string | undefined
  readonly currentStage: Stage
  readonly description: string | undefined
  readonly source: string
  /** `mlflow-artifacts:/<key>`: where the files are, always inside the artifact store. */
  readonly storageLocation: string
  readonly runId: string | undefined
  readonly runLink: string | undefined
  readonly modelId: string | undefined
  /** Versions are READY when created: the registry copies nothing, so there is nothing to wait for. */
  readonly status: 'READY'
  readonly tags: KeyValue[]
  readonly aliases: string[]
  readonly lineage: Lineage
}

export interface AliasRef {
  readonly alias: string
  readonly version: number
}

export interface RegisteredModel {
  readonly name: string
  readonly creationTimestamp: number
  readonly lastUpdatedTimestamp: number
  readonly userId: string | undefined
  readonly description: string | undefined
  /** The newest version in each stage. */
  readonly latestVersions: ModelVersion[]
  readonly tags: KeyValue[]
  readonly aliases: AliasRef[]
}

/** A page of results and the token for the next one, if any. */
export interface Page<T> {
  readonly items: T[]
  readonly nextPageToken: string | undefined
}

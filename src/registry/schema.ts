import type { Generated } from 'kysely'

/**
 * Tables owned by the registry context. Timestamps are epoch milliseconds. Registered models have a
 * surrogate id so that a rename touches one row; every other table refers to that id.
 */
export interface RegistryTables {
  registered_models: {
    id: Generated<number>
    name: string
    creation_timestamp: number
    last_updated_timestamp: number
    user_id: string | null
    description: string | null
    /** The highest version number ever given out; deleted versions keep theirs (MLflow's rule). */
    last_version: number
  }
  registered_model_tags: { registered_model_id: number; key: string; value: string }
  registered_model_aliases: { registered_model_id: number; alias: string; version: number }
  model_versions: {
    registered_model_id: number
    version: number
    creation_timestamp: number
    last_updated_timestamp: number
    user_id: string | null
    current_stage: string
    description: string | null
    /** The URI the client registered, as given. */
    source: string
    /** Where the files are: always `mlflow-artifacts:/<key>` inside the artifact store. */
    storage_location: string
    run_id: string | null
    run_link: string | null
    model_id: string | null
    status: string
    status_message: string | null
    /** The source run's `mlflow.source.git.commit` tag, for lineage. */
    git_commit: string | null
    /** JSON: the source run's dataset inputs (`DatasetRef[]`), for lineage. */
    dataset_inputs: string
  }
  model_version_tags: { registered_model_id: number; version: number; key: string; value: string }
  /** The gates and alias rules of one registered model (absent: no gates, defaults). */
  registered_model_policies: {
    registered_model_id: number
    /** JSON `Gate[]`. */
    gates: string
    /** JSON `string[]`: aliases that need a passing evaluation report. */
    protected_aliases: string
    /** JSON `string[]`: aliases that need an approved request. */
    approval_aliases: string
    updated_at: number
    updated_by: string | null
  }
  evaluation_reports: {
    id: Generated<number>
    registered_model_id: number
    version: number
    dataset: string | null
    passed: number
    /** JSON `GateResult[]`. */
    results: string
    created_at: number
    user_id: string | null
  }
  approvals: {
    id: Generated<number>
    registered_model_id: number
    version: number
    alias: string
    status: string
    reason: string
    requested_by: string
    requested_at: number
    decided_by: string | null
    comment: string | null
    decided_at: number | null
  }
}

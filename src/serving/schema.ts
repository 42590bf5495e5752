import type { Generated } from 'kysely'

/** Tables owned by the serving context. Timestamps are epoch milliseconds. */
export interface ServingTables {
  deployments: {
    name: string
    model: string
    /** Set when the deployment follows an alias; else `target_version` is. */
    target_alias: string | null
    target_version: number | null
    strategy: string
    /** The stable version serving now. */
    version: number
    previous_version: number | null
    /** The latest release (progressing or finished). */
    release_id: string | null
    /** JSON: `DeploymentConfig`. */
    config: string
    revision: number
    created_at: number
    updated_at: number
    created_by: string
  }
  deployment_releases: {
    id: string
    deployment: string
    strategy: string
    stable_version: number | null
    candidate_version: number
    status: string
    weight: number
    step_index: number
    step_started_at: number
    /** JSON: `GateResult[]`, in the order they ran. */
    gates: string
    reason: string | null
    trigger: string
    created_at: number
    updated_at: number
    created_by: string
  }
  inference_log: {
    id: Generated<number>
    request_id: string
    deployment: string
    version: number
    /** stable, canary or shadow. */
    variant: string
    timestamp: number
    /** JSON: the input rows as records, after the PII policy. */
    inputs: string
    /** JSON: the output rows as records (null when the model failed), after the PII policy. */
    outputs: string | null
    latency_ms: number
    status: string
  }
  batch_predictions: {
    id: string
    model: string
    version: number
    input: string
    input_digest: string
    dataset_version_id: string | null
    output: string
    rows: number
    status: string
    created_at: number
    finished_at: number | null
    created_by: string
  }
}

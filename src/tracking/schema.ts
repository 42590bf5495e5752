import type { Generated } from 'kysely'

/** Tables owned by the tracking context. Timestamps are epoch milliseconds. */
export interface TrackingTables {
  experiments: {
    experiment_id: Generated<number>
    name: string
    artifact_location: string
    lifecycle_stage: string
    creation_time: number
    last_update_time: number
  }
  experiment_tags: { experiment_id: number; key: string; value: string }
  runs: {
    run_id: string
    experiment_id: number
    run_name: string
    user_id: string
    status: string
    start_time: number
    end_time: number | null
    artifact_uri: string
    lifecycle_stage: string
    deleted_time: number | null
  }
  run_params: { run_id: string; key: string; value: string }
  run_tags: { run_id: string; key: string; value: string }
  /** Every logged point; the primary key is the whole tuple, so a retried write adds nothing. */
  metrics: {
    run_id: string
    key: string
    value: number
    is_nan: number
    timestamp: number
    step: number
  }
  /** The latest point per (run, key) by (step, timestamp, value), for search and run views. */
  latest_metrics: {
    run_id: string
    key: string
    value: number
    is_nan: number
    timestamp: number
    step: number
  }
  datasets: {
    dataset_id: string
    experiment_id: number
    name: string
    digest: string
    source_type: string
    source: string
    schema: string | null
    profile: string | null
  }
  run_dataset_inputs: { run_id: string; dataset_id: string; tags: string }
  run_model_inputs: { run_id: string; model_id: string }
  run_model_outputs: { run_id: string; model_id: string; step: number }
  logged_models: {
    model_id: string
    experiment_id: number
    name: string
    artifact_location: string
    status: string
    status_message: string | null
    source_run_id: string | null
    model_type: string | null
    lifecycle_stage: string
    creation_timestamp: number
    last_updated_timestamp: number
  }
  logged_model_tags: { model_id: string; key: string; value: string }
  logged_model_params: { model_id: string; key: string; value: string }
  logged_model_metrics: {
    model_id: string
    key: string
    value: number
    is_nan: number
    timestamp: number
    step: number
    run_id: string | null
    dataset_name: string | null
    dataset_digest: string | null
  }
}

import { seg, v1 } from './native-api'

/* Pipeline runs (`/api/v1/pipelines/runs`): list, follow, rerun. */

export type PipelineRunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled'

export interface PipelineRun {
  readonly run_id: string
  readonly pipeline: string
  readonly status: PipelineRunStatus
  readonly executor: string
  readonly params: Record<string, unknown>
  readonly no_cache: boolean
  readonly started_by: string
  readonly rerun_of: string | null
  readonly tracking_run_id: string | null
  readonly created_at: number
  readonly ended_at: number | null
  readonly created_by: string
}

export interface StepRun {
  readonly step: string
  readonly kind: string
  readonly needs: readonly string[]
  readonly status: string
  readonly attempt: number
  readonly worker: string | null
  readonly cached_from: string | null
  readonly outputs: Record<string, unknown> | null
  readonly error: string | null
  readonly log_tail: string | null
  readonly tracking_run_id: string | null
  readonly queued_at: number | null
  readonly started_at: number | null
  readonly ended_at: number | null
}

export interface PipelineRunDetail extends PipelineRun {
  readonly steps: readonly StepRun[]
  readonly failures: readonly { step: string; error: string | null; log_tail: string | null }[]
}

export async function pipelineRuns(
  filter: { pipeline?: string; status?: PipelineRunStatus },
  signal?: AbortSignal,
): Promise<PipelineRun[]> {
  const query = { ...filter, max_results: 1000 }
  return (await v1<{ runs: PipelineRun[] }>('pipelines/runs', { query, signal })).runs
}

export async function pipelineRun(id: string, signal?: AbortSignal): Promise<PipelineRunDetail> {
  return (await v1<{ run: PipelineRunDetail }>(`pipelines/runs/${seg(id)}`, { signal })).run
}

/** Starts the run again with the same parameters; returns the new run's id. */
export async function rerunPipeline(id: string, useCache: boolean): Promise<string> {
  const body = { use_cache: useCache }
  return (await v1<{ run_id: string }>(`pipelines/runs/${seg(id)}/rerun`, { body })).run_id
}

/** Tables owned by the pipelines context. Timestamps are epoch milliseconds; JSON is text. */
export interface PipelineTables {
  /** Pipelines registered by file: workers load them from `source` to run their steps. */
  pipelines: {
    name: string
    /** Absolute path of the module (`.ts`/`.js`) or YAML file that defines it. */
    source: string
    description: string | null
    /** The steps with their needs, params and options (JSON), for readers without the code. */
    plan: string
    registered_at: number
    registered_by: string
  }
  pipeline_runs: {
    /** 32 hex characters, like tracking runs. */
    run_id: string
    pipeline: string
    source: string
    /** queued | running | succeeded | failed | cancelled */
    status: string
    /** local (in-process) | distributed (pg-boss workers) */
    executor: string
    /** The effective parameters (JSON object). */
    params: string
    /** The step graph this run executes (JSON), so that any process can advance it. */
    plan: string
    is_no_cache: number
    /** What started it: `manual`, `schedule:<id>`, `trigger:<id>`, `rerun:<run_id>`. */
    started_by: string
    /** The reproducibility record (JSON): git, lock hash, Node, OS, seed. */
    repro: string
    tracking_run_id: string
    rerun_of: string | null
    /** Why it failed: the failing steps with their errors (JSON), or null. */
    error: string | null
    created_at: number
    ended_at: number | null
    created_by: string
    /** Bumped by every step completion: the row lock that serialises a run's bookkeeping. */
    updated_at: number
    /** Steps not yet settled; the run ends when it reaches 0. */
    open_steps: number
  }
  step_runs: {
    run_id: string
    step: string
    /** pending | queued | running | succeeded | failed | cached | skipped | cancelled */
    status: string
    /** Needs not yet succeeded (or cached): a pending step is queued when it reaches 0. */
    waiting_on: number
    /** Tries so far, counting retries and re-deliveries after a lost worker. */
    attempt: number
    /** While running: until when the worker's claim holds without a heartbeat. */
    lease_until: number | null
    worker: string | null
    cache_key: string | null
    /** The run whose outputs a cached step reused. */
    cached_from: string | null
    outputs: string | null
    /** sha256 of the outputs: downstream cache keys are made of it. */
    output_digest: string | null
    /** sha256 of the outputs without their volatile keys: what reruns compare. */
    repro_digest: string | null
    /** Lineage inputs and outputs the step recorded (JSON `{inputs, outputs}`). */
    lineage: string | null
    error: string | null
    log_tail: string | null
    tracking_run_id: string | null
    queued_at: number | null
    started_at: number | null
    ended_at: number | null
  }
  /** Content-addressed cache: a key made of code hash, used params and input digests. */
  step_cache: {
    cache_key: string
    pipeline: string
    step: string
    outputs: string
    output_digest: string
    repro_digest: string
    lineage: string | null
    run_id: string
    tracking_run_id: string | null
    created_at: number
  }
  pipeline_schedules: {
    schedule_id: string
    pipeline: string
    cron: string
    timezone: string
    params: string
    executor: string
    /** The next time it fires; advanced by a conditional update so one process fires it. */
    next_at: number
    last_run_id: string | null
    created_at: number
    created_by: string
  }
  pipeline_triggers: {
    trigger_id: string
    pipeline: string
    event_type: string
    /** Payload fields an event must have, with these values (JSON object), to count. */
    match: string
    debounce_ms: number
    params: string
    executor: string
    /** Set by a matching event to its time + debounce; later events push it on. */
    fire_at: number | null
    /** The latest matching event, recorded on the run it starts. */
    last_event: string | null
    last_run_id: string | null
    created_at: number
    created_by: string
  }
}

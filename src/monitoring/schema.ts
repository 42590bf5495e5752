import type { Generated } from 'kysely'

/** Tables owned by the monitoring context. Timestamps are epoch milliseconds. */
export interface MonitoringTables {
  monitors: {
    id: string
    deployment: string
    /** drift, performance, operational or quality. */
    kind: string
    /** JSON: the kind's `MonitorSpec` options. */
    spec: string
    window_ms: number
    created_at: number
    created_by: string
  }
  /** The time series: one row per monitor, window and metric. */
  monitor_results: {
    id: Generated<number>
    monitor_id: string
    window_start: number
    window_end: number
    /** `accuracy`, `latency_p95`, `drift.share`, `drift.<feature>.score`, … */
    metric: string
    value: number
    /** JSON: what the value was computed from (counts, tests, lag). */
    detail: string
    computed_at: number
  }
  /** Ground truth, one row per request id: later labels for the same request are refused. */
  feedback: {
    request_id: string
    deployment: string
    /** JSON: one label per input row of the request. */
    labels: string
    received_at: number
    created_by: string
  }
  alert_rules: {
    id: string
    monitor_id: string
    metric: string
    /** above or below. */
    op: string
    threshold: number
    /** Consecutive breaching windows before the alert fires. */
    for_windows: number
    /** JSON: `string[]` of webhook URLs. */
    webhooks: string
    /** Secret of the HMAC-SHA256 signature header. */
    secret: string
    created_at: number
    created_by: string
    /** JSON: `AlertAction[]` carried out once per firing. */
    actions: Generated<string>
  }
  /** The state of each rule: at most one row per rule, so a firing alert is never duplicated. */
  alerts: {
    rule_id: string
    state: string
    breaches: number
    fired_at: number | null
    resolved_at: number | null
    last_value: number | null
    last_window_end: number
  }
  webhook_deliveries: {
    id: Generated<number>
    url: string
    /** JSON body, signed as sent. */
    body: string
    secret: string
    /** pending, delivered or failed (attempts used up). */
    status: string
    attempts: number
    next_attempt_at: number
    last_error: string | null
    created_at: number
  }
  /** Actions taken on firings: one row per (rule, firing, action), so each runs once. */
  alert_actions: {
    rule_id: string
    fired_at: number
    action_index: number
    kind: string
    /** started, succeeded or failed. */
    status: string
    /** What it made or touched: the pipeline run id, the deployment. */
    target: string | null
    error: string | null
    created_at: number
  }
}

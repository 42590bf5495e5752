import { seg, v1 } from './native-api'

/* Monitors, their result series and alert states (`/api/v1/monitors`, `/api/v1/alerts`). */

export interface Monitor {
  readonly id: string
  readonly deployment: string
  readonly kind: 'drift' | 'performance' | 'operational'
  readonly window_seconds: number
  readonly spec: Record<string, unknown>
  readonly created_at: number
  readonly created_by: string
}

export interface AlertRule {
  readonly id: string
  readonly monitor_id: string
  readonly metric: string
  readonly op: 'above' | 'below'
  readonly threshold: number
  readonly for_windows: number
  readonly webhooks: readonly string[]
  /** What a firing does besides the webhooks: retrain, roll back, pin. */
  readonly actions?: readonly AlertActionSpec[]
  readonly created_at: number
}

export type AlertActionSpec =
  | { readonly kind: 'retrain'; readonly pipeline: string }
  | { readonly kind: 'rollback' }
  | { readonly kind: 'pin'; readonly version: number }

/** An action a firing took (or tried). */
export interface TakenAction {
  readonly rule_id: string
  readonly fired_at: number
  readonly index: number
  readonly kind: string
  readonly status: 'started' | 'succeeded' | 'failed'
  /** The pipeline run started, or the deployment touched. */
  readonly target: string | null
  readonly error: string | null
  readonly created_at: number
}

export interface MonitorResult {
  readonly window_start: number
  readonly window_end: number
  readonly metric: string
  readonly value: number
  readonly detail: Record<string, unknown>
  readonly computed_at: number
}

export interface AlertState {
  readonly rule_id: string
  readonly state: string
  readonly breaches: number
  readonly fired_at: number | null
  readonly resolved_at: number | null
  readonly last_value: number | null
  readonly last_window_end: number
}

/** The monitors of one deployment, or of every deployment. */
export async function monitors(
  deployment: string | undefined,
  signal?: AbortSignal,
): Promise<Monitor[]> {
  return (await v1<{ monitors: Monitor[] }>('monitors', { query: { deployment }, signal })).monitors
}

export function monitorWithRules(
  id: string,
  signal?: AbortSignal,
): Promise<{ monitor: Monitor; alert_rules: AlertRule[] }> {
  return v1(`monitors/${seg(id)}`, { signal })
}

/** The newest points of a monitor, every metric, oldest first. */
export async function monitorResults(id: string, signal?: AbortSignal): Promise<MonitorResult[]> {
  const path = `monitors/${seg(id)}/results`
  const { results } = await v1<{ results: MonitorResult[] }>(path, {
    query: { limit: 10_000 },
    signal,
  })
  return [...results].sort((a, b) => a.window_end - b.window_end)
}

export async function alertStates(signal?: AbortSignal): Promise<AlertState[]> {
  return (await v1<{ alerts: AlertState[] }>('alerts', { signal })).alerts
}

/** Actions alerts took, newest first. */
export async function takenActions(signal?: AbortSignal): Promise<TakenAction[]> {
  return (await v1<{ actions: TakenAction[] }>('alerts/actions', { signal })).actions
}

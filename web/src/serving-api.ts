import { ApiError } from './api'
import { seg, v1 } from './native-api'

/* Deployments and their releases (`/api/v1/deployments`), and the serving metrics (`/metrics`). */

export type ReleaseStatus = 'progressing' | 'promoted' | 'rolled_back' | 'failed'

export interface Release {
  readonly id: string
  readonly strategy: string
  readonly stable_version: number | null
  readonly candidate_version: number
  readonly status: ReleaseStatus
  /** Percent of live traffic the candidate answers. */
  readonly weight: number
  readonly step_index: number
  readonly gates: readonly { gate: string; passed: boolean; detail: string; at: number }[]
  readonly reason: string | null
  readonly trigger: string
  readonly created_at: number
  readonly updated_at: number
  readonly created_by: string
}

/** The release settings the dashboard shows (the server sends more). */
export interface DeploymentConfig {
  readonly canary?: { readonly steps?: readonly number[]; readonly step_seconds?: number }
  readonly shadow?: { readonly sample_rate?: number }
  readonly analysis?: {
    readonly max_error_rate?: number
    readonly max_p99_ms?: number
    readonly max_drift?: number
    readonly window_seconds?: number
  }
}

export interface Deployment {
  readonly name: string
  readonly model: string
  /** What it follows: an alias of the model, or one pinned version. */
  readonly target: { readonly alias: string } | { readonly version: number }
  readonly strategy: string
  readonly version: number
  readonly previous_version: number | null
  readonly release: Release | null
  readonly config: DeploymentConfig
  readonly revision: number
  readonly created_at: number
  readonly updated_at: number
  readonly created_by: string
  readonly serving: { loaded: boolean; error: string | null }
}

/** `@champion` or `pinned v3`. */
export function describeTarget(target: Deployment['target']): string {
  return 'alias' in target ? `@${target.alias}` : `pinned v${target.version}`
}

export async function deployments(signal?: AbortSignal): Promise<Deployment[]> {
  return (await v1<{ deployments: Deployment[] }>('deployments', { signal })).deployments
}

export async function deployment(name: string, signal?: AbortSignal): Promise<Deployment> {
  return (await v1<{ deployment: Deployment }>(`deployments/${seg(name)}`, { signal })).deployment
}

export async function releases(name: string, signal?: AbortSignal): Promise<Release[]> {
  return (await v1<{ releases: Release[] }>(`deployments/${seg(name)}/releases`, { signal }))
    .releases
}

/** Promotes the release in progress, or rolls back to the stable (or previous) version. */
export async function decideRelease(
  name: string,
  decision: 'promote' | 'rollback',
  reason: string,
): Promise<Deployment> {
  const body = reason ? { reason } : {}
  const path = `deployments/${seg(name)}/${decision}`
  return (await v1<{ deployment: Deployment }>(path, { body })).deployment
}

/** The whole `/metrics` text. */
export async function servingMetricsText(signal?: AbortSignal): Promise<string> {
  const response = await fetch('/metrics', { signal }).catch((err: unknown) => {
    if (signal?.aborted) throw err
    throw new ApiError(0, 'UNREACHABLE', 'Cannot reach the Lathe server. Is it running?')
  })
  if (!response.ok) throw new ApiError(response.status, 'HTTP_ERROR', response.statusText)
  return response.text()
}

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

/** The counters of one (deployment, version, variant) series, as `/metrics` shows them now. */
export interface VersionCounters {
  readonly version: number
  readonly variant: string
  readonly requests: number
  readonly errors: number
  /** Cumulative latency buckets: [upper bound in seconds, count at or below it]. */
  readonly buckets: readonly [number, number][]
}

const SAMPLE = /^(\w+)\{([^}]*)\} (\S+)$/
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g

function labelsOf(text: string): Record<string, string> {
  const labels: Record<string, string> = {}
  for (const m of text.matchAll(LABEL)) labels[m[1]!] = m[2]!.replace(/\\(.)/g, '$1')
  return labels
}

/** Reads one deployment's request, error and latency series from the Prometheus text. */
export function parseServingMetrics(text: string, name: string): VersionCounters[] {
  const series = new Map<string, { version: number; variant: string } & Mutable>()
  for (const line of text.split('\n')) {
    const m = SAMPLE.exec(line)
    if (!m) continue
    const labels = labelsOf(m[2]!)
    if (labels.deployment !== name || labels.variant === undefined) continue
    const key = `${labels.version}/${labels.variant}`
    let s = series.get(key)
    if (!s) {
      s = { version: Number(labels.version), variant: labels.variant, ...emptyCounters() }
      series.set(key, s)
    }
    add(s, m[1]!, labels, Number(m[3]))
  }
  return [...series.values()].map((s) => ({
    ...s,
    buckets: [...s.buckets.entries()].sort((a, b) => a[0] - b[0]),
  }))
}

interface Mutable {
  requests: number
  errors: number
  buckets: Map<number, number>
}

function emptyCounters(): Mutable {
  return { requests: 0, errors: 0, buckets: new Map() }
}

function add(s: Mutable, metric: string, labels: Record<string, string>, value: number): void {
  if (metric === 'lathe_inference_requests_total') s.requests += value
  else if (metric === 'lathe_inference_errors_total') s.errors += value
  else if (metric === 'lathe_inference_request_duration_seconds_bucket') {
    // Summed over protocols: each protocol has its own histogram on the same bounds.
    const bound = labels.le === '+Inf' ? Infinity : Number(labels.le)
    s.buckets.set(bound, (s.buckets.get(bound) ?? 0) + value)
  }
}

/** A quantile from cumulative buckets (the upper bound of the bucket holding it), in ms. */
export function bucketQuantileMs(
  buckets: readonly [number, number][],
  q: number,
): number | undefined {
  const total = buckets.at(-1)?.[1] ?? 0
  if (total === 0) return undefined
  const rank = q * total
  let lower = 0
  let below = 0
  for (const [bound, count] of buckets) {
    if (count >= rank) {
      if (!Number.isFinite(bound)) return lower * 1000
      // Linear inside the bucket, as Prometheus's histogram_quantile does.
      const inBucket = count - below
      const share = inBucket > 0 ? (rank - below) / inBucket : 1
      return (lower + (bound - lower) * share) * 1000
    }
    lower = bound
    below = count
  }
  return undefined
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

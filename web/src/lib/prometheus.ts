/*
 * Reads the serving series out of `/metrics` (Prometheus text format 0.0.4). No imports: the
 * server's tests parse its own exposition with this same code.
 */

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

/** Latency buckets in seconds (the Prometheus reference set; ONNX on CPU is often < 5 ms). */
export const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const

/** Which part of a deployment answered: the stable version, the canary, or the shadow copy. */
export type Variant = 'stable' | 'canary' | 'shadow'

/** Which protocol a request came in by. */
export type Protocol = 'mlflow' | 'v2'

/** A latency histogram: per-bucket counts (not cumulative), the last one above every bound. */
export class Histogram {
  readonly counts = new Float64Array(LATENCY_BUCKETS.length + 1)
  sum = 0
  count = 0

  observe(seconds: number): void {
    let i = 0
    while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]!) i++
    this.counts[i]!++
    this.sum += seconds
    this.count++
  }
}

/** What the controller compares over a window: totals so far, subtracted between snapshots. */
export interface SeriesTotals {
  readonly requests: number
  readonly errors: number
  readonly latency: Float64Array
}

/**
 * In-memory counters of one (deployment, version, variant): request outcomes by protocol and
 * status code, latency histograms, rows scored. Plain numbers: recording costs a few additions.
 */
export class VersionSeries {
  readonly requests = new Map<string, number>()
  readonly latency = new Map<Protocol, Histogram>()
  /** Every protocol together, for the controller. */
  readonly overall = new Histogram()
  rows = 0
  /** Model failures (5xx): what error-rate SLOs count. Bad input (4xx) is the caller's. */
  errors = 0
  total = 0
  inFlight = 0

  constructor(
    readonly deployment: string,
    readonly model: string,
    readonly version: number,
    readonly variant: Variant,
  ) {}

  /** Records one finished request. */
  record(protocol: Protocol, code: number, seconds: number, rows: number): void {
    const key = `${protocol} ${code}`
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1)
    this.total++
    if (code >= 500) this.errors++
    if (code < 400) {
      this.rows += rows
      let histogram = this.latency.get(protocol)
      if (!histogram) this.latency.set(protocol, (histogram = new Histogram()))
      histogram.observe(seconds)
      this.overall.observe(seconds)
    }
  }

  /** The totals so far, copied. */
  totals(): SeriesTotals {
    return { requests: this.total, errors: this.errors, latency: this.overall.counts.slice() }
  }
}

/** Requests, errors and the latency quantile between two snapshots of a series. */
export function windowStats(
  from: SeriesTotals | undefined,
  to: SeriesTotals,
  quantile = 0.99,
): { requests: number; errors: number; latencyMs: number } {
  const requests = to.requests - (from?.requests ?? 0)
  const errors = to.errors - (from?.errors ?? 0)
  const counts = Array.from(to.latency, (c, i) => c - (from?.latency[i] ?? 0))
  const observed = counts.reduce((a, b) => a + b, 0)
  let latencyMs = 0
  if (observed > 0) {
    const rank = Math.ceil(quantile * observed)
    let seen = 0
    const i = counts.findIndex((c) => (seen += c) >= rank)
    // The bucket's upper bound: a conservative estimate, as Prometheus' histogram_quantile.
    latencyMs = (LATENCY_BUCKETS[i] ?? LATENCY_BUCKETS[LATENCY_BUCKETS.length - 1]! * 2) * 1000
  }
  return { requests, errors, latencyMs }
}

import { PromText } from './prometheus-text.js'
import { LATENCY_BUCKETS, VersionSeries, type Variant } from './version-series.js'

/** Gauges the runtime reports at scrape time. */
export interface RuntimeGauges {
  readonly loaded: readonly { model: string; version: number }[]
  readonly weights: readonly { deployment: string; version: number; weight: number }[]
  readonly shadows: readonly {
    deployment: string
    version: number
    agreedRows: number
    comparedRows: number
    errors: number
    timeouts: number
    dropped: number
  }[]
  readonly log: { readonly written: number; readonly dropped: number; readonly failed: number }
}

const PREFIX = 'lathe'

/** Every series of every deployment, rendered as Prometheus text on scrape. */
export class ServingMetrics {
  readonly #series = new Map<string, VersionSeries>()

  /** The series of (deployment, version, variant), created on first use. */
  series(deployment: string, model: string, version: number, variant: Variant): VersionSeries {
    const key = `${deployment}\u0000${version}\u0000${variant}`
    let series = this.#series.get(key)
    if (!series)
      this.#series.set(key, (series = new VersionSeries(deployment, model, version, variant)))
    return series
  }

  /** The exposition text: requests, errors, latency, rows, in-flight, plus the runtime's gauges. */
  render(gauges: RuntimeGauges, buildVersion: string): string {
    const text = new PromText()
    text.family(`${PREFIX}_build_info`, 'gauge', 'Lathe build; always 1.')
    text.sample(`${PREFIX}_build_info`, { version: buildVersion }, 1)
    const all = [...this.#series.values()]
    const labels = (s: VersionSeries) => ({
      deployment: s.deployment,
      model: s.model,
      version: s.version,
      variant: s.variant,
    })
    text.family(
      `${PREFIX}_inference_requests_total`,
      'counter',
      'Inference requests by protocol and HTTP status code.',
    )
    for (const s of all) {
      for (const [key, count] of s.requests) {
        const [protocol, code] = key.split(' ')
        text.sample(
          `${PREFIX}_inference_requests_total`,
          { ...labels(s), protocol: protocol!, code: code! },
          count,
        )
      }
    }
    text.family(
      `${PREFIX}_inference_errors_total`,
      'counter',
      'Requests the model failed on (not bad input).',
    )
    for (const s of all) text.sample(`${PREFIX}_inference_errors_total`, labels(s), s.errors)
    text.family(
      `${PREFIX}_inference_request_duration_seconds`,
      'histogram',
      'Time to validate and score a request.',
    )
    for (const s of all) {
      for (const [protocol, h] of s.latency) {
        text.histogram(
          `${PREFIX}_inference_request_duration_seconds`,
          { ...labels(s), protocol },
          LATENCY_BUCKETS,
          h.counts,
          h.sum,
        )
      }
    }
    text.family(`${PREFIX}_inference_rows_total`, 'counter', 'Rows scored.')
    for (const s of all) text.sample(`${PREFIX}_inference_rows_total`, labels(s), s.rows)
    text.family(`${PREFIX}_inference_in_flight_requests`, 'gauge', 'Requests being scored now.')
    for (const s of all)
      text.sample(`${PREFIX}_inference_in_flight_requests`, labels(s), s.inFlight)
    renderGauges(text, gauges)
    return text.toString()
  }
}

function renderGauges(text: PromText, gauges: RuntimeGauges): void {
  text.family(`${PREFIX}_model_loaded`, 'gauge', 'Model versions loaded in this process.')
  for (const m of gauges.loaded)
    text.sample(`${PREFIX}_model_loaded`, { model: m.model, version: m.version }, 1)
  text.family(
    `${PREFIX}_rollout_weight`,
    'gauge',
    'Share of live traffic (percent) each version answers.',
  )
  for (const w of gauges.weights) {
    text.sample(
      `${PREFIX}_rollout_weight`,
      { deployment: w.deployment, version: w.version },
      w.weight,
    )
  }
  text.family(
    `${PREFIX}_shadow_rows_total`,
    'counter',
    'Rows a shadow version scored beside the primary, by agreement.',
  )
  for (const s of gauges.shadows) {
    const l = { deployment: s.deployment, version: s.version }
    text.sample(`${PREFIX}_shadow_rows_total`, { ...l, result: 'agree' }, s.agreedRows)
    text.sample(
      `${PREFIX}_shadow_rows_total`,
      { ...l, result: 'differ' },
      s.comparedRows - s.agreedRows,
    )
  }
  text.family(
    `${PREFIX}_shadow_calls_lost_total`,
    'counter',
    'Shadow calls that failed, timed out or were dropped.',
  )
  for (const s of gauges.shadows) {
    const l = { deployment: s.deployment, version: s.version }
    text.sample(`${PREFIX}_shadow_calls_lost_total`, { ...l, reason: 'error' }, s.errors)
    text.sample(`${PREFIX}_shadow_calls_lost_total`, { ...l, reason: 'timeout' }, s.timeouts)
    text.sample(`${PREFIX}_shadow_calls_lost_total`, { ...l, reason: 'dropped' }, s.dropped)
  }
  text.family(
    `${PREFIX}_inference_log_entries_total`,
    'counter',
    'Inference log entries by outcome.',
  )
  for (const [result, value] of Object.entries(gauges.log)) {
    text.sample(`${PREFIX}_inference_log_entries_total`, { result }, value)
  }
}

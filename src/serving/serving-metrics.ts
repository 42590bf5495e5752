import { PromText, type Labels } from './prometheus-text.js'
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
    /** Class outputs: share of rows in agreement; null for value outputs. */
    agreement: number | null
    /** Value outputs: mean and largest absolute difference; null for class outputs. */
    meanAbsDifference: number | null
    maxAbsDifference: number | null
    errors: number
    timeouts: number
    dropped: number
  }[]
  readonly log: { readonly written: number; readonly dropped: number; readonly failed: number }
  /** Whether shadow copies run on their worker thread (else in the main thread). */
  /** The model worker threads, for callers' requests and for shadows: up, calls and runs. */
  readonly workers: readonly {
    readonly role: 'primary' | 'shadow'
    readonly up: boolean
    readonly calls: number
    readonly runs: number
  }[]
}

const PREFIX = 'lathe'

/** Every series of every deployment, rendered as Prometheus text on scrape. */
export class ServingMetrics {
  readonly #series = new Map<string, VersionSeries>()
  /** Requests refused before scoring because the process was overloaded, per deployment. */
  readonly #rejected = new Map<string, number>()

  /** The series of (deployment, version, variant), created on first use. */
  series(deployment: string, model: string, version: number, variant: Variant): VersionSeries {
    const key = `${deployment}\u0000${version}\u0000${variant}`
    let series = this.#series.get(key)
    if (!series)
      this.#series.set(key, (series = new VersionSeries(deployment, model, version, variant)))
    return series
  }

  /** Counts a request refused with 503 because too many were running. */
  reject(deployment: string): void {
    this.#rejected.set(deployment, (this.#rejected.get(deployment) ?? 0) + 1)
  }

  /** The exposition text: requests, errors, latency, rows, in-flight, plus the runtime's gauges. */
  render(gauges: RuntimeGauges, buildVersion: string): string {
    const text = new PromText()
    emit(text, 'build_info', 'gauge', 'Lathe build; always 1.', [[{ version: buildVersion }, 1]])
    renderSeries(text, [...this.#series.values()])
    renderGauges(text, gauges)
    renderShadows(text, gauges.shadows)
    const rejected = [...this.#rejected].map(([deployment, n]): Sample => [{ deployment }, n])
    const help = 'Requests refused with 503 because the process was overloaded.'
    emit(text, 'inference_rejected_total', 'counter', help, rejected)
    return text.toString()
  }
}

function renderSeries(text: PromText, all: readonly VersionSeries[]): void {
  const requests = all.flatMap((s) =>
    [...s.requests].map(([key, count]): Sample => {
      const [protocol, code] = key.split(' ') as [string, string]
      return [{ ...labels(s), protocol, code }, count]
    }),
  )
  emit(text, 'inference_requests_total', 'counter', 'Requests by protocol and status.', requests)
  const each = (value: (s: VersionSeries) => number) =>
    all.map((s): Sample => [labels(s), value(s)])
  const errors = each((s) => s.errors)
  emit(text, 'inference_errors_total', 'counter', 'Model failures (not bad input).', errors)
  const duration = `${PREFIX}_inference_request_duration_seconds`
  text.family(duration, 'histogram', 'Time to validate and score a request.')
  for (const s of all) {
    for (const [protocol, h] of s.latency) {
      text.histogram(duration, { ...labels(s), protocol }, LATENCY_BUCKETS, h.counts, h.sum)
    }
  }
  emit(
    text,
    'inference_rows_total',
    'counter',
    'Rows scored.',
    each((s) => s.rows),
  )
  const inFlight = each((s) => s.inFlight)
  emit(text, 'inference_in_flight_requests', 'gauge', 'Requests being scored now.', inFlight)
}

type Sample = [Labels, number]

function labels(s: VersionSeries): Labels {
  return { deployment: s.deployment, model: s.model, version: s.version, variant: s.variant }
}

/** One metric family and its samples. */
function emit(
  text: PromText,
  name: string,
  type: 'counter' | 'gauge',
  help: string,
  samples: readonly Sample[],
): void {
  text.family(`${PREFIX}_${name}`, type, help)
  for (const [l, value] of samples) text.sample(`${PREFIX}_${name}`, l, value)
}

function renderGauges(text: PromText, gauges: RuntimeGauges): void {
  const loaded = gauges.loaded.map((m): Sample => [{ model: m.model, version: m.version }, 1])
  emit(text, 'model_loaded', 'gauge', 'Model versions loaded in this process.', loaded)
  const weights = gauges.weights.map((w): Sample => [
    { deployment: w.deployment, version: w.version },
    w.weight,
  ])
  emit(
    text,
    'rollout_weight',
    'gauge',
    'Share of live traffic (percent) each version answers.',
    weights,
  )
  const log = Object.entries(gauges.log).map(([result, value]): Sample => [{ result }, value])
  emit(text, 'inference_log_entries_total', 'counter', 'Inference log entries by outcome.', log)
  const worker = (value: (w: RuntimeGauges['workers'][number]) => number) =>
    gauges.workers.map((w): Sample => [{ role: w.role }, value(w)])
  emit(
    text,
    'model_worker_up',
    'gauge',
    'Models run on a worker thread (1) or on the event loop (0), for callers and for shadows.',
    worker((w) => (w.up ? 1 : 0)),
  )
  emit(
    text,
    'model_worker_calls_total',
    'counter',
    'Scoring calls sent to a model worker.',
    worker((w) => w.calls),
  )
  emit(
    text,
    'model_worker_runs_total',
    'counter',
    'Model runs those calls took: calls queued together for one version run stacked as one.',
    worker((w) => w.runs),
  )
}

function renderShadows(text: PromText, shadows: RuntimeGauges['shadows']): void {
  const shadow = (s: RuntimeGauges['shadows'][number]) => ({
    deployment: s.deployment,
    version: s.version,
  })
  // Agreement is a class comparison; value outputs are summarised by their differences instead.
  const classes = shadows.filter((s) => s.meanAbsDifference === null)
  const values = shadows.filter((s) => s.meanAbsDifference !== null)
  emit(
    text,
    'shadow_rows_total',
    'counter',
    'Rows a shadow version scored beside the primary, by agreement (class outputs).',
    classes.flatMap((s): Sample[] => [
      [{ ...shadow(s), result: 'agree' }, s.agreedRows],
      [{ ...shadow(s), result: 'differ' }, s.comparedRows - s.agreedRows],
    ]),
  )
  emit(
    text,
    'shadow_abs_difference',
    'gauge',
    "Mean and largest absolute difference of a shadow's values from the primary's.",
    values.flatMap((s): Sample[] => [
      [{ ...shadow(s), stat: 'mean' }, s.meanAbsDifference!],
      [{ ...shadow(s), stat: 'max' }, s.maxAbsDifference!],
    ]),
  )
  emit(
    text,
    'shadow_calls_lost_total',
    'counter',
    'Shadow calls that failed, timed out or were dropped.',
    shadows.flatMap((s): Sample[] => [
      [{ ...shadow(s), reason: 'error' }, s.errors],
      [{ ...shadow(s), reason: 'timeout' }, s.timeouts],
      [{ ...shadow(s), reason: 'dropped' }, s.dropped],
    ]),
  )
}

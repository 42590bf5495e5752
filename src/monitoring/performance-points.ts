import type { LoggedRequest } from '../serving/index.js'
import {
  accuracy,
  expectedCalibrationError,
  mae,
  rmse,
  rocAuc,
  type Label,
} from '../stats/index.js'
import type { MonitorPoint, MonitorSpec } from './monitor.js'

/** Ground truth of one request, as stored. */
export interface Feedback {
  readonly requestId: string
  readonly labels: readonly Label[]
  readonly receivedAtMs: number
}

interface Joined {
  readonly truth: Label[]
  readonly predicted: Label[]
  readonly scores: number[]
  readonly lagsMs: number[]
}

/** The positive-class score of an output value: a number, or the last of a probability list. */
function scoreOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value
  if (Array.isArray(value) && typeof value.at(-1) === 'number') return value.at(-1) as number
  return undefined
}

/** Pairs each answered row with its label; rows without feedback are left out. */
function join(
  rows: readonly LoggedRequest[],
  feedback: ReadonlyMap<string, Feedback>,
  spec: MonitorSpec,
): Joined {
  const out: Joined = { truth: [], predicted: [], scores: [], lagsMs: [] }
  const field = spec.labelField ?? 'label'
  for (const row of rows) {
    const fb = feedback.get(row.requestId)
    if (fb === undefined || row.outputs === null) continue
    row.outputs.forEach((output, i) => {
      const truth = fb.labels[i]
      const predicted = output[field]
      if (truth === undefined || !isLabel(predicted)) return
      out.truth.push(truth)
      out.predicted.push(predicted)
      const score = spec.scoreField ? scoreOf(output[spec.scoreField]) : undefined
      if (score !== undefined) out.scores.push(score)
      out.lagsMs.push(fb.receivedAtMs - row.timestampMs)
    })
  }
  return out
}

function isLabel(value: unknown): value is Label {
  return typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean'
}

const isPositive = (label: Label) => label === true || Number(label) === 1

/** Metrics that need both classes (AUC) are skipped, not failed, when a window lacks one. */
function tryMetric(
  name: string,
  fn: () => number,
  detail: Record<string, unknown>,
): MonitorPoint[] {
  try {
    const value = fn()
    return Number.isFinite(value) ? [{ metric: name, value, detail }] : []
  } catch {
    return []
  }
}

/**
 * Performance of a window from the inference log joined to feedback: accuracy, AUC and ECE for a
 * classifier, RMSE and MAE for a regressor, each with how many rows had labels and the label lag.
 */
export function performancePoints(
  rows: readonly LoggedRequest[],
  feedback: ReadonlyMap<string, Feedback>,
  spec: MonitorSpec,
): MonitorPoint[] {
  const j = join(rows, feedback, spec)
  const lags = j.lagsMs
  const detail = {
    labelled: j.truth.length,
    requests: rows.length,
    lagMsMean: lags.length ? lags.reduce((a, b) => a + b, 0) / lags.length : null,
    // A loop, not Math.max(...lags): spreading a million arguments overflows the stack.
    lagMsMax: lags.length ? lags.reduce((a, b) => Math.max(a, b), -Infinity) : null,
  }
  const points: MonitorPoint[] = [{ metric: 'labelled', value: j.truth.length, detail }]
  if (j.truth.length === 0) return points
  if (spec.task === 'regression') {
    const t = j.truth.map(Number)
    const p = j.predicted.map(Number)
    points.push(...tryMetric('rmse', () => rmse(t, p), detail))
    points.push(...tryMetric('mae', () => mae(t, p), detail))
    return points
  }
  points.push(...tryMetric('accuracy', () => accuracy(j.truth, j.predicted), detail))
  if (j.scores.length === j.truth.length) {
    const positive = j.truth.map(isPositive)
    points.push(...tryMetric('auc', () => rocAuc(positive, j.scores), detail))
    const outcomes = positive.map(Number)
    points.push(...tryMetric('ece', () => expectedCalibrationError(outcomes, j.scores), detail))
  }
  return points
}

import { columnSource, type DatasetProfile } from '../data/index.js'
import type { LoggedRequest } from '../serving/index.js'
import {
  CategoricalProfile,
  columnDrift,
  NumericSample,
  type Category,
  type ColumnSource,
} from '../stats/index.js'
import type { MonitorPoint, MonitorSpec } from './monitor.js'

/** A window's column as the statistics module reads it, shaped after the reference column. */
function currentSource(reference: ColumnSource, values: unknown[]): ColumnSource {
  if (reference.kind === 'numerical') {
    return NumericSample.of(values.map((v) => (typeof v === 'number' ? v : null)))
  }
  return CategoricalProfile.of(
    values.map((v) => (v === null || v === undefined ? null : (v as Category))),
  )
}

function valuesOf(rows: readonly LoggedRequest[], field: string, side: 'inputs' | 'outputs') {
  const values: unknown[] = []
  for (const row of rows) for (const record of row[side] ?? []) values.push(record[field])
  return values
}

/** The share of a window's numbers outside the reference's [min, max] (a data-quality signal). */
function outOfRange(name: string, reference: ColumnSource, values: unknown[]): MonitorPoint[] {
  if (reference.kind !== 'numerical' || !('toJSON' in reference)) return []
  const { min, max } = reference.toJSON()
  const numbers = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
  if (min === null || max === null || numbers.length === 0) return []
  const outside = numbers.filter((v) => v < min || v > max).length
  const detail = { outside, min, max }
  return [{ metric: `out_of_range.${name}`, value: outside / numbers.length, detail }]
}

/** Tests one column; a column that cannot be tested (empty window, kind mismatch) is reported. */
function testColumn(
  name: string,
  reference: ColumnSource,
  values: unknown[],
  spec: MonitorSpec,
): MonitorPoint[] {
  const missing = values.filter((v) => v === null || v === undefined).length
  const points: MonitorPoint[] = []
  if (values.length > 0) {
    points.push({ metric: `missing.${name}`, value: missing / values.length, detail: { missing } })
  }
  points.push(...outOfRange(name, reference, values))
  try {
    const result = columnDrift(reference, currentSource(reference, values), {
      ...(spec.thresholds?.[name]?.test ? { test: spec.thresholds[name].test } : {}),
      ...(spec.thresholds?.[name]?.threshold !== undefined
        ? { threshold: spec.thresholds[name].threshold }
        : {}),
    })
    points.push({ metric: `drift.${name}.score`, value: result.score, detail: { ...result } })
    points.push({ metric: `drift.${name}.drifted`, value: Number(result.isDrifted), detail: {} })
  } catch (err) {
    points.push({
      metric: `drift.${name}.skipped`,
      value: 1,
      detail: { reason: err instanceof Error ? err.message : String(err) },
    })
  }
  return points
}

/**
 * Data drift of a window's inputs from the reference profile, per feature (score and verdict,
 * with the per-feature test and threshold) and overall (the share of features that drifted);
 * prediction drift of `predictionField` against the reference column of the same name.
 */
export function driftPoints(
  rows: readonly LoggedRequest[],
  reference: DatasetProfile,
  spec: MonitorSpec,
): MonitorPoint[] {
  const byName = new Map(reference.columns.map((c) => [c.name, c]))
  const features = spec.features ?? reference.columns.map((c) => c.name)
  const points: MonitorPoint[] = []
  let tested = 0
  let drifted = 0
  for (const name of features) {
    const column = byName.get(name)
    const source = column && columnSource(column)
    if (source === undefined || name === spec.predictionField) continue
    const found = testColumn(name, source, valuesOf(rows, name, 'inputs'), spec)
    const verdict = found.find((p) => p.metric === `drift.${name}.drifted`)
    if (verdict) {
      tested++
      drifted += verdict.value
    }
    points.push(...found)
  }
  const share = tested === 0 ? 0 : drifted / tested
  points.push({ metric: 'drift.share', value: share, detail: { tested, drifted } })
  const predicted = spec.predictionField && byName.get(spec.predictionField)
  const predictedSource = predicted ? columnSource(predicted) : undefined
  if (spec.predictionField && predictedSource) {
    const values = valuesOf(rows, spec.predictionField, 'outputs')
    const found = testColumn(spec.predictionField, predictedSource, values, spec)
    points.push(
      ...found.map((p) => ({ ...p, metric: p.metric.replace(/^drift\./, 'prediction.') })),
    )
  }
  return points
}

import type { DriftTestName } from '../stats/index.js'

/** What a monitor watches. */
export type MonitorKind = 'drift' | 'performance' | 'operational' | 'quality'
export const MONITOR_KINDS: readonly MonitorKind[] = [
  'drift',
  'performance',
  'operational',
  'quality',
]

/** Per-feature drift settings: the test and threshold to use instead of the defaults. */
export interface FeatureDrift {
  readonly test?: DriftTestName | undefined
  readonly threshold?: number | undefined
}

/** Options of each kind; every field optional except where a kind cannot work without it. */
export interface MonitorSpec {
  /** drift: the dataset version the model was trained on (`name:3`), whose profile is the reference. */
  readonly reference?: string | undefined
  /** drift: features to test (default: every reference column found in the inputs). */
  readonly features?: readonly string[] | undefined
  /** drift: per-feature test and threshold. */
  readonly thresholds?: Readonly<Record<string, FeatureDrift>> | undefined
  /** drift: the output field whose drift is tested too (prediction drift). */
  readonly predictionField?: string | undefined
  /** performance: the output field holding the predicted label or value. */
  readonly labelField?: string | undefined
  /** performance: the output field holding the positive-class score (number or [p0, p1]). */
  readonly scoreField?: string | undefined
  /** quality: the stored data contract (`name` or `name:2`) the inputs must meet. */
  readonly contract?: string | undefined
  /** performance: classification (accuracy, AUC, ECE) or regression (RMSE, MAE). */
  readonly task?: 'classification' | 'regression' | undefined
}

/** A monitor: one deployment, one kind, a window length. */
export interface Monitor {
  readonly id: string
  readonly deployment: string
  readonly kind: MonitorKind
  readonly spec: MonitorSpec
  readonly windowMs: number
  readonly createdAtMs: number
  readonly createdBy: string
}

/** The window a run covers: `[startMs, endMs)`. */
export interface Window {
  readonly startMs: number
  readonly endMs: number
}

/** One point of a monitor's time series. */
export interface MonitorPoint {
  readonly metric: string
  readonly value: number
  readonly detail: Readonly<Record<string, unknown>>
}

/** A stored point, with its window. */
export interface MonitorResult extends MonitorPoint {
  readonly monitorId: string
  readonly windowStartMs: number
  readonly windowEndMs: number
  readonly computedAtMs: number
}

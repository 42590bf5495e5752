import uPlot from 'uplot'
import { metricValue, type Metric } from '../api'
import { ema } from './ema'

/** What the x axis shows: the step, the wall-clock time, or seconds since the first point. */
export type XMode = 'step' | 'time' | 'relative'

export interface ChartSeries {
  readonly label: string
  readonly color: string
  readonly points: readonly Metric[]
}

export interface ChartOptions {
  readonly xMode: XMode
  readonly isLog: boolean
  /** EMA weight in [0, 1): 0 draws the raw values only. */
  readonly smoothing: number
}

function xOf(point: Metric, mode: XMode, originMs: number): number {
  if (mode === 'step') return point.step ?? 0
  if (mode === 'time') return point.timestamp
  return (point.timestamp - originMs) / 1000
}

/** One series as sorted [x, raw y(, smoothed y)] columns. */
function table(series: ChartSeries, options: ChartOptions): uPlot.AlignedData {
  const { xMode, isLog, smoothing } = options
  const points = [...series.points].sort((a, b) =>
    xMode === 'step'
      ? (a.step ?? 0) - (b.step ?? 0) || a.timestamp - b.timestamp
      : a.timestamp - b.timestamp,
  )
  const originMs = points[0]?.timestamp ?? 0
  const xs = points.map((p) => xOf(p, xMode, originMs))
  // A log axis cannot place zero or negatives: leave a gap rather than a wrong point.
  const ys = points.map((p) => {
    const value = metricValue(p)
    return Number.isFinite(value) && !(isLog && value <= 0) ? value : null
  })
  return smoothing > 0 ? [xs, ys, ema(ys, smoothing)] : [xs, ys]
}

/**
 * Aligned columns for uPlot: one x column shared by every series. Several runs are outer-joined
 * on x, and the gaps that leaves are bridged (spanGaps) rather than drawn as breaks.
 */
export function chartData(
  series: readonly ChartSeries[],
  options: ChartOptions,
): uPlot.AlignedData {
  const tables = series.map((s) => table(s, options))
  return tables.length === 1 ? tables[0]! : uPlot.join(tables)
}

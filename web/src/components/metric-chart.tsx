import { useEffect, useMemo, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import { chartData, type ChartOptions, type ChartSeries, type XMode } from '../lib/chart-data'
import { formatNumber } from '../lib/format'
import { cssVar, useColorScheme } from '../lib/theme'

const HEIGHT_PX = 240
const X_LABELS: Record<XMode, string> = { step: 'step', time: 'time', relative: 'seconds' }

/** The legend shows the value under the cursor, and a dash where the series has none. */
function legendValue(_plot: uPlot, value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : formatNumber(value)
}

function seriesOptions(series: readonly ChartSeries[], smoothing: number): uPlot.Series[] {
  const out: uPlot.Series[] = []
  for (const s of series) {
    // Smoothed: the raw line stays as a faint trace under the smoothed one (TensorBoard-like).
    out.push({
      label: s.label,
      stroke: smoothing > 0 ? `${s.color}40` : s.color,
      width: smoothing > 0 ? 1 : 1.5,
      spanGaps: true,
      class: smoothing > 0 ? 'is-raw' : undefined,
      value: legendValue,
    })
    if (smoothing > 0) {
      out.push({
        label: s.label,
        stroke: s.color,
        width: 1.5,
        spanGaps: true,
        value: legendValue,
      })
    }
  }
  return out
}

function axis(stroke: string, grid: string): uPlot.Axis {
  return {
    stroke,
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1 },
    font: '11px system-ui, sans-serif',
  }
}

/**
 * Tick labels. A log axis has a tick at every 1–9 × 10^k: label only 1, 2 and 5 (or only the
 * powers of ten over many decades) so that labels do not overlap.
 */
function tickLabels(ticks: readonly (number | null)[], isLog: boolean): string[] {
  const present = ticks.filter((t): t is number => t !== null && t > 0)
  const decades = Math.log10(Math.max(...present) / Math.min(...present))
  const shown = decades > 2.5 ? [1] : [1, 2, 5]
  return ticks.map((t) => {
    if (t === null) return ''
    if (!isLog) return formatNumber(t)
    const mantissa = Math.round(t / Math.pow(10, Math.floor(Math.log10(t) + 1e-9)))
    return shown.includes(mantissa) ? formatNumber(t) : ''
  })
}

function plotOptions(
  series: readonly ChartSeries[],
  options: ChartOptions,
  widthPx: number,
): uPlot.Options {
  const text = cssVar('--muted')
  const grid = cssVar('--grid')
  const xLabel = X_LABELS[options.xMode]
  return {
    width: widthPx,
    height: HEIGHT_PX,
    ms: 1,
    scales: {
      x: { time: options.xMode === 'time' },
      y: { distr: options.isLog ? 3 : 1 },
    },
    axes: [
      { ...axis(text, grid), label: xLabel, labelSize: 20, labelFont: '11px system-ui' },
      { ...axis(text, grid), size: 60, values: (_u, ticks) => tickLabels(ticks, options.isLog) },
    ],
    series: [{ label: xLabel }, ...seriesOptions(series, options.smoothing)],
    cursor: { drag: { x: true, y: false } },
    legend: { live: true },
  }
}

/**
 * One metric of one or more runs on a uPlot canvas. uPlot draws 100,000 points per series
 * without stutter; drag to zoom, double-click to reset.
 */
export function MetricChart({
  title,
  series,
  options,
}: {
  title: string
  series: readonly ChartSeries[]
  options: ChartOptions
}) {
  const container = useRef<HTMLDivElement>(null)
  const scheme = useColorScheme()
  const data = useMemo(() => chartData(series, options), [series, options])
  useEffect(() => {
    const element = container.current
    if (!element) return
    const widthPx = () => Math.max(200, element.clientWidth)
    const plot = new uPlot(plotOptions(series, options, widthPx()), data, element)
    const observer = new ResizeObserver(() => plot.setSize({ width: widthPx(), height: HEIGHT_PX }))
    observer.observe(element)
    return () => {
      observer.disconnect()
      plot.destroy()
    }
  }, [data, options, series, scheme])
  return <div class="chart" ref={container} role="figure" aria-label={`Chart of ${title}`} />
}

import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { metricHistory, type RunInfo } from '../api'
import type { ChartOptions, XMode } from '../lib/chart-data'
import { useAsync } from '../lib/use-async'
import { setQuery } from '../router'
import { MetricChart } from './metric-chart'
import { EmptyState, ErrorState, Loading } from './states'

/** A run as the charts draw it. */
export interface ChartRun {
  readonly info: RunInfo
  readonly name: string
  readonly color: string
}

const X_MODES: readonly { id: XMode; label: string }[] = [
  { id: 'step', label: 'Step' },
  { id: 'time', label: 'Wall time' },
  { id: 'relative', label: 'Relative time' },
]

/** Chart settings from the URL (`x`, `log`, `smooth`), the same object while they stay put. */
export function useChartOptions(query: URLSearchParams): ChartOptions {
  const x = query.get('x')
  const xMode: XMode = x === 'time' || x === 'relative' ? x : 'step'
  const isLog = query.get('log') === '1'
  const smoothing = Math.min(0.999, Math.max(0, Number(query.get('smooth') ?? 0) || 0))
  return useMemo(() => ({ xMode, isLog, smoothing }), [xMode, isLog, smoothing])
}

/** The x-axis, log-scale and smoothing controls every chart on the page shares. */
export function ChartControls({ options }: { options: ChartOptions }) {
  return (
    <div class="chart-controls" role="group" aria-label="Chart settings">
      <fieldset class="segmented">
        <legend class="sr-only">X axis</legend>
        {X_MODES.map((m) => (
          <label key={m.id} class={options.xMode === m.id ? 'is-active' : ''}>
            <input
              type="radio"
              name="x-axis"
              value={m.id}
              checked={options.xMode === m.id}
              onChange={() => setQuery({ x: m.id === 'step' ? undefined : m.id })}
            />
            {m.label}
          </label>
        ))}
      </fieldset>
      <label class="check">
        <input
          type="checkbox"
          name="log-scale"
          checked={options.isLog}
          onChange={(e) => setQuery({ log: e.currentTarget.checked ? '1' : undefined })}
        />
        Log scale
      </label>
      <SmoothingSlider value={options.smoothing} />
    </div>
  )
}

function SmoothingSlider({ value }: { value: number }) {
  const [smoothing, setSmoothing] = useState(value)
  useEffect(() => setSmoothing(value), [value])
  useEffect(() => {
    // Re-drawing every chart on each slider tick would lag behind the thumb: wait for a pause.
    const timer = setTimeout(
      () => setQuery({ smooth: smoothing ? String(smoothing) : undefined }),
      150,
    )
    return () => clearTimeout(timer)
  }, [smoothing])
  return (
    <label class="slider">
      Smoothing
      <input
        type="range"
        name="smoothing"
        min={0}
        max={0.999}
        step={0.001}
        value={smoothing}
        onInput={(e) => setSmoothing(Number(e.currentTarget.value))}
      />
      <output>{smoothing.toFixed(3)}</output>
    </label>
  )
}

/** One card per metric key, each loading its history once it scrolls into view. */
export function MetricCharts({
  runs,
  keys,
  options,
}: {
  runs: readonly ChartRun[]
  keys: readonly string[]
  options: ChartOptions
}) {
  if (keys.length === 0) {
    return (
      <EmptyState title="No metrics logged">
        <p>
          Log some with <code>mlflow.log_metric("loss", value, step=step)</code>; they are charted
          here.
        </p>
      </EmptyState>
    )
  }
  return (
    <div class="chart-grid">
      {keys.map((key) => (
        <MetricCard key={key} metricKey={key} runs={runs} options={options} />
      ))}
    </div>
  )
}

function useVisible(): [{ current: HTMLElement | null }, boolean] {
  const ref = useRef<HTMLElement>(null)
  const [isVisible, setVisible] = useState(false)
  useEffect(() => {
    const element = ref.current
    if (!element || isVisible) return
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) setVisible(true)
      },
      { rootMargin: '200px' },
    )
    observer.observe(element)
    return () => observer.disconnect()
  }, [isVisible])
  return [ref, isVisible]
}

function MetricCard({
  metricKey,
  runs,
  options,
}: {
  metricKey: string
  runs: readonly ChartRun[]
  options: ChartOptions
}) {
  const [ref, isVisible] = useVisible()
  const history = useAsync(
    async (signal) =>
      isVisible
        ? Promise.all(runs.map((r) => metricHistory(r.info.run_id, metricKey, signal)))
        : undefined,
    [isVisible, metricKey, runs],
  )
  const series = useMemo(
    () =>
      (history.value ?? [])
        .map((points, i) => ({ label: runs[i]!.name, color: runs[i]!.color, points }))
        .filter((s) => s.points.length > 0),
    [history.value, runs],
  )
  const count = series.reduce((n, s) => n + s.points.length, 0)
  return (
    <section class="card chart-card" ref={ref} aria-label={`Metric ${metricKey}`}>
      <h3 class="chart-title">
        {metricKey}
        {count > 0 && <span class="muted"> · {count.toLocaleString('en-US')} points</span>}
      </h3>
      {history.status === 'error' && (
        <ErrorState
          error={history.error}
          title={`Could not load ${metricKey}`}
          retry={history.reload}
        />
      )}
      {(history.status === 'loading' || !history.value) && history.status !== 'error' && (
        <Loading label="Loading points…" />
      )}
      {history.value && series.length === 0 && <p class="muted">No points for these runs.</p>}
      {series.length > 0 && <MetricChart title={metricKey} series={series} options={options} />}
    </section>
  )
}

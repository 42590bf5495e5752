import type { Metric } from '../api'
import { MetricChart } from '../components/metric-chart'
import type { ChartOptions, ChartSeries } from '../lib/chart-data'
import { formatNumber, formatTime } from '../lib/format'
import { runColor } from '../lib/theme'
import type { MonitorResult } from '../monitoring-api'
import type { WatchedMonitor } from './monitor-detail-page'
import { PassFail } from '../components/pass-fail'

const TIME_AXIS: ChartOptions = { xMode: 'time', isLog: false, smoothing: 0 }
const DRIFT_SCORE = /^drift\.(.+)\.score$/

function points(results: readonly MonitorResult[], metric: string): Metric[] {
  return results
    .filter((r) => r.metric === metric)
    .map((r) => ({ key: metric, value: r.value, timestamp: r.window_end }))
}

function latest(results: readonly MonitorResult[], metric: string): MonitorResult | undefined {
  return results.filter((r) => r.metric === metric).at(-1)
}

/** Per feature: the drift score over time (one line each) and the latest verdict. */
export function DriftSection({ watched }: { watched: readonly WatchedMonitor[] }) {
  return (
    <section class="section" aria-labelledby="drift-title">
      <h2 id="drift-title">Drift per feature</h2>
      {watched.length === 0 && (
        <p class="muted">
          No drift monitor: add one with a reference dataset version to compare inputs against.
        </p>
      )}
      {watched.map((w) => (
        <DriftMonitor key={w.monitor.id} watched={w} />
      ))}
    </section>
  )
}

function DriftMonitor({ watched: { monitor, results } }: { watched: WatchedMonitor }) {
  const features = [
    ...new Set(results.map((r) => DRIFT_SCORE.exec(r.metric)?.[1]).filter((f) => f)),
  ] as string[]
  const reference = String(monitor.spec.reference ?? 'the reference')
  if (features.length === 0) {
    return (
      <p class="muted">
        Monitor {monitor.id} (against {reference}) has no closed window yet: windows of{' '}
        {monitor.window_seconds} s close as requests arrive.
      </p>
    )
  }
  const series: ChartSeries[] = features.map((f, i) => ({
    label: f,
    color: runColor(i),
    points: points(results, `drift.${f}.score`),
  }))
  return (
    <div class="card report">
      <p class="muted">
        Against {reference}, windows of {monitor.window_seconds} s
      </p>
      <MetricChart title="drift score per feature" series={series} options={TIME_AXIS} />
      <div class="table-scroll">
        <table class="table compact" aria-label={`Latest drift of monitor ${monitor.id}`}>
          <thead>
            <tr>
              <th scope="col">Feature</th>
              <th scope="col">Test</th>
              <th scope="col" class="end">
                Score
              </th>
              <th scope="col" class="end">
                Threshold
              </th>
              <th scope="col">Verdict</th>
              <th scope="col">Window end</th>
            </tr>
          </thead>
          <tbody>
            {features.map((f) => {
              const r = latest(results, `drift.${f}.score`)!
              const detail = r.detail as { test?: string; threshold?: number; isDrifted?: boolean }
              return (
                <tr key={f}>
                  <th scope="row">{f}</th>
                  <td>{detail.test ?? ''}</td>
                  <td class="end mono">{formatNumber(r.value)}</td>
                  <td class="end mono">{formatNumber(detail.threshold)}</td>
                  <td>
                    <PassFail ok={!detail.isDrifted} yes="stable" no="drifted" />
                  </td>
                  <td>{formatTime(r.window_end)}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
    </div>
  )
}

/** Every metric of some monitors over time, one chart each (overall, not per version). */
export function SeriesSection({
  id,
  title,
  watched,
  empty,
}: {
  id: string
  title: string
  watched: readonly WatchedMonitor[]
  empty: string
}) {
  const charts = watched.flatMap(({ monitor, results }) => {
    const metrics = [...new Set(results.map((r) => r.metric))].filter((m) => !/^v\d+\./.test(m))
    return metrics.map((metric) => ({ key: `${monitor.id}/${metric}`, metric, results }))
  })
  return (
    <section class="section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {watched.length === 0 && <p class="muted">{empty}</p>}
      {watched.length > 0 && charts.length === 0 && <p class="muted">No window has closed yet.</p>}
      <div class="chart-grid">
        {charts.map((c) => (
          <section class="card chart-card" key={c.key}>
            <h3 class="chart-title">{c.metric}</h3>
            <MetricChart
              title={c.metric}
              series={[
                { label: c.metric, color: runColor(0), points: points(c.results, c.metric) },
              ]}
              options={TIME_AXIS}
            />
          </section>
        ))}
      </div>
    </section>
  )
}

import type { LoggedRequest } from '../serving/index.js'
import type { MonitorPoint, Window } from './monitor.js'

/** The q-quantile of ascending values, by linear interpolation (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo)
}

/**
 * Latency percentiles, throughput and error rate of a window, overall and per version (the
 * `v<N>.` prefix), so a canary's numbers are seen apart from the stable version's.
 */
export function operationalPoints(rows: readonly LoggedRequest[], window: Window): MonitorPoint[] {
  const groups = new Map<string, LoggedRequest[]>([['', [...rows]]])
  for (const row of rows) {
    const key = `v${row.version}.`
    const group = groups.get(key)
    if (group) group.push(row)
    else groups.set(key, [row])
  }
  const seconds = (window.endMs - window.startMs) / 1000
  const points: MonitorPoint[] = []
  for (const [prefix, group] of groups) {
    const latencies = group.map((r) => r.latencyMs).sort((a, b) => a - b)
    const errors = group.filter((r) => r.status === 'error').length
    const detail = { requests: group.length, errors }
    points.push({ metric: `${prefix}requests`, value: group.length, detail })
    points.push({ metric: `${prefix}throughput_rps`, value: group.length / seconds, detail })
    if (group.length === 0) continue
    points.push({ metric: `${prefix}error_rate`, value: errors / group.length, detail })
    for (const q of [50, 95, 99]) {
      points.push({ metric: `${prefix}latency_p${q}`, value: quantile(latencies, q / 100), detail })
    }
  }
  return points
}

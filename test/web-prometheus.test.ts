import { describe, expect, it } from 'vitest'
import { ServingMetrics, type RuntimeGauges } from '../src/serving/serving-metrics.js'
import { bucketQuantileMs, parseServingMetrics } from '../web/src/lib/prometheus.js'

/*
 * The deployments page reads traffic out of `/metrics`: parse the server's own exposition, so a
 * change of metric or label names breaks here rather than as blank cells in the browser.
 */

const GAUGES: RuntimeGauges = {
  loaded: [],
  weights: [],
  shadows: [],
  log: { written: 0, dropped: 0, failed: 0 },
  workers: [
    { role: 'primary', up: false, calls: 0, runs: 0 },
    { role: 'shadow', up: false, calls: 0, runs: 0 },
  ],
}

describe('the dashboard’s /metrics reader', () => {
  it('reads requests, errors and latency per version and variant of one deployment', () => {
    const metrics = new ServingMetrics()
    const stable = metrics.series('churn', 'churn', 1, 'stable')
    for (let i = 0; i < 90; i++) stable.record('mlflow', 200, 0.003, 1)
    for (let i = 0; i < 10; i++) stable.record('v2', 200, 0.2, 1)
    const canary = metrics.series('churn', 'churn', 2, 'canary')
    canary.record('mlflow', 200, 0.004, 1)
    canary.record('mlflow', 500, 0.004, 1)
    metrics.series('fraud', 'fraud', 7, 'stable').record('mlflow', 200, 0.001, 1)

    const counters = parseServingMetrics(metrics.render(GAUGES, 'test'), 'churn')
    const byKey = new Map(counters.map((c) => [`${c.version}/${c.variant}`, c]))
    expect([...byKey.keys()].sort()).toEqual(['1/stable', '2/canary'])
    expect(byKey.get('1/stable')).toMatchObject({ requests: 100, errors: 0 })
    expect(byKey.get('2/canary')).toMatchObject({ requests: 2, errors: 1 })
    // Latency counts both protocols' histograms; failed calls are not timed.
    const buckets = byKey.get('1/stable')!.buckets
    expect(buckets.at(-1)).toEqual([Infinity, 100])
    expect(bucketQuantileMs(buckets, 0.5)).toBeGreaterThan(2.5)
    expect(bucketQuantileMs(buckets, 0.5)).toBeLessThanOrEqual(5)
    expect(bucketQuantileMs(buckets, 0.99)).toBeGreaterThan(100)
    expect(bucketQuantileMs(buckets, 0.99)).toBeLessThanOrEqual(250)
    expect(bucketQuantileMs(byKey.get('2/canary')!.buckets, 0.5)).toBeLessThanOrEqual(5)
  })

  it('finds nothing for a deployment without traffic', () => {
    const text = new ServingMetrics().render(GAUGES, 'test')
    expect(parseServingMetrics(text, 'churn')).toEqual([])
    expect(bucketQuantileMs([], 0.5)).toBeUndefined()
  })
})

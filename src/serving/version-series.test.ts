import { describe, expect, it } from 'vitest'
import { predictionDrift, type ProfileTotals } from './prediction-profile.js'
import { PromText } from './prometheus-text.js'
import { VersionSeries, windowStats } from './version-series.js'

describe('metrics windows', () => {
  it('counts model failures as errors, not bad input, and estimates p99 by bucket bound', () => {
    const s = new VersionSeries('d', 'm', 1, 'canary')
    const before = s.totals()
    for (let i = 0; i < 198; i++) s.record('mlflow', 200, 0.002, 1)
    s.record('mlflow', 200, 0.3, 1)
    s.record('v2', 400, 0.0001, 0)
    s.record('v2', 500, 0.001, 0)
    expect(windowStats(before, s.totals())).toEqual({ requests: 201, errors: 1, latencyMs: 2.5 })
    expect(windowStats(before, s.totals(), 1)).toMatchObject({ latencyMs: 500 })
    expect(s.rows).toBe(199)
  })
})

describe('prediction drift', () => {
  const classes = (counts: Record<string, number>): ProfileTotals => ({
    classes: new Map(Object.entries(counts)),
    n: 0,
    sum: 0,
    sumSq: 0,
  })
  it('is the total variation distance of class shares', () => {
    expect(
      predictionDrift({ to: classes({ a: 50, b: 50 }) }, { to: classes({ a: 50, b: 50 }) }),
    ).toBe(0)
    expect(predictionDrift({ to: classes({ a: 100 }) }, { to: classes({ b: 10 }) })).toBe(1)
    expect(
      predictionDrift({ to: classes({ a: 75, b: 25 }) }, { to: classes({ a: 50, b: 50 }) }),
    ).toBeCloseTo(0.25)
  })
  it('is the mean shift in standard deviations for values, over the window only', () => {
    const values = (n: number, mean: number, sd: number): ProfileTotals => ({
      classes: new Map(),
      n,
      sum: n * mean,
      sumSq: n * (sd * sd + mean * mean),
    })
    expect(predictionDrift({ to: values(100, 12, 2) }, { to: values(100, 10, 2) })).toBeCloseTo(1)
    const earlier = values(100, 10, 2)
    const later = { ...values(200, 11, 2) }
    expect(predictionDrift({ from: earlier, to: later }, { from: earlier, to: later })).toBeCloseTo(
      0,
    )
  })
})

describe('Prometheus text', () => {
  it('escapes label values and writes cumulative buckets ending at +Inf', () => {
    const text = new PromText()
      .family('x_total', 'counter', 'A "count"')
      .sample('x_total', { d: 'a"b\\c\nd' }, 3)
      .histogram('h_seconds', { d: 'a' }, [0.1, 1], [2, 3, 1], 4.5)
      .toString()
    expect(text).toBe(
      [
        '# HELP x_total A "count"',
        '# TYPE x_total counter',
        'x_total{d="a\\"b\\\\c\\nd"} 3',
        'h_seconds_bucket{d="a",le="0.1"} 2',
        'h_seconds_bucket{d="a",le="1"} 5',
        'h_seconds_bucket{d="a",le="+Inf"} 6',
        'h_seconds_sum{d="a"} 4.5',
        'h_seconds_count{d="a"} 6',
        '',
      ].join('\n'),
    )
  })
})

import * as ort from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'
import { ServingMetrics, type RuntimeGauges } from './serving-metrics.js'
import { ShadowSummary } from './shadow-summary.js'

const labels = (values: string[]) =>
  new Map([['label', new ort.Tensor('string', values, [values.length])]])
const scores = (values: number[]) =>
  new Map([['variable', new ort.Tensor('float32', Float32Array.from(values), [values.length, 1])]])

const gauges = (summary: ShadowSummary): RuntimeGauges => ({
  loaded: [],
  weights: [],
  shadows: [{ deployment: 'd', ...summary.toJSON() }],
  log: { written: 0, dropped: 0, failed: 0 },
  workers: [
    { role: 'primary', up: true, calls: 0, runs: 0 },
    { role: 'shadow', up: true, calls: 0, runs: 0 },
  ],
})

describe('shadow summary', () => {
  it('counts rows where a class shadow agrees with the primary', () => {
    const summary = new ShadowSummary(2)
    summary.compare(labels(['a', 'b', 'a']), labels(['a', 'a', 'a']))
    summary.compare(labels(['b']), labels(['b']))
    expect(summary.toJSON()).toMatchObject({
      calls: 2,
      comparedRows: 4,
      agreedRows: 3,
      agreement: 0.75,
      meanAbsDifference: null,
    })
    const text = new ServingMetrics().render(gauges(summary), 'test')
    expect(text).toContain('lathe_shadow_rows_total{deployment="d",version="2",result="agree"} 3')
    expect(text).not.toContain('lathe_shadow_abs_difference{')
  })

  it('summarises value shadows by their absolute differences, not agreement', () => {
    const summary = new ShadowSummary(2)
    summary.compare(scores([1, 2, 3]), scores([1.5, 2, 2]))
    expect(summary.toJSON()).toMatchObject({
      comparedRows: 3,
      agreement: null,
      meanAbsDifference: 0.5,
      maxAbsDifference: 1,
    })
    const text = new ServingMetrics().render(gauges(summary), 'test')
    expect(text).toContain(
      'lathe_shadow_abs_difference{deployment="d",version="2",stat="mean"} 0.5',
    )
    expect(text).toContain('lathe_shadow_abs_difference{deployment="d",version="2",stat="max"} 1')
    expect(text).not.toContain('lathe_shadow_rows_total{')
  })
})

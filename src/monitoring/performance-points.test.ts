import { describe, expect, it } from 'vitest'
import type { LoggedRequest } from '../serving/index.js'
import { operationalPoints } from './operational-points.js'
import { performancePoints, type Feedback } from './performance-points.js'

function logged(i: number, output: Record<string, unknown>, status: 'ok' | 'error' = 'ok') {
  return {
    id: i + 1,
    requestId: `r${i}`,
    deployment: 'd',
    version: 1 + (i % 2),
    variant: 'stable',
    timestampMs: 1000 + i,
    inputs: [{}],
    outputs: [output],
    latencyMs: 10 * (i + 1),
    status,
  } satisfies LoggedRequest
}

const feedback = (labels: unknown[]) =>
  new Map<string, Feedback>(
    labels.map((l, i) => [
      `r${i}`,
      { requestId: `r${i}`, labels: [l as number], receivedAtMs: 5000 + i },
    ]),
  )

describe('performancePoints', () => {
  it('scores a binary classifier: accuracy, AUC and ECE from the positive-class score, with the lag', () => {
    const rows = [0.9, 0.2, 0.7, 0.4].map((p, i) =>
      logged(i, { label: p > 0.5 ? 1 : 0, proba: [1 - p, p] }),
    )
    const points = performancePoints(rows, feedback([1, 0, 0, 0]), { scoreField: 'proba' })
    const value = (m: string) => points.find((p) => p.metric === m)?.value
    expect(value('accuracy')).toBe(0.75)
    expect(value('auc')).toBe(1)
    expect(value('ece')).toBeCloseTo((0.1 + 0.2 + 0.7 + 0.4) / 4, 12)
    expect(points[0]!.detail).toMatchObject({ labelled: 4, lagMsMean: 4000, lagMsMax: 4000 })
  })

  it('scores a regressor and leaves out rows without feedback', () => {
    const rows = [1, 2, 3].map((y, i) => logged(i, { label: y }))
    const points = performancePoints(rows, feedback([2, 2]), { task: 'regression' })
    const value = (m: string) => points.find((p) => p.metric === m)?.value
    expect(value('labelled')).toBe(2)
    expect(value('rmse')).toBeCloseTo(Math.sqrt(0.5), 12)
    expect(value('mae')).toBe(0.5)
  })
})

describe('operationalPoints', () => {
  it('gives percentiles, throughput and error rate overall and per version', () => {
    const rows = [0, 1, 2, 3].map((i) => logged(i, {}, i === 3 ? 'error' : 'ok'))
    const points = operationalPoints(rows, { startMs: 0, endMs: 2000 })
    const value = (m: string) => points.find((p) => p.metric === m)?.value
    expect(value('throughput_rps')).toBe(2)
    expect(value('error_rate')).toBe(0.25)
    expect(value('latency_p50')).toBe(25)
    expect(value('v2.requests')).toBe(2)
    expect(value('v2.error_rate')).toBe(0.5)
  })
})

import { describe, expect, it } from 'vitest'
import { parseContract } from '../data/index.js'
import type { LoggedRequest } from '../serving/index.js'
import { qualityPoints } from './quality-points.js'

const contract = parseContract({
  name: 'weather',
  allowExtraColumns: false,
  columns: {
    temp: { type: 'float', nullable: false, min: -40, max: 50 },
    sky: { type: 'string', allowed: ['sun', 'rain'] },
    label: { type: 'string' },
  },
})

function logged(inputs: Record<string, unknown>[]): LoggedRequest {
  return {
    id: 1,
    requestId: 'r',
    deployment: 'd',
    version: 1,
    variant: 'stable',
    timestampMs: 0,
    inputs,
    outputs: null,
    latencyMs: 1,
    status: 'ok',
  }
}

describe('qualityPoints', () => {
  it('counts missing, wrong-type, out-of-range, not-allowed values and extra columns', () => {
    const rows = [
      logged([
        { temp: 10, sky: 'sun' },
        { temp: null, sky: 'rain' },
        { temp: 'warm', sky: 'sun' },
      ]),
      logged([
        { temp: 99, sky: 'fog' },
        { temp: 5, sky: 'sun', extra: 1 },
      ]),
    ]
    const points = Object.fromEntries(qualityPoints(rows, contract).map((p) => [p.metric, p.value]))
    expect(points).toEqual({
      'quality.temp.missing': 0.2,
      'quality.temp.wrong_type': 0.2,
      'quality.temp.out_of_range': 0.2,
      'quality.temp.not_allowed': 0,
      'quality.sky.missing': 0,
      'quality.sky.wrong_type': 0,
      'quality.sky.out_of_range': 0,
      'quality.sky.not_allowed': 0.2,
      'quality.violation_share': 0.8,
    })
  })

  it('gives an empty window a zero share, and skips columns the model is not sent', () => {
    expect(qualityPoints([], contract)).toEqual([
      {
        metric: 'quality.violation_share',
        value: 0,
        detail: { rows: 0, violating: 0, extraColumns: [], checked: [] },
      },
    ])
  })
})

import { describe, expect, it } from 'vitest'
import { checkPolicy, gateName, type Gate } from './gate.js'

describe('gateName', () => {
  it('derives a readable name from the definition unless one is given', () => {
    const gates: Gate[] = [
      { kind: 'metric', metric: 'auc', op: '>=', threshold: 0.8 },
      { kind: 'baseline', metric: 'f1', dataset: 'holdout', maxDrop: 0.01 },
      {
        kind: 'fairness',
        metric: 'demographic_parity_difference',
        sensitiveColumn: 'sex',
        max: 0.1,
      },
      { kind: 'calibration', maxEce: 0.05 },
      { kind: 'smoke_test', name: 'runs' },
    ]
    expect(gates.map(gateName)).toEqual([
      'metric:auc>=0.8',
      'baseline:f1@holdout',
      'fairness:demographic_parity_difference(sex)',
      'calibration:ece',
      'runs',
    ])
  })
})

describe('checkPolicy', () => {
  const policy = (gates: Gate[]) => ({ gates, protectedAliases: [], approvalAliases: [] })

  it('refuses two gates with one name', () => {
    expect(() => checkPolicy(policy([{ kind: 'signature' }, { kind: 'signature' }]))).toThrow(
      "Gate name 'signature' is used twice",
    )
  })

  it('refuses bounds that are not finite or below their minimum', () => {
    expect(() => checkPolicy(policy([{ kind: 'calibration', maxEce: -1 }]))).toThrow(
      "Gate 'calibration:ece': maxEce must be a finite number of at least 0, got -1",
    )
    const nan: Gate = { kind: 'metric', metric: 'x', op: '<', threshold: Number.NaN }
    expect(() => checkPolicy(policy([nan]))).toThrow('threshold must be a finite number')
    expect(() => checkPolicy(policy([{ kind: 'calibration', maxEce: 0.1, bins: 0 }]))).toThrow(
      'bins must be a finite number of at least 1',
    )
  })
})

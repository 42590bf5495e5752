import { describe, expect, it } from 'vitest'
import { predictionMetrics } from './prediction-metrics.js'

describe('predictionMetrics', () => {
  it('scores binary classifiers', () => {
    const metrics = predictionMetrics({
      task: 'classification',
      labels: [1, 1, 0, 0],
      predicted: [1, 0, 1, 0],
      probabilities: [0.9, 0.4, 0.6, 0.1],
      columns: {},
    })
    expect(metrics).toMatchObject({ accuracy: 0.5, precision: 0.5, recall: 0.5, f1: 0.5 })
    const logLoss = -(Math.log(0.9) + Math.log(0.4) + Math.log(0.4) + Math.log(0.9)) / 4
    expect(metrics.log_loss).toBeCloseTo(logLoss, 12)
  })

  it('gives 0 precision and recall when nothing is predicted or present', () => {
    const metrics = predictionMetrics({
      task: 'classification',
      labels: [0, 0],
      predicted: [0, 0],
      columns: {},
    })
    expect(metrics).toEqual({ accuracy: 1, precision: 0, recall: 0, f1: 0 })
  })

  it('scores regressors', () => {
    const metrics = predictionMetrics({
      task: 'regression',
      labels: [1, 2, 3],
      predicted: [1, 2, 5],
      columns: {},
    })
    expect(metrics.rmse).toBeCloseTo(Math.sqrt(4 / 3), 12)
    expect(metrics.mae).toBeCloseTo(2 / 3, 12)
    expect(metrics.r2).toBeCloseTo(1 - 4 / 2, 12)
  })
})

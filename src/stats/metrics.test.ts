import { describe, expect, it } from 'vitest'
import { accuracy, precisionRecallF1 } from './classification-metrics.js'
import { confusionMatrix } from './confusion-matrix.js'
import { expectedCalibrationError } from './expected-calibration-error.js'
import { expectClose, readFixture } from './fixtures/golden.js'
import { brierScore, logLoss } from './probability-metrics.js'
import { mae, r2, rmse } from './regression-metrics.js'
import { rocAuc, rocAucOneVsRest } from './roc-auc.js'

interface Scores {
  precision: number
  recall: number
  f1: number
}

interface MetricsFixture {
  binary: {
    yTrue: number[]
    yPred: number[]
    score: number[]
    accuracy: number
    precision: number
    recall: number
    f1: number
    confusion: number[][]
    rocAuc: number
    logLoss: number
    brier: number
    ece10: number
    ece15: number
  }
  multiclass: {
    yTrue: number[]
    yPred: number[]
    probabilities: number[][]
    accuracy: number
    confusion: number[][]
    rocAucOvr: number
    logLoss: number
    macro: Scores
    weighted: Scores
    micro: Scores
    eceTopLabel: number
  }
  regression: { yTrue: number[]; yPred: number[]; rmse: number; mae: number; r2: number }
}

const golden = readFixture<MetricsFixture>('metrics.json')

describe('binary classification metrics against scikit-learn', () => {
  const b = golden.binary

  it('accuracy, precision, recall, F1 and the confusion matrix', () => {
    expectClose(accuracy(b.yTrue, b.yPred), b.accuracy)
    const scores = precisionRecallF1(b.yTrue, b.yPred)
    expectClose(scores.precision, b.precision)
    expectClose(scores.recall, b.recall)
    expectClose(scores.f1, b.f1)
    expect(confusionMatrix(b.yTrue, b.yPred)).toEqual({ labels: [0, 1], matrix: b.confusion })
  })

  it('ROC-AUC (with tied scores), log loss and Brier score', () => {
    expectClose(
      rocAuc(
        b.yTrue.map((y) => y === 1),
        b.score,
      ),
      b.rocAuc,
    )
    expectClose(logLoss(b.yTrue, b.score), b.logLoss)
    expectClose(brierScore(b.yTrue, b.score), b.brier)
  })

  it('expected calibration error (numpy reference, 10 and 15 bins)', () => {
    expectClose(expectedCalibrationError(b.yTrue, b.score), b.ece10)
    expectClose(expectedCalibrationError(b.yTrue, b.score, { bins: 15 }), b.ece15)
  })
})

describe('multiclass metrics against scikit-learn', () => {
  const m = golden.multiclass

  it.each(['macro', 'weighted', 'micro'] as const)('%s precision, recall and F1', (average) => {
    const scores = precisionRecallF1(m.yTrue, m.yPred, { average })
    expectClose(scores.precision, m[average].precision)
    expectClose(scores.recall, m[average].recall)
    expectClose(scores.f1, m[average].f1)
  })

  it('accuracy, confusion matrix, one-vs-rest ROC-AUC and log loss', () => {
    expectClose(accuracy(m.yTrue, m.yPred), m.accuracy)
    expect(confusionMatrix(m.yTrue, m.yPred).matrix).toEqual(m.confusion)
    expectClose(rocAucOneVsRest(m.yTrue, m.probabilities), m.rocAucOvr)
    expectClose(logLoss(m.yTrue, m.probabilities), m.logLoss)
  })

  it('top-label expected calibration error', () => {
    const correct = m.yPred.map((p, i) => (p === m.yTrue[i] ? 1 : 0))
    const confidence = m.probabilities.map((row) => Math.max(...row))
    expectClose(expectedCalibrationError(correct, confidence), m.eceTopLabel)
  })
})

describe('regression metrics against scikit-learn', () => {
  const r = golden.regression

  it('RMSE, MAE and R²', () => {
    expectClose(rmse(r.yTrue, r.yPred), r.rmse)
    expectClose(mae(r.yTrue, r.yPred), r.mae)
    expectClose(r2(r.yTrue, r.yPred), r.r2)
  })

  it('R² of a constant target is 1 if predicted exactly, else 0 (force_finite)', () => {
    expect(r2([2, 2], [2, 2])).toBe(1)
    expect(r2([2, 2], [1, 2])).toBe(0)
  })
})

describe('metric edge cases', () => {
  it('refuses empty or mismatched inputs and undefined AUCs', () => {
    expect(() => accuracy([], [])).toThrow(/at least one sample/)
    expect(() => rmse([1, 2], [1])).toThrow(/same length/)
    expect(() => rocAuc([1, 1], [0.2, 0.4])).toThrow(/both classes/)
    expect(() => precisionRecallF1(['a', 'b'], ['a', 'a'])).toThrow(/positive label 1/)
    expect(() => precisionRecallF1([0, 1, 2], [0, 1, 2])).toThrow(/'macro'/)
  })

  it('scores 0 where scikit-learn divides by zero (zero_division=0)', () => {
    expect(precisionRecallF1([0, 0], [0, 0])).toEqual({ precision: 0, recall: 0, f1: 0 })
  })
})

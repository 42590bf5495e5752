import { describe, expect, it } from 'vitest'
import { expectedCalibrationError } from './calibration.js'

describe('expectedCalibrationError', () => {
  it('is 0 for calibrated probabilities', () => {
    expect(expectedCalibrationError([0, 0, 1, 1], [0, 0, 1, 1])).toBe(0)
    expect(expectedCalibrationError([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0])).toBe(0)
  })

  it('weighs each bin’s gap by its share of rows', () => {
    expect(expectedCalibrationError([0.8, 0.8, 0.8, 0.8], [1, 0, 0, 0])).toBeCloseTo(0.55, 12)
    // Half the rows in a perfect bin, half in a bin off by 0.4.
    expect(expectedCalibrationError([0, 0, 0.9, 0.9], [0, 0, 0, 1])).toBeCloseTo(0.2, 12)
  })

  it('puts p = 1 in the last bin, clips out-of-range values, and is NaN for no rows', () => {
    expect(expectedCalibrationError([1, 1], [1, 1], 4)).toBe(0)
    expect(expectedCalibrationError([1.5, -0.5], [1, 0])).toBe(0)
    expect(expectedCalibrationError([], [])).toBeNaN()
  })
})

/**
 * Expected calibration error of binary probabilities: rows fall into `bins` equal-width bins of
 * predicted probability; each bin adds its share of rows times |observed positive rate − mean
 * predicted probability|. 0 is perfectly calibrated; NaN for no rows.
 */
export function expectedCalibrationError(
  probabilities: readonly number[],
  labels: readonly number[],
  bins = 10,
): number {
  if (probabilities.length === 0) return Number.NaN
  const count = new Array<number>(bins).fill(0)
  const sumProbability = new Array<number>(bins).fill(0)
  const positives = new Array<number>(bins).fill(0)
  for (let row = 0; row < probabilities.length; row++) {
    const p = Math.min(Math.max(probabilities[row]!, 0), 1)
    // p = 1 belongs to the last bin, not to a bin of its own.
    const bin = Math.min(Math.floor(p * bins), bins - 1)
    count[bin]! += 1
    sumProbability[bin]! += p
    if (labels[row] === 1) positives[bin]! += 1
  }
  let ece = 0
  for (let bin = 0; bin < bins; bin++) {
    const n = count[bin]!
    if (n === 0) continue
    ece += (n / probabilities.length) * Math.abs(positives[bin]! / n - sumProbability[bin]! / n)
  }
  return ece
}

/**
 * Exponential moving average with TensorBoard's debiasing, so the first points are not pulled
 * towards zero. `weight` 0 returns the values unchanged; non-finite values pass through and
 * do not poison the average.
 */
export function ema(values: ArrayLike<number | null>, weight: number): (number | null)[] {
  const out = new Array<number | null>(values.length)
  let last = 0
  let count = 0
  for (let i = 0; i < values.length; i++) {
    const value = values[i] ?? null
    if (value === null || !Number.isFinite(value)) {
      out[i] = value
      continue
    }
    last = last * weight + (1 - weight) * value
    count++
    out[i] = weight === 0 ? value : last / (1 - Math.pow(weight, count))
  }
  return out
}

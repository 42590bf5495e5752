import type { Frame } from './frame.js'
import { createRandom } from './random.js'

/** Options of `makeTabularFrame`. */
export interface TabularFrameOptions {
  /** Rows to generate. */
  readonly rows: number
  /** Generator seed. Default 1. */
  readonly seed?: number
  /** Class count of the `label` column (strings 'c0', 'c1', ...). Default 3. */
  readonly classes?: number
  /** Share of `x3` values left missing (NaN). Default 0.05. */
  readonly missing?: number
  /** Standard deviation of the noise added to the latent scores. Default 0.5. */
  readonly noise?: number
}

/**
 * A deterministic synthetic table for tests: numeric `x1`, `x2`, `x3` (with missing values),
 * string `city` (a, b, c), a class `label` and a numeric `y`, both linear in the features
 * plus Gaussian noise.
 */
export function makeTabularFrame(options: TabularFrameOptions): Frame {
  const random = createRandom(options.seed ?? 1)
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
  const classes = options.classes ?? 3
  const noise = options.noise ?? 0.5
  const cities = ['a', 'b', 'c']
  const x1 = new Float64Array(options.rows)
  const x2 = new Float64Array(options.rows)
  const x3 = new Float64Array(options.rows)
  const y = new Float64Array(options.rows)
  const city: string[] = []
  const label: string[] = []
  for (let row = 0; row < options.rows; row++) {
    x1[row] = gaussian() * 2 + 1
    x2[row] = gaussian()
    const third = gaussian() * 0.5 - 3
    x3[row] = random() < (options.missing ?? 0.05) ? NaN : third
    const cityIndex = Math.floor(random() * cities.length)
    city.push(cities[cityIndex] ?? 'a')
    const scores = Array.from(
      { length: classes },
      (_, k) =>
        Math.cos(k) * (x1[row] ?? 0) +
        Math.sin(k * 2) * 2 * (x2[row] ?? 0) +
        (k === cityIndex ? 1 : 0) +
        noise * gaussian(),
    )
    label.push(`c${scores.indexOf(Math.max(...scores))}`)
    y[row] = 3 * (x1[row] ?? 0) - 2 * (x2[row] ?? 0) + 0.5 * third + cityIndex + noise * gaussian()
  }
  return { x1, x2, x3, city, label, y }
}

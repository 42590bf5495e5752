import type * as ort from 'onnxruntime-node'

const MAX_CLASSES = 100

/** What one variant predicted so far: class counts, or the sum and sum of squares of values. */
export interface ProfileTotals {
  readonly classes: ReadonlyMap<string, number>
  readonly n: number
  readonly sum: number
  readonly sumSq: number
}

/** A running summary of one output's predictions, for drift between two versions. */
export class PredictionProfile {
  readonly #classes = new Map<string, number>()
  #n = 0
  #sum = 0
  #sumSq = 0

  /** Adds a batch of predictions (the first output: labels or values). */
  add(tensor: ort.Tensor | undefined): void {
    if (!tensor) return
    const data = tensor.data as ArrayLike<unknown>
    if (tensor.type === 'float32' || tensor.type === 'float64') {
      for (let i = 0; i < data.length; i++) {
        const v = data[i] as number
        if (!Number.isFinite(v)) continue
        this.#n++
        this.#sum += v
        this.#sumSq += v * v
      }
      return
    }
    for (let i = 0; i < data.length; i++) {
      const label = String(data[i])
      const key = this.#classes.has(label) || this.#classes.size < MAX_CLASSES ? label : '(other)'
      this.#classes.set(key, (this.#classes.get(key) ?? 0) + 1)
    }
  }

  totals(): ProfileTotals {
    return { classes: new Map(this.#classes), n: this.#n, sum: this.#sum, sumSq: this.#sumSq }
  }
}

function minus(to: ProfileTotals, from: ProfileTotals | undefined): ProfileTotals {
  const classes = new Map<string, number>()
  for (const [k, v] of to.classes) classes.set(k, v - (from?.classes.get(k) ?? 0))
  return {
    classes,
    n: to.n - (from?.n ?? 0),
    sum: to.sum - (from?.sum ?? 0),
    sumSq: to.sumSq - (from?.sumSq ?? 0),
  }
}

function totalVariation(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  const sumA = [...a.values()].reduce((x, y) => x + y, 0)
  const sumB = [...b.values()].reduce((x, y) => x + y, 0)
  if (sumA === 0 || sumB === 0) return 0
  let distance = 0
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    distance += Math.abs((a.get(key) ?? 0) / sumA - (b.get(key) ?? 0) / sumB)
  }
  return distance / 2
}

/**
 * Drift of a candidate's predictions from the stable version's over the same window: the total
 * variation distance of class frequencies (0..1), or for values the shift of the mean in
 * standard deviations of the stable version's values.
 */
export function predictionDrift(
  candidate: { from?: ProfileTotals | undefined; to: ProfileTotals },
  stable: { from?: ProfileTotals | undefined; to: ProfileTotals },
): number {
  const c = minus(candidate.to, candidate.from)
  const s = minus(stable.to, stable.from)
  if (c.classes.size > 0 || s.classes.size > 0) return totalVariation(c.classes, s.classes)
  if (c.n === 0 || s.n === 0) return 0
  const meanS = s.sum / s.n
  const std = Math.sqrt(Math.max(s.sumSq / s.n - meanS * meanS, 0))
  return Math.abs(c.sum / c.n - meanS) / (std || 1)
}

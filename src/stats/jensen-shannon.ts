import { binnedProportions } from './binned-proportions.js'
import type { ColumnSource, DriftScore, DriftTest } from './drift-test.js'
import { requireValues } from './drift-test.js'
import { NeumaierSum } from './neumaier-sum.js'

/** scipy.special.rel_entr: x ln(x/y), 0 at x = 0, +∞ where y = 0 < x. */
function relativeEntropy(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y)
  if (x === 0 && y >= 0) return 0
  return Infinity
}

function sum(values: ArrayLike<number>): number {
  const total = new NeumaierSum()
  for (let i = 0; i < values.length; i++) total.add(values[i] ?? 0)
  return total.value
}

/**
 * scipy.spatial.distance.jensenshannon(p, q) with base e: √(½ KL(p‖m) + ½ KL(q‖m)), m = (p+q)/2,
 * after normalizing p and q to sum 1. Ranges over [0, √ln 2 ≈ 0.8326].
 */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const sp = sum(p)
  const sq = sum(q)
  const left = new NeumaierSum()
  const right = new NeumaierSum()
  for (let i = 0; i < p.length; i++) {
    const pi = (p[i] ?? 0) / sp
    const qi = (q[i] ?? 0) / sq
    const m = (pi + qi) / 2
    left.add(relativeEntropy(pi, m))
    right.add(relativeEntropy(qi, m))
  }
  return Math.sqrt((left.value + right.value) / 2)
}

/**
 * Jensen–Shannon distance between the binned distributions, without zero fill (evidently
 * jensenshannon.py: scipy with base=None, i.e. natural log). Drift when ≥ 0.1.
 */
export function jensenShannon(reference: ColumnSource, current: ColumnSource): DriftScore {
  requireValues(reference, current, 'jensenshannon')
  const p = binnedProportions(reference, current, { fillZeros: false })
  return { statistic: jensenShannonDistance(p.reference, p.current) }
}

/** Registry entry for {@link jensenShannon}. */
export const jensenShannonTest: DriftTest = {
  name: 'jensenshannon',
  displayName: 'Jensen-Shannon distance',
  columnKinds: ['categorical', 'numerical'],
  defaultThreshold: 0.1,
  driftWhen: 'above',
  isThresholdInclusive: true,
  run: jensenShannon,
}

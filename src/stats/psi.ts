import { binnedProportions } from './binned-proportions.js'
import type { ColumnSource, DriftScore, DriftTest } from './drift-test.js'
import { requireValues } from './drift-test.js'
import { NeumaierSum } from './neumaier-sum.js'

/**
 * Population Stability Index, Σ (ref − cur) ln(ref/cur) over Evidently's bins with its zero
 * fill (evidently psi.py). Drift when ≥ 0.1; elsewhere < 0.1 reads stable, 0.1–0.25 moderate,
 * > 0.25 significant.
 */
export function psi(reference: ColumnSource, current: ColumnSource): DriftScore {
  requireValues(reference, current, 'psi')
  const p = binnedProportions(reference, current, { fillZeros: true })
  const total = new NeumaierSum()
  p.reference.forEach((r, i) => {
    const c = p.current[i] ?? 0
    total.add((r - c) * Math.log(r / c))
  })
  return { statistic: total.value }
}

/** Registry entry for {@link psi}. */
export const psiTest: DriftTest = {
  name: 'psi',
  displayName: 'PSI',
  columnKinds: ['categorical', 'numerical'],
  defaultThreshold: 0.1,
  driftWhen: 'above',
  isThresholdInclusive: true,
  run: psi,
}

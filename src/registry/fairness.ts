/** Group-fairness measures over binary predictions (positive class 1). Pure functions. */

export interface GroupGap {
  /** Largest minus smallest rate across groups; NaN when no group has rows to measure. */
  readonly difference: number
  /** The rate of each group that had rows to measure. */
  readonly rates: Readonly<Record<string, number>>
}

function gap(rates: Map<string, { hits: number; total: number }>): GroupGap {
  const byGroup: Record<string, number> = {}
  for (const [group, { hits, total }] of [...rates].sort(([a], [b]) => a.localeCompare(b))) {
    if (total > 0) byGroup[group] = hits / total
  }
  const values = Object.values(byGroup)
  const difference = values.length === 0 ? Number.NaN : Math.max(...values) - Math.min(...values)
  return { difference, rates: byGroup }
}

function tally(
  groups: readonly string[],
  include: (row: number) => boolean,
  hit: (row: number) => boolean,
): Map<string, { hits: number; total: number }> {
  const counts = new Map<string, { hits: number; total: number }>()
  for (let row = 0; row < groups.length; row++) {
    if (!include(row)) continue
    const group = groups[row]!
    const count = counts.get(group) ?? { hits: 0, total: 0 }
    count.total += 1
    if (hit(row)) count.hits += 1
    counts.set(group, count)
  }
  return counts
}

/**
 * Demographic-parity difference: the gap between groups in the share predicted positive,
 * P(ŷ = 1 | group). 0 means every group is selected at the same rate.
 */
export function demographicParityDifference(
  predicted: readonly number[],
  groups: readonly string[],
): GroupGap {
  return gap(
    tally(
      groups,
      () => true,
      (row) => predicted[row] === 1,
    ),
  )
}

/**
 * Equal-opportunity difference: the gap between groups in true-positive rate,
 * P(ŷ = 1 | y = 1, group). Groups without positive labels have no rate and are left out.
 */
export function equalOpportunityDifference(
  labels: readonly number[],
  predicted: readonly number[],
  groups: readonly string[],
): GroupGap {
  return gap(
    tally(
      groups,
      (row) => labels[row] === 1,
      (row) => predicted[row] === 1,
    ),
  )
}

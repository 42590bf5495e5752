import { InvalidParameterError } from '../shared/errors.js'
import type { ColumnSource, NumericColumn } from './drift-test.js'
import type { Histogram } from './histogram.js'
import { histogramOfSorted, sameEdges, sturgesEdges } from './histogram.js'
import { NumericProfile } from './numeric-profile.js'
import { NumericSample } from './numeric-sample.js'
import { alignedCounts } from './value-counts.js'

// Evidently bins a numerical column by value when its reference has at most this many distinct
// values, and into Sturges bins otherwise (utils.py `get_binned_data`).
const MAX_VALUES_BINNED_BY_VALUE = 20

/** Aligned bin proportions of reference and current (each over its own count). */
export interface BinnedProportions {
  /** Reference proportion per bin. */
  readonly reference: Float64Array
  /** Current proportion per bin. */
  readonly current: Float64Array
}

/**
 * Evidently's zero fill for PSI: zeros become min_nonzero/10⁶ when min_nonzero ≤ 10⁻⁴, else 10⁻⁴.
 * The array is not renormalized afterwards, as in Evidently.
 */
function fillZeros(p: Float64Array): Float64Array {
  let min = Infinity
  for (const v of p) if (v !== 0 && v < min) min = v
  const fill = min <= 0.0001 ? min / 10 ** 6 : 0.0001
  return p.map((v) => (v === 0 ? fill : v))
}

function sideHistogram(column: NumericColumn, edges: readonly number[]): Histogram {
  if (column instanceof NumericSample) return histogramOfSorted(column.sorted, edges)
  if (sameEdges(column.histogram.edges, edges)) return column.histogram
  throw new InvalidParameterError(
    'numeric profiles compared by PSI or Jensen-Shannon must share histogram edges; ' +
      "profile the current window with the reference profile's `edges`",
  )
}

/** Counts on bins that both columns can answer exactly: Sturges over the pooled range for two samples, else the profile's fixed edges plus out-of-range bins. */
function histogramCounts(reference: NumericColumn, current: NumericColumn) {
  if (reference instanceof NumericSample && current instanceof NumericSample) {
    const n = reference.count + current.count
    const min = Math.min(reference.sorted[0] ?? 0, current.sorted[0] ?? 0)
    const max = Math.max(reference.sorted.at(-1) ?? 0, current.sorted.at(-1) ?? 0)
    const edges = sturgesEdges(min, max, n)
    return {
      reference: Float64Array.from(histogramOfSorted(reference.sorted, edges).counts),
      current: Float64Array.from(histogramOfSorted(current.sorted, edges).counts),
    }
  }
  const profile = reference instanceof NumericProfile ? reference : (current as NumericProfile)
  const edges = profile.histogram.edges
  const a = sideHistogram(reference, edges)
  const b = sideHistogram(current, edges)
  const ref = [...a.counts]
  const cur = [...b.counts]
  // Out-of-range bins only where something fell there: an empty pair would add a fill artefact.
  if (a.underflow + b.underflow > 0) {
    ref.unshift(a.underflow)
    cur.unshift(b.underflow)
  }
  if (a.overflow + b.overflow > 0) {
    ref.push(a.overflow)
    cur.push(b.overflow)
  }
  return { reference: Float64Array.from(ref), current: Float64Array.from(cur) }
}

function binnedCounts(reference: ColumnSource, current: ColumnSource) {
  if (reference.kind === 'categorical' || current.kind === 'categorical') {
    const counts = alignedCounts(reference, current)
    if (counts === undefined) {
      throw new InvalidParameterError('cannot compare a categorical with a numerical column')
    }
    return counts
  }
  const byValue = reference.valueCounts(MAX_VALUES_BINNED_BY_VALUE) !== undefined
  const counts = byValue ? alignedCounts(reference, current) : undefined
  return counts ?? histogramCounts(reference, current)
}

/**
 * Evidently's `get_binned_data`: categories (or the distinct values of a numerical column whose
 * reference has ≤ 20 of them) over the union of both sides; otherwise Sturges bins over the
 * pooled range. Proportions are over each side's count; `fillZeros` as for PSI. With a profile
 * on either side, numerical columns are binned on the profile's fixed edges instead (plus
 * out-of-range bins): exact counts, but not Evidently's pooled-range bins.
 */
export function binnedProportions(
  reference: ColumnSource,
  current: ColumnSource,
  options: { fillZeros: boolean },
): BinnedProportions {
  const counts = binnedCounts(reference, current)
  const ref = counts.reference.map((c) => c / reference.count)
  const cur = counts.current.map((c) => c / current.count)
  if (!options.fillZeros) return { reference: ref, current: cur }
  return { reference: fillZeros(ref), current: fillZeros(cur) }
}

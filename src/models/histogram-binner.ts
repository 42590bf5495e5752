import { createRandom, shuffle } from './random.js'

/** The bin of missing values (NaN); value bins are 0..254. */
export const MISSING_BIN = 255

/** Rows used to find bin edges; more rows cost time and barely move quantiles (sklearn: 2e5). */
const SUBSAMPLE_ROWS = 200_000

/**
 * Bin edges per feature: a value x falls in the first bin b with x ≤ edges[b], or in bin
 * edges.length when it exceeds them all. A tree split "bin ≤ b" is thus "x ≤ edges[b]".
 */
interface BinEdges {
  /** Ascending edges per feature (at most maxBins - 1 each). */
  readonly edges: readonly Float64Array[]
}

/**
 * Finds up to `maxBins` bins per feature: midpoints between distinct values when there are few,
 * else midpoint quantiles (numpy's `percentile(..., method='midpoint')`, as scikit-learn's
 * HistGradientBoosting does). NaN is left out: it gets `MISSING_BIN`.
 */
export function fitBinEdges(
  columns: readonly Float64Array[],
  maxBins: number,
  seed: number,
): BinEdges {
  const random = createRandom(seed)
  const sample =
    (columns[0]?.length ?? 0) > SUBSAMPLE_ROWS
      ? shuffle(
          Uint32Array.from({ length: columns[0]?.length ?? 0 }, (_, i) => i),
          random,
        )
          .subarray(0, SUBSAMPLE_ROWS)
          .sort()
      : undefined
  return { edges: columns.map((column) => featureEdges(column, maxBins, sample)) }
}

function featureEdges(
  column: Float64Array,
  maxBins: number,
  sample: Uint32Array | undefined,
): Float64Array {
  const picked =
    sample === undefined ? column : Float64Array.from(sample, (row) => column[row] ?? NaN)
  const sorted = picked.filter((v) => !Number.isNaN(v)).sort()
  const distinct = sorted.filter((v, i) => i === 0 || v !== sorted[i - 1])
  if (distinct.length <= maxBins) {
    return distinct.subarray(1).map((v, i) => (v + (distinct[i] ?? v)) / 2)
  }
  const edges: number[] = []
  for (let j = 1; j < maxBins; j++) {
    const position = (j / maxBins) * (sorted.length - 1)
    const edge = ((sorted[Math.floor(position)] ?? 0) + (sorted[Math.ceil(position)] ?? 0)) / 2
    if (edges.length === 0 || edge > (edges[edges.length - 1] ?? -Infinity)) edges.push(edge)
  }
  return Float64Array.from(edges)
}

/** Bins one column: binary search for the first edge ≥ x; NaN goes to `MISSING_BIN`. */
export function binColumn(column: Float64Array, edges: Float64Array): Uint8Array {
  const bins = new Uint8Array(column.length)
  for (let row = 0; row < column.length; row++) {
    const x = column[row] as number
    let low = 0
    let high = edges.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if ((edges[mid] as number) < x) low = mid + 1
      else high = mid
    }
    bins[row] = Number.isNaN(x) ? MISSING_BIN : low
  }
  return bins
}

/** The raw threshold of a split "bin ≤ b": edges[b], or +∞ for the last value bin. */
export function binThreshold(edges: Float64Array, bin: number): number {
  return edges[bin] ?? Infinity
}

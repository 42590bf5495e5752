import { lowerBound, upperBound } from './sorted-arrays.js'

/**
 * Counts over fixed bin edges with numpy's conventions: bins are half-open [eᵢ, eᵢ₊₁) except
 * the last, which is closed. Values outside [e₀, eₖ] are counted apart, so that a current sample
 * counted on a reference's bins still shows values that moved out of range.
 */
export interface Histogram {
  /** k + 1 ascending edges (empty for an empty profile). */
  readonly edges: readonly number[]
  /** k counts. */
  readonly counts: readonly number[]
  /** Values below the first edge. */
  readonly underflow: number
  /** Values above the last edge. */
  readonly overflow: number
}

/** numpy.linspace(start, stop, num), rounding as numpy does. */
function linspace(start: number, stop: number, num: number): number[] {
  const div = num - 1
  const delta = stop - start
  const step = delta / div
  const out: number[] = []
  for (let i = 0; i < num; i++) out.push(step === 0 ? (i / div) * delta + start : i * step + start)
  out[num - 1] = stop
  return out
}

/**
 * numpy.histogram_bin_edges(x, bins='sturges') for data with the given min, max and size:
 * width ptp/(log₂ n + 1), then ⌈ptp/width⌉ equal bins over [min, max] (widened by ½ each way
 * when min = max). Evidently bins numerical columns with more than 20 distinct values this way.
 */
export function sturgesEdges(min: number, max: number, n: number): number[] {
  const ptp = max - min
  const first = ptp === 0 ? min - 0.5 : min
  const last = ptp === 0 ? max + 0.5 : max
  const width = ptp / (Math.log2(n) + 1)
  const bins = width ? Math.ceil((last - first) / width) : 1
  return linspace(first, last, bins + 1)
}

/** Histogram of ascending values on `edges` (as np.histogram(values, edges)), by bisection. */
export function histogramOfSorted(sorted: Float64Array, edges: readonly number[]): Histogram {
  if (edges.length === 0) return { edges, counts: [], underflow: 0, overflow: sorted.length }
  const cumulative = edges.map((e, i) =>
    i < edges.length - 1 ? lowerBound(sorted, e) : upperBound(sorted, e),
  )
  const counts = cumulative.slice(1).map((c, i) => c - (cumulative[i] ?? 0))
  return {
    edges,
    counts,
    underflow: cumulative[0] ?? 0,
    overflow: sorted.length - (cumulative[cumulative.length - 1] ?? 0),
  }
}

/** Bin of x in [first, last]: a guess from equal widths, corrected against the real edges. */
function binOf(x: number, e: Float64Array, bins: number, scale: number): number {
  const first = e[0] ?? 0
  let bin = Math.min(Math.max(Math.floor((x - first) * scale), 0), bins - 1)
  while (bin > 0 && x < (e[bin] ?? 0)) bin--
  while (bin < bins - 1 && x >= (e[bin + 1] ?? 0)) bin++
  return bin
}

/**
 * Histogram of unsorted finite values on `edges`, in one pass without sorting: each bin is
 * guessed as if the edges were equally spaced (Sturges edges are) and then checked against the
 * edges themselves, so that counts match np.histogram exactly for any edges.
 */
export function histogramOfValues(values: Float64Array, edges: readonly number[]): Histogram {
  const bins = Math.max(edges.length - 1, 0)
  const counts = new Float64Array(bins)
  if (bins === 0) return { edges, counts: [], underflow: 0, overflow: values.length }
  const e = Float64Array.from(edges)
  const first = e[0] ?? 0
  const last = e[bins] ?? 0
  const width = last - first
  const scale = width > 0 ? bins / width : 0
  let underflow = 0
  let overflow = 0
  for (let i = 0; i < values.length; i++) {
    const x = values[i] ?? 0
    if (x < first) underflow++
    else if (x > last) overflow++
    else {
      const bin = binOf(x, e, bins, scale)
      counts[bin] = (counts[bin] ?? 0) + 1
    }
  }
  return { edges, counts: Array.from(counts), underflow, overflow }
}

/** Sum of two histograms over identical edges. */
export function addHistograms(a: Histogram, b: Histogram): Histogram {
  return {
    edges: a.edges,
    counts: a.counts.map((c, i) => c + (b.counts[i] ?? 0)),
    underflow: a.underflow + b.underflow,
    overflow: a.overflow + b.overflow,
  }
}

/** Whether two edge lists are identical. */
export function sameEdges(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((e, i) => e === b[i])
}

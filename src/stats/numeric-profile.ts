import { InvalidParameterError } from '../shared/errors.js'
import type { EmpiricalCdf } from './empirical-cdf.js'
import type { Histogram } from './histogram.js'
import { addHistograms, histogramOfValues, sameEdges, sturgesEdges } from './histogram.js'
import type { KllSketchJson } from './kll-sketch.js'
import { KllSketch } from './kll-sketch.js'
import { NeumaierSum } from './neumaier-sum.js'

/** A profile keeps exact per-value counts while a column has at most this many distinct values. */
const MAX_TRACKED_VALUES = 100

/** Plain-JSON form of a {@link NumericProfile}, as stored in the metadata DB. */
export interface NumericProfileJson {
  kind: 'numerical'
  /** Finite values. */
  count: number
  /** NaN, null or undefined entries. */
  missingCount: number
  /** ±Infinity entries (excluded from every other statistic). */
  infiniteCount: number
  /** Null when count is 0, as are max and mean. */
  min: number | null
  max: number | null
  mean: number | null
  /** Sum of squared deviations from the mean (Welford's M2). */
  m2: number
  histogram: Histogram
  /** [value, count] pairs while there are at most MAX_TRACKED_VALUES distinct values, else null. */
  valueCounts: [number, number][] | null
  sketch: KllSketchJson
}

/** Options for {@link NumericProfile.of}. */
export interface NumericProfileOptions {
  /** Histogram edges; pass a reference profile's edges so that windows compare bin by bin. */
  edges?: readonly number[]
  /** KLL accuracy parameter (default 200: rank error ≤ 1.65% with 99% confidence). */
  sketchK?: number
}

interface Moments {
  count: number
  missingCount: number
  infiniteCount: number
  min: number
  max: number
  mean: number
  m2: number
}

/** Splits out the finite values and computes the moments in two compensated passes. */
function scan(values: ArrayLike<number | null | undefined>): { finite: Float64Array } & Moments {
  const finite = new Float64Array(values.length)
  let count = 0
  let missingCount = 0
  let infiniteCount = 0
  let min = Infinity
  let max = -Infinity
  const sum = new NeumaierSum()
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (v === null || v === undefined || Number.isNaN(v)) missingCount++
    else if (v === Infinity || v === -Infinity) infiniteCount++
    else {
      finite[count++] = v
      if (v < min) min = v
      if (v > max) max = v
      sum.add(v)
    }
  }
  const mean = count === 0 ? NaN : sum.value / count
  const squares = new NeumaierSum()
  for (let i = 0; i < count; i++) squares.add(((finite[i] ?? 0) - mean) ** 2)
  const m2 = squares.value
  return {
    finite: finite.subarray(0, count),
    count,
    missingCount,
    infiniteCount,
    min,
    max,
    mean,
    m2,
  }
}

/** Exact counts per distinct value, or null past MAX_TRACKED_VALUES distinct values. */
function countValues(finite: Float64Array): Map<number, number> | null {
  const counts = new Map<number, number>()
  for (let i = 0; i < finite.length; i++) {
    const v = finite[i] ?? 0
    const c = counts.get(v)
    if (c !== undefined) counts.set(v, c + 1)
    else if (counts.size === MAX_TRACKED_VALUES) return null
    else counts.set(v, 1)
  }
  return counts
}

function mergeValueCounts(
  a: ReadonlyMap<number, number> | null,
  b: ReadonlyMap<number, number> | null,
): Map<number, number> | null {
  if (a === null || b === null) return null
  const out = new Map(a)
  for (const [v, c] of b) out.set(v, (out.get(v) ?? 0) + c)
  return out.size > MAX_TRACKED_VALUES ? null : out
}

/** Accumulates a {@link NumericProfile} over parts; see {@link NumericProfile.builder}. */
export interface NumericProfileBuilder {
  /** Adds a part's values (NaN/null/undefined missing, ±Infinity apart). */
  add(part: ArrayLike<number | null | undefined>): void
  /** The profile of every part added so far. */
  build(): NumericProfile
}

/**
 * Mergeable summary of a numerical column: counts, missing, min/max/mean/std, a KLL quantile
 * sketch, a histogram on fixed edges and, for low-cardinality columns, exact value counts.
 * Profiles of partitions or windows merge into the profile of their union; a stored profile
 * serves as a drift reference (see the drift tests for what is exact and what approximate).
 */
export class NumericProfile {
  /** Discriminates column sources. */
  readonly kind = 'numerical'
  /** Quantiles and the CDF come from a sketch, so they are approximate. */
  readonly isExact = false

  private constructor(
    private readonly moments: Moments,
    /** Counts on the profile's fixed edges. */
    readonly histogram: Histogram,
    private readonly counts: ReadonlyMap<number, number> | null,
    private readonly sketch: KllSketch,
  ) {}

  /** Profiles a column; NaN/null/undefined count as missing, ±Infinity apart. */
  static of(
    values: ArrayLike<number | null | undefined>,
    options: NumericProfileOptions = {},
  ): NumericProfile {
    const { finite, ...moments } = scan(values)
    const edges =
      options.edges ??
      (moments.count === 0 ? [] : sturgesEdges(moments.min, moments.max, moments.count))
    const sketch = new KllSketch(options.sketchK)
    sketch.addMany(finite)
    return new NumericProfile(
      moments,
      histogramOfValues(finite, edges),
      countValues(finite),
      sketch,
    )
  }

  /** Restores a profile saved with {@link NumericProfile.toJSON}. */
  static fromJSON(json: NumericProfileJson): NumericProfile {
    const moments: Moments = {
      count: json.count,
      missingCount: json.missingCount,
      infiniteCount: json.infiniteCount,
      min: json.min ?? Infinity,
      max: json.max ?? -Infinity,
      mean: json.mean ?? NaN,
      m2: json.m2,
    }
    const counts = json.valueCounts === null ? null : new Map(json.valueCounts)
    return new NumericProfile(moments, json.histogram, counts, KllSketch.fromJSON(json.sketch))
  }

  /** Finite values. */
  get count(): number {
    return this.moments.count
  }

  /** NaN, null or undefined entries. */
  get missingCount(): number {
    return this.moments.missingCount
  }

  /** ±Infinity entries. */
  get infiniteCount(): number {
    return this.moments.infiniteCount
  }

  /** Smallest finite value (NaN when there is none). */
  get min(): number {
    return this.count === 0 ? NaN : this.moments.min
  }

  /** Largest finite value (NaN when there is none). */
  get max(): number {
    return this.count === 0 ? NaN : this.moments.max
  }

  /** Mean of the finite values (NaN when there is none). */
  get mean(): number {
    return this.moments.mean
  }

  /** Standard deviation with numpy's `ddof` (0: population, Evidently's; 1: sample, pandas'). */
  std(ddof = 0): number {
    return Math.sqrt(this.moments.m2 / (this.count - ddof))
  }

  /** Approximate q-quantile from the sketch (exact min and max at q = 0 and 1). */
  quantile(q: number): number {
    return this.sketch.quantile(q)
  }

  /** The sketch's approximate CDF, with total weight `count`. */
  ecdf(): EmpiricalCdf {
    return this.sketch.ecdf()
  }

  /** Exact count per distinct value, or undefined when there are more than `limit`. */
  valueCounts(limit: number): Map<number, number> | undefined {
    if (this.counts === null || this.counts.size > limit) return undefined
    return new Map(this.counts)
  }

  /** Profile of the union of both columns. Histograms must share edges (or one be empty). */
  merge(other: NumericProfile): NumericProfile {
    const sketch = this.sketch.clone()
    sketch.merge(other.sketch)
    return new NumericProfile(
      mergeMoments(this.moments, other.moments),
      mergeHistograms(this, other),
      mergeValueCounts(this.counts, other.counts),
      sketch,
    )
  }

  /**
   * Profiles a column that arrives in parts (batches of a file): `add` each part, then `build`.
   * The same result as profiling the parts and merging them, without a sketch per part.
   * `expectedCount` (finite values to come, when known) lets the sketch sample from the start.
   */
  static builder(
    edges: readonly number[],
    options: { sketchK?: number; expectedCount?: number } = {},
  ): NumericProfileBuilder {
    let moments: Moments | undefined
    const counts = new Float64Array(Math.max(edges.length - 1, 0))
    let underflow = 0
    let overflow = 0
    let values: Map<number, number> | null = new Map()
    const sketch = new KllSketch(options.sketchK, undefined, {
      expectedCount: options.expectedCount ?? 0,
    })
    return {
      add(part) {
        const { finite, ...partMoments } = scan(part)
        moments = moments ? mergeMoments(moments, partMoments) : partMoments
        const histogram = histogramOfValues(finite, edges)
        histogram.counts.forEach((c, i) => (counts[i] = (counts[i] ?? 0) + c))
        underflow += histogram.underflow
        overflow += histogram.overflow
        values = mergeValueCounts(values, countValues(finite))
        sketch.addMany(finite)
      },
      build() {
        const histogram = { edges, counts: Array.from(counts), underflow, overflow }
        return new NumericProfile(moments ?? scan([]), histogram, values, sketch)
      },
    }
  }

  /** Plain JSON, restorable with {@link NumericProfile.fromJSON}. */
  toJSON(): NumericProfileJson {
    const empty = this.count === 0
    return {
      kind: 'numerical',
      count: this.count,
      missingCount: this.missingCount,
      infiniteCount: this.infiniteCount,
      min: empty ? null : this.moments.min,
      max: empty ? null : this.moments.max,
      mean: empty ? null : this.moments.mean,
      m2: this.moments.m2,
      histogram: this.histogram,
      valueCounts: this.counts === null ? null : [...this.counts],
      sketch: this.sketch.toJSON(),
    }
  }
}

/** Chan et al.'s pairwise update: exact for counts, stable for the mean and M2. */
function mergeMoments(a: Moments, b: Moments): Moments {
  const count = a.count + b.count
  const delta = b.mean - a.mean
  const mean = a.count === 0 ? b.mean : b.count === 0 ? a.mean : a.mean + (delta * b.count) / count
  const m2 =
    a.m2 + b.m2 + (a.count === 0 || b.count === 0 ? 0 : (delta * delta * a.count * b.count) / count)
  return {
    count,
    missingCount: a.missingCount + b.missingCount,
    infiniteCount: a.infiniteCount + b.infiniteCount,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    mean,
    m2,
  }
}

function mergeHistograms(a: NumericProfile, b: NumericProfile): Histogram {
  if (sameEdges(a.histogram.edges, b.histogram.edges))
    return addHistograms(a.histogram, b.histogram)
  if (b.count === 0) return a.histogram
  if (a.count === 0) return b.histogram
  throw new InvalidParameterError(
    'cannot merge numeric profiles with different histogram edges; ' +
      "profile windows and partitions with the reference profile's `edges`",
  )
}

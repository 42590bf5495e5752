import type { Category } from './categorical-profile.js'
import { compareCategories } from './categorical-profile.js'
import type { ColumnSource, NumericColumn } from './drift-test.js'
import { NumericSample } from './numeric-sample.js'

/** Counts of both sides over the union of their categories or distinct values. */
export interface AlignedCounts {
  /** Categories in ascending order; a folded "other" bucket, if any, is last and is not listed. */
  readonly keys: Category[]
  /** Reference count per key (plus "other" at the end when present). */
  readonly reference: Float64Array
  /** Current count per key (plus "other" at the end when present). */
  readonly current: Float64Array
}

/** Distinct values of a numerical column with counts, ascending; undefined past `limit`. */
function valueRuns(column: NumericColumn, limit: number): [number, number][] | undefined {
  if (column instanceof NumericSample) {
    const runs: [number, number][] = []
    const s = column.sorted
    for (let i = 0; i < s.length;) {
      let j = i + 1
      while (j < s.length && s[j] === s[i]) j++
      if (runs.length === limit) return undefined
      runs.push([s[i] ?? 0, j - i])
      i = j
    }
    return runs
  }
  const counts = column.valueCounts(limit)
  return counts === undefined ? undefined : [...counts].sort((a, b) => a[0] - b[0])
}

/** Aligns two ascending (key, count) lists over the union of their keys. */
function align<K extends Category>(
  a: readonly [K, number][],
  b: readonly [K, number][],
  compare: (x: K, y: K) => number,
  extra: [number, number] | undefined,
): AlignedCounts {
  const keys: K[] = []
  const ref: number[] = []
  const cur: number[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    const ka = a[i]
    const kb = b[j]
    const order = ka === undefined ? 1 : kb === undefined ? -1 : compare(ka[0], kb[0])
    keys.push(order <= 0 ? (ka as [K, number])[0] : (kb as [K, number])[0])
    ref.push(order <= 0 ? (a[i++] as [K, number])[1] : 0)
    cur.push(order >= 0 ? (b[j++] as [K, number])[1] : 0)
  }
  if (extra !== undefined) {
    ref.push(extra[0])
    cur.push(extra[1])
  }
  return { keys, reference: Float64Array.from(ref), current: Float64Array.from(cur) }
}

/**
 * Per-category (categorical) or per-distinct-value (numerical) counts of reference and current
 * over the union of what either holds, as Evidently builds them for chi-square, Z and
 * low-cardinality PSI/JS. Undefined when a side has more than `limit` distinct values, or is a
 * profile that stopped tracking them.
 */
export function alignedCounts(
  reference: ColumnSource,
  current: ColumnSource,
  limit = Infinity,
): AlignedCounts | undefined {
  if (reference.kind === 'categorical' && current.kind === 'categorical') {
    const sorted = (m: ReadonlyMap<Category, number>) =>
      [...m].sort((x, y) => compareCategories(x[0], y[0]))
    const hasOther = reference.otherCount > 0 || current.otherCount > 0
    const other: [number, number] | undefined = hasOther
      ? [reference.otherCount, current.otherCount]
      : undefined
    return align(sorted(reference.counts), sorted(current.counts), compareCategories, other)
  }
  if (reference.kind !== 'numerical' || current.kind !== 'numerical') return undefined
  const a = valueRuns(reference, limit)
  const b = a === undefined ? undefined : valueRuns(current, limit)
  if (a === undefined || b === undefined) return undefined
  return align(a, b, (x, y) => x - y, undefined)
}

/** A category value; null, undefined and NaN mean missing. */
export type Category = string | number | boolean

/** Default cap on distinct categories a profile keeps exactly. */
const DEFAULT_MAX_CATEGORIES = 10_000

/** Plain-JSON form of a {@link CategoricalProfile}. */
export interface CategoricalProfileJson {
  kind: 'categorical'
  /** Non-missing values, including those folded into `otherCount`. */
  count: number
  missingCount: number
  /** Values of the least frequent categories folded away past `maxCategories`. */
  otherCount: number
  maxCategories: number
  /** [category, count] pairs, most frequent first. */
  categories: [Category, number][]
}

/** Options for {@link CategoricalProfile.of}. */
export interface CategoricalProfileOptions {
  /** Categories kept exactly (default 10,000); the least frequent beyond it fold into "other". */
  maxCategories?: number
}

/** One category and how often it occurs. */
export interface CategoryCount {
  /** The category. */
  category: Category
  /** Its number of occurrences. */
  count: number
}

function typeRank(c: Category): number {
  return typeof c === 'boolean' ? 0 : typeof c === 'number' ? 1 : 2
}

/**
 * Ascending order as Python's sorted() gives for one type (False < True, numbers numerically,
 * strings by code unit); mixed types, which Python refuses to compare, order booleans, numbers,
 * strings.
 */
export function compareCategories(a: Category, b: Category): number {
  const ta = typeRank(a)
  const tb = typeRank(b)
  if (ta !== tb) return ta - tb
  if (typeof a === 'string' || typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0
  return Number(a) - Number(b)
}

/** Most frequent first; ties in category order so that results are deterministic. */
function byFrequency(a: [Category, number], b: [Category, number]): number {
  return b[1] - a[1] || compareCategories(a[0], b[0])
}

/**
 * Mergeable summary of a categorical column: exact count per category (up to `maxCategories`,
 * beyond which the least frequent fold into one "other" count), missing values, top-k. Category
 * counts are all chi-square, Z, PSI and Jensen–Shannon need, so drift from a stored profile is
 * exact while no category was folded.
 */
export class CategoricalProfile {
  /** Discriminates column sources. */
  readonly kind = 'categorical'

  private constructor(
    /** Count per kept category. */
    readonly counts: ReadonlyMap<Category, number>,
    /** Null, undefined or NaN entries. */
    readonly missingCount: number,
    /** Values of categories folded away (0 while the profile is exact). */
    readonly otherCount: number,
    /** Cap on kept categories. */
    readonly maxCategories: number,
  ) {}

  /** Counts the categories of a column. */
  static of(
    values: ArrayLike<Category | null | undefined>,
    options: CategoricalProfileOptions = {},
  ): CategoricalProfile {
    const counts = new Map<Category, number>()
    let missing = 0
    for (let i = 0; i < values.length; i++) {
      const v = values[i]
      if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) missing++
      else counts.set(v, (counts.get(v) ?? 0) + 1)
    }
    return CategoricalProfile.capped(counts, missing, 0, options.maxCategories)
  }

  /** Restores a profile saved with {@link CategoricalProfile.toJSON}. */
  static fromJSON(json: CategoricalProfileJson): CategoricalProfile {
    return new CategoricalProfile(
      new Map(json.categories),
      json.missingCount,
      json.otherCount,
      json.maxCategories,
    )
  }

  private static capped(
    counts: Map<Category, number>,
    missing: number,
    other: number,
    maxCategories = DEFAULT_MAX_CATEGORIES,
  ): CategoricalProfile {
    if (counts.size <= maxCategories) {
      return new CategoricalProfile(counts, missing, other, maxCategories)
    }
    const sorted = [...counts].sort(byFrequency)
    const folded = sorted.slice(maxCategories).reduce((sum, [, c]) => sum + c, 0)
    const kept = new Map(sorted.slice(0, maxCategories))
    return new CategoricalProfile(kept, missing, other + folded, maxCategories)
  }

  /** Non-missing values, folded ones included. */
  get count(): number {
    let total = this.otherCount
    for (const c of this.counts.values()) total += c
    return total
  }

  /** The k most frequent categories, ties in ascending category order. */
  topK(k: number): CategoryCount[] {
    return [...this.counts]
      .sort(byFrequency)
      .slice(0, k)
      .map(([category, count]) => ({ category, count }))
  }

  /** Profile of the union of both columns (the smaller cap of the two applies). */
  merge(other: CategoricalProfile): CategoricalProfile {
    const counts = new Map(this.counts)
    for (const [v, c] of other.counts) counts.set(v, (counts.get(v) ?? 0) + c)
    return CategoricalProfile.capped(
      counts,
      this.missingCount + other.missingCount,
      this.otherCount + other.otherCount,
      Math.min(this.maxCategories, other.maxCategories),
    )
  }

  /** Plain JSON, restorable with {@link CategoricalProfile.fromJSON}. */
  toJSON(): CategoricalProfileJson {
    return {
      kind: 'categorical',
      count: this.count,
      missingCount: this.missingCount,
      otherCount: this.otherCount,
      maxCategories: this.maxCategories,
      categories: [...this.counts].sort(byFrequency),
    }
  }
}

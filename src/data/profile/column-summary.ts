import { NumericProfile } from '../../stats/index.js'
import type { ColumnProfile } from './dataset-profile.js'

/** One column of a profile as short text, for tables. */
export interface ColumnSummary {
  readonly nullFraction: string
  readonly distinct: string
  readonly min: string
  readonly p50: string
  readonly max: string
  readonly mean: string
  readonly std: string
  /** The most frequent category and its share, or NaN/Infinity counts for numbers. */
  readonly top: string
}

function short(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return ''
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value)
  return String(Number(value.toPrecision(6)))
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '' : `${((100 * part) / whole).toFixed(1)}%`
}

/** What a person wants to see of a column: nulls, range, centre, spread, top value. */
export function summarizeColumn(column: ColumnProfile, rowCount: number): ColumnSummary {
  const base = {
    nullFraction: percent(column.nullCount, rowCount),
    distinct:
      column.distinctCount === null
        ? column.numeric
          ? '> 100'
          : ''
        : String(column.distinctCount),
  }
  const blank = { min: '', p50: '', max: '', mean: '', std: '', top: '' }
  if (column.numeric) {
    const p = NumericProfile.fromJSON(column.numeric)
    const odd = [
      p.missingCount > column.nullCount ? `${p.missingCount - column.nullCount} NaN` : '',
      p.infiniteCount > 0 ? `${p.infiniteCount} ±Inf` : '',
    ].filter(Boolean)
    if (p.count === 0) return { ...base, ...blank, top: odd.join(', ') }
    return {
      ...base,
      min: short(p.min),
      p50: short(p.quantile(0.5)),
      max: short(p.max),
      mean: short(p.mean),
      std: short(p.std()),
      top: odd.join(', '),
    }
  }
  if (column.categorical) {
    const [first] = column.categorical.categories
    const top = first ? `${String(first[0])} (${percent(first[1], column.categorical.count)})` : ''
    return { ...base, ...blank, top }
  }
  return { ...base, ...blank, min: column.datetime?.min ?? '', max: column.datetime?.max ?? '' }
}

import type { Contract, ColumnSpec } from '../data/index.js'
import type { LoggedRequest } from '../serving/index.js'
import type { MonitorPoint } from './monitor.js'

/** Counts of one column's problems over a window. */
interface ColumnCounts {
  values: number
  missing: number
  wrongType: number
  outOfRange: number
  notAllowed: number
}

function hasType(spec: ColumnSpec, value: unknown): boolean {
  switch (spec.type) {
    case 'int':
      return typeof value === 'number' && Number.isInteger(value)
    case 'float':
      return typeof value === 'number'
    case 'bool':
      return typeof value === 'boolean'
    case 'timestamp':
      return typeof value === 'string' || typeof value === 'number'
    case 'string':
    case 'category':
      return typeof value === 'string'
  }
}

/** Adds one value's problems to the counts; true when it breaks the contract. */
function check(spec: ColumnSpec, value: unknown, counts: ColumnCounts): boolean {
  counts.values++
  if (value === null || value === undefined) {
    counts.missing++
    return !spec.nullable
  }
  if (!hasType(spec, value)) {
    counts.wrongType++
    return true
  }
  if (
    typeof value === 'number' &&
    (value < (spec.min ?? -Infinity) || value > (spec.max ?? Infinity))
  ) {
    counts.outOfRange++
    return true
  }
  if (spec.allowed && !spec.allowed.includes(String(value))) {
    counts.notAllowed++
    return true
  }
  return false
}

/**
 * Data quality of a window's inputs against a contract: per contract column the share of missing
 * values, of values of the wrong type, out of [min, max] and outside `allowed`; columns the
 * contract does not name (when it forbids extras); overall, the share of input rows breaking it.
 * Columns the model is not sent (the label) are skipped rather than counted as missing.
 */
export function qualityPoints(rows: readonly LoggedRequest[], contract: Contract): MonitorPoint[] {
  const inputs = rows.flatMap((r) => r.inputs ?? [])
  const seen = new Set(inputs.flatMap((record) => Object.keys(record)))
  const specs = contract.columns.filter((c) => seen.has(c.name))
  const counts = new Map(
    specs.map((c) => [
      c.name,
      { values: 0, missing: 0, wrongType: 0, outOfRange: 0, notAllowed: 0 },
    ]),
  )
  const known = new Set(contract.columns.map((c) => c.name))
  const extra = contract.allowExtraColumns ? [] : [...seen].filter((name) => !known.has(name))
  let bad = 0
  for (const record of inputs) {
    let broken = extra.some((name) => name in record)
    for (const spec of specs)
      broken = check(spec, record[spec.name], counts.get(spec.name)!) || broken
    if (broken) bad++
  }
  const points: MonitorPoint[] = []
  for (const [name, c] of counts) {
    const share = (n: number) => (c.values === 0 ? 0 : n / c.values)
    const detail = { ...c }
    points.push({ metric: `quality.${name}.missing`, value: share(c.missing), detail })
    points.push({ metric: `quality.${name}.wrong_type`, value: share(c.wrongType), detail })
    points.push({ metric: `quality.${name}.out_of_range`, value: share(c.outOfRange), detail })
    points.push({ metric: `quality.${name}.not_allowed`, value: share(c.notAllowed), detail })
  }
  const detail = {
    rows: inputs.length,
    violating: bad,
    extraColumns: extra,
    checked: [...counts.keys()],
  }
  points.push({
    metric: 'quality.violation_share',
    value: inputs.length === 0 ? 0 : bad / inputs.length,
    detail,
  })
  return points
}

import type { ColumnType } from './column-type.js'
import type { ColumnSpec, Contract } from './contract.js'
import { parseDurationMs } from './duration.js'
import type { JsonValue } from './json-value.js'

/** One difference between two contracts. */
export interface ContractChange {
  /** Where: `columns.amount.max`, `rowCount`, `unique`. */
  readonly path: string
  readonly change: 'added' | 'removed' | 'changed'
  readonly from: JsonValue
  readonly to: JsonValue
  /** True when data or consumers that were fine under the old contract may fail under the new one. */
  readonly breaking: boolean
  readonly reason: string
}

/** What changed from one contract to another, and whether any change is breaking. */
export interface ContractDiff {
  readonly changes: ContractChange[]
  readonly isBreaking: boolean
}

// Every value of the left type reads losslessly as the right one.
const WIDENINGS: ReadonlySet<string> = new Set([
  'int>float',
  'category>string',
  ...['int', 'float', 'bool', 'timestamp', 'category'].map((t) => `${t}>string`),
])

/**
 * Compares two contracts. Breaking: a removed column, a new required column, a narrowed or
 * incompatible type, and any tightened expectation (data that passed may now fail). Not breaking:
 * a new nullable column, a widened type (int → float, anything → string), relaxed expectations
 * and descriptions. A changed regex counts as breaking: a new pattern cannot be proven to accept
 * every value the old one did.
 */
export function diffContracts(before: Contract, after: Contract): ContractDiff {
  const changes: ContractChange[] = []
  const afterColumns = new Map(after.columns.map((c) => [c.name, c]))
  const beforeNames = new Set(before.columns.map((c) => c.name))
  for (const column of before.columns) {
    const next = afterColumns.get(column.name)
    const path = `columns.${column.name}`
    if (!next) changes.push(removed(path, column.type, true, 'consumers lose the column'))
    else changes.push(...diffColumn(path, column, next))
  }
  for (const column of after.columns) {
    if (beforeNames.has(column.name)) continue
    const required = !column.nullable
    changes.push({
      path: `columns.${column.name}`,
      change: 'added',
      from: null,
      to: column.type,
      breaking: required,
      reason: required
        ? 'a required column: existing data lacks it'
        : 'an optional (nullable) column',
    })
  }
  changes.push(...diffDataset(before, after))
  return { changes, isBreaking: changes.some((c) => c.breaking) }
}

function diffColumn(path: string, a: ColumnSpec, b: ColumnSpec): ContractChange[] {
  const changes: ContractChange[] = []
  if (a.type !== b.type) {
    const widened = WIDENINGS.has(`${a.type}>${b.type}`)
    changes.push(
      changed(`${path}.type`, a.type, b.type, !widened, typeReason(a.type, b.type, widened)),
    )
  }
  if (a.nullable !== b.nullable) {
    changes.push(
      changed(
        `${path}.nullable`,
        a.nullable,
        b.nullable,
        !b.nullable,
        b.nullable ? 'nulls now allowed' : 'nulls no longer allowed',
      ),
    )
  }
  if (a.description !== b.description) {
    changes.push(
      changed(
        `${path}.description`,
        a.description ?? null,
        b.description ?? null,
        false,
        'documentation only',
      ),
    )
  }
  changes.push(
    ...upperBound(`${path}.maxNullFraction`, a.maxNullFraction, b.maxNullFraction),
    ...flag(`${path}.unique`, a.unique ?? false, b.unique ?? false),
    ...interval(path, { min: a.min, max: a.max }, { min: b.min, max: b.max }),
    ...allowedValues(`${path}.allowed`, a.allowed, b.allowed),
    ...opaque(`${path}.regex`, a.regex, b.regex),
    ...maxAge(`${path}.maxAge`, a.maxAge, b.maxAge),
    ...interval(`${path}.mean`, a.mean ?? {}, b.mean ?? {}),
  )
  changes.push(...quantiles(path, a, b))
  return changes
}

/** Quantile bounds, matched by q. */
function quantiles(path: string, a: ColumnSpec, b: ColumnSpec): ContractChange[] {
  const out: ContractChange[] = []
  const qs = new Set([...(a.quantiles ?? []), ...(b.quantiles ?? [])].map((q) => q.q))
  for (const q of [...qs].sort()) {
    const find = (spec: ColumnSpec) => spec.quantiles?.find((x) => x.q === q)
    out.push(...interval(`${path}.quantiles.${q}`, find(a) ?? {}, find(b) ?? {}))
  }
  return out
}

function diffDataset(a: Contract, b: Contract): ContractChange[] {
  const changes: ContractChange[] = []
  if (a.description !== b.description) {
    changes.push(
      changed(
        'description',
        a.description ?? null,
        b.description ?? null,
        false,
        'documentation only',
      ),
    )
  }
  if (a.allowExtraColumns !== b.allowExtraColumns) {
    const tightened = !b.allowExtraColumns
    changes.push(
      changed(
        'allowExtraColumns',
        a.allowExtraColumns,
        b.allowExtraColumns,
        tightened,
        tightened ? 'columns the contract does not name now fail' : 'extra columns now allowed',
      ),
    )
  }
  const keyOf = (key: string[]) => key.join(', ')
  const keysA = new Set((a.unique ?? []).map(keyOf))
  const keysB = new Set((b.unique ?? []).map(keyOf))
  for (const key of keysA)
    if (!keysB.has(key))
      changes.push(removed(`unique.(${key})`, key, false, 'a uniqueness check dropped'))
  for (const key of keysB) {
    if (!keysA.has(key))
      changes.push({
        path: `unique.(${key})`,
        change: 'added',
        from: null,
        to: key,
        breaking: true,
        reason: 'existing data may hold duplicates',
      })
  }
  changes.push(...interval('rowCount', a.rowCount ?? {}, b.rowCount ?? {}))
  return changes
}

type Bounds = { min?: number | undefined; max?: number | undefined }

/** A [min, max] pair: breaking when the new interval does not contain the old one. */
function interval(path: string, a: Bounds, b: Bounds): ContractChange[] {
  const changes: ContractChange[] = []
  const minA = a.min ?? -Infinity
  const minB = b.min ?? -Infinity
  const maxA = a.max ?? Infinity
  const maxB = b.max ?? Infinity
  if (minA !== minB) {
    changes.push(
      changed(
        `${path}.min`,
        a.min ?? null,
        b.min ?? null,
        minB > minA,
        minB > minA ? 'lower bound raised' : 'lower bound relaxed',
      ),
    )
  }
  if (maxA !== maxB) {
    changes.push(
      changed(
        `${path}.max`,
        a.max ?? null,
        b.max ?? null,
        maxB < maxA,
        maxB < maxA ? 'upper bound lowered' : 'upper bound relaxed',
      ),
    )
  }
  return changes
}

function upperBound(path: string, a: number | undefined, b: number | undefined): ContractChange[] {
  const before = a ?? Infinity
  const after = b ?? Infinity
  if (before === after) return []
  return [
    changed(
      path,
      a ?? null,
      b ?? null,
      after < before,
      after < before ? 'limit lowered' : 'limit relaxed',
    ),
  ]
}

function flag(path: string, a: boolean, b: boolean): ContractChange[] {
  if (a === b) return []
  return [changed(path, a, b, b, b ? 'existing data may hold duplicates' : 'check dropped')]
}

function allowedValues(
  path: string,
  a: string[] | undefined,
  b: string[] | undefined,
): ContractChange[] {
  if (a === undefined && b === undefined) return []
  if (a === undefined || b === undefined) {
    return [
      changed(
        path,
        a ?? null,
        b ?? null,
        b !== undefined,
        b ? 'values now restricted' : 'restriction dropped',
      ),
    ]
  }
  const dropped = a.filter((v) => !b.includes(v))
  const added = b.filter((v) => !a.includes(v))
  if (dropped.length === 0 && added.length === 0) return []
  const reason =
    dropped.length > 0
      ? `values no longer allowed: ${dropped.join(', ')}`
      : `values added: ${added.join(', ')}`
  return [changed(path, a, b, dropped.length > 0, reason)]
}

function maxAge(path: string, a: string | undefined, b: string | undefined): ContractChange[] {
  if (a === b) return []
  const before = a === undefined ? Infinity : (parseDurationMs(a) ?? Infinity)
  const after = b === undefined ? Infinity : (parseDurationMs(b) ?? Infinity)
  const isBreaking = after < before
  return [
    changed(
      path,
      a ?? null,
      b ?? null,
      isBreaking,
      isBreaking ? 'data must be fresher' : 'freshness relaxed',
    ),
  ]
}

function opaque(path: string, a: string | undefined, b: string | undefined): ContractChange[] {
  if (a === b) return []
  const isBreaking = b !== undefined
  return [
    changed(
      path,
      a ?? null,
      b ?? null,
      isBreaking,
      isBreaking ? 'data that passed may now fail' : 'check dropped',
    ),
  ]
}

function typeReason(from: ColumnType, to: ColumnType, widened: boolean): string {
  return widened
    ? `${from} values read losslessly as ${to}`
    : `${from} values may not be valid ${to}`
}

function changed(
  path: string,
  from: JsonValue,
  to: JsonValue,
  breaking: boolean,
  reason: string,
): ContractChange {
  const change = from === null ? 'added' : to === null ? 'removed' : 'changed'
  return { path, change, from, to, breaking, reason }
}

function removed(path: string, from: JsonValue, breaking: boolean, reason: string): ContractChange {
  return { path, change: 'removed', from, to: null, breaking, reason }
}

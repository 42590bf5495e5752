import { z } from 'zod'
import { COLUMN_TYPES, type ColumnType } from './column-type.js'
import { parseDurationMs } from './duration.js'
import { NAME_PATTERN } from './version-ref.js'

const Bounds = z
  .strictObject({ min: z.number().optional(), max: z.number().optional() })
  .refine((b) => b.min === undefined || b.max === undefined || b.min <= b.max, {
    message: 'min must not exceed max',
  })

const Quantile = z.strictObject({
  q: z.number().min(0, 'must be in [0, 1]').max(1, 'must be in [0, 1]'),
  min: z.number().optional(),
  max: z.number().optional(),
})

const ColumnTypeName = z.enum(COLUMN_TYPES, {
  error: (issue) =>
    `unknown column type ${JSON.stringify(issue.input)}; allowed: ${COLUMN_TYPES.join(', ')}`,
})

const columnFields = {
  type: ColumnTypeName,
  description: z.string().optional(),
  /** False: every row has a value. */
  nullable: z.boolean().default(true),
  /** Largest allowed share of null values, 0 to 1. */
  maxNullFraction: z.number().min(0, 'must be in [0, 1]').max(1, 'must be in [0, 1]').optional(),
  /** Every non-null value differs from the others. */
  unique: z.boolean().optional(),
  /** Inclusive value range (int and float columns). */
  min: z.number().optional(),
  max: z.number().optional(),
  /** The allowed values (string and category columns); YAML numbers are read as their text. */
  allowed: z.array(z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional(),
  /** A pattern every non-null value contains (RE2 syntax; anchor it with ^…$ to match whole values). */
  regex: z.string().optional(),
  /** Freshness: the newest timestamp is at most this old (`30m`, `24h`, `7d`). */
  maxAge: z.string().optional(),
  /** Bounds on the mean of the finite values (int and float columns). */
  mean: Bounds.optional(),
  /** Bounds on quantiles of the finite values (int and float columns). */
  quantiles: z.array(Quantile).optional(),
}

const NamedColumn = z.strictObject({
  name: z.string().min(1, 'must not be empty'),
  ...columnFields,
})

/** Columns written as a map (`id: { type: int }` or `id: int`) as the list form. */
function columnList(columns: unknown): unknown {
  if (columns === null || typeof columns !== 'object' || Array.isArray(columns)) return columns
  return Object.entries(columns).map(([name, spec]) =>
    typeof spec === 'string' ? { name, type: spec } : { name, ...(spec as object) },
  )
}

/** A data contract: a schema plus expectations, as stored, diffed and checked. */
export const ContractBody = z
  .strictObject({
    name: z
      .string()
      .regex(
        NAME_PATTERN,
        'must be letters, digits, _ . - (at most 200), starting with a letter or digit',
      ),
    description: z.string().optional(),
    /** Columns as a list, or as a map from name to spec or to a bare type (the list is stored). */
    columns: z.preprocess(columnList, z.array(NamedColumn)),
    /** False: a column the contract does not name is a failure. */
    allowExtraColumns: z.boolean().default(true),
    /** Keys whose combined values are unique, each a list of column names. */
    unique: z.array(z.array(z.string()).min(1, 'a key names at least one column')).optional(),
    /** Inclusive bounds on the number of rows. */
    rowCount: Bounds.optional(),
  })
  .superRefine(checkColumns)

export type Contract = z.output<typeof ContractBody>
/** A contract as written: defaults may be left out, columns may be a map. */
export type ContractInput = z.input<typeof ContractBody>
export type ColumnSpec = Contract['columns'][number]

type RefineContext = z.core.$RefinementCtx<Contract>

/** Rules across fields: which expectations fit which types, and that keys name real columns. */
function checkColumns(contract: Contract, ctx: RefineContext): void {
  const names = new Set<string>()
  contract.columns.forEach((column, index) => {
    const issue = (field: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: ['columns', index, field], message })
    if (names.has(column.name)) issue('name', `column '${column.name}' is declared twice`)
    names.add(column.name)
    for (const problem of columnProblems(column)) issue(problem.field, problem.message)
  })
  contract.unique?.forEach((key, index) => {
    for (const name of key) {
      if (!names.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['unique', index],
          message: `key column '${name}' is not a declared column`,
        })
      }
    }
  })
}

function columnProblems(column: ColumnSpec): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = []
  const only = (field: keyof ColumnSpec, types: readonly ColumnType[]) => {
    if (column[field] !== undefined && !types.includes(column.type)) {
      problems.push({ field, message: `only ${types.join(' and ')} columns take ${field}` })
    }
  }
  for (const field of ['min', 'max', 'mean', 'quantiles'] as const) only(field, ['int', 'float'])
  only('allowed', ['string', 'category'])
  only('regex', ['string', 'category'])
  only('maxAge', ['timestamp'])
  if (column.min !== undefined && column.max !== undefined && column.min > column.max) {
    problems.push({ field: 'min', message: 'min must not exceed max' })
  }
  if (column.regex !== undefined) {
    try {
      new RegExp(column.regex)
    } catch (err) {
      problems.push({ field: 'regex', message: `not a valid pattern: ${(err as Error).message}` })
    }
  }
  if (column.maxAge !== undefined && parseDurationMs(column.maxAge) === undefined) {
    problems.push({
      field: 'maxAge',
      message: "must be a duration such as '90s', '30m', '24h', '7d'",
    })
  }
  return problems
}

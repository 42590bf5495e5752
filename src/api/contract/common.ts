import { z } from 'zod'

/** An int64 as MLflow clients send it: a JSON number, or a decimal string (protobuf JSON). */
export const Int64 = z.union([
  z.number().int('must be an integer').refine(Number.isSafeInteger, 'is out of range'),
  z
    .string()
    .regex(/^-?\d{1,16}$/, 'must be an integer')
    .transform(Number),
])

/** A double that may arrive as the protobuf-JSON strings "NaN", "Infinity", "-Infinity". */
export const Double = z.union([
  z.number(),
  z
    .enum(['NaN', 'Infinity', '-Infinity'])
    .transform((s) => Number(s === 'NaN' ? Number.NaN : s === 'Infinity' ? Infinity : -Infinity)),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/, 'must be a number')
    .transform(Number),
])

/** A query-string integer (GET arguments are strings). */
export const QueryInt = z.coerce.number().int('must be an integer')

/** A repeated field: a JSON array, or one or more repeated query-string keys. */
export function repeated<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]),
    z.array(item),
  )
}

export const KeyValue = z.object({ key: z.string().min(1, 'must not be empty'), value: z.string() })

/** A tag or param whose value a client may send as a number or boolean. */
export const LooseKeyValue = z.object({
  key: z.string().min(1, 'must not be empty'),
  value: z.union([z.string(), z.number(), z.boolean()]).transform(String),
})

export const ViewType = z.enum(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'])

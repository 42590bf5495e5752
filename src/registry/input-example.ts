import type { ModelInput } from '../models/index.js'

type Json = unknown

function isRecord(value: Json): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** pandas' `split` orient: `{ columns: [...], data: [[...], ...] }` → records. */
function fromSplit(split: Record<string, unknown>): ModelInput | undefined {
  const { columns, data } = split
  if (!Array.isArray(columns) || !Array.isArray(data)) return undefined
  return data.map((row: unknown) =>
    Object.fromEntries(columns.map((c, i) => [String(c), Array.isArray(row) ? row[i] : undefined])),
  )
}

/**
 * Reads an MLflow input example into model input. MLflow writes several shapes over its versions:
 * pandas `split` (`input_example.json`), records, and the serving payloads
 * (`{"dataframe_split": …}`, `{"dataframe_records": […]}`, `{"inputs": …}`).
 * @returns undefined for a shape it does not know
 */
export function inputExampleToModelInput(example: Json): ModelInput | undefined {
  if (Array.isArray(example)) {
    return example.every(isRecord) ? (example as Record<string, unknown>[]) : undefined
  }
  if (!isRecord(example)) return undefined
  if (isRecord(example.dataframe_split)) return fromSplit(example.dataframe_split)
  if (Array.isArray(example.dataframe_records)) {
    return inputExampleToModelInput(example.dataframe_records)
  }
  if (example.inputs !== undefined) {
    const { inputs } = example
    if (Array.isArray(inputs)) return inputExampleToModelInput(inputs)
    if (isRecord(inputs)) return inputs as Record<string, readonly unknown[]>
    return undefined
  }
  return fromSplit(example)
}

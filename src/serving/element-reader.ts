import { InvalidParameterError } from '../shared/errors.js'

/** onnxruntime element types a request can feed. */
export type ElementType = 'float64' | 'float32' | 'int64' | 'int32' | 'bool' | 'string'

/** Converts one request value for a column; throws naming the column and row. */
export type ElementReader = (value: unknown, row: number) => unknown

const TYPE_NAMES: Record<ElementType, string> = {
  float64: 'a number (double)',
  float32: 'a number (float)',
  int64: 'an integer (long)',
  int32: 'an integer (integer)',
  bool: 'a boolean',
  string: 'a string',
}

function shown(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  const text = JSON.stringify(value) ?? typeof value
  return text.length > 40 ? `${text.slice(0, 40)}…` : text
}

function reject(column: string, row: number, message: string): never {
  throw new InvalidParameterError(`Column '${column}', row ${row}: ${message}`)
}

/** A number from JSON, or from CSV text; null for a missing value; undefined when not a number. */
function readNumber(value: unknown, textual: boolean): number | null | undefined {
  if (value === null || value === undefined) return null
  if (typeof value === 'number') return Number.isNaN(value) ? null : value
  if (typeof value === 'bigint') return Number(value)
  if (textual && typeof value === 'string') {
    const text = value.trim()
    if (text === '' || /^nan$/i.test(text)) return null
    const number = Number(text)
    return Number.isNaN(number) ? undefined : number
  }
  return undefined
}

function readBool(value: unknown, textual: boolean): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0
  if (textual && typeof value === 'string') {
    if (/^(true|1)$/i.test(value.trim())) return 1
    if (/^(false|0)$/i.test(value.trim())) return 0
  }
  return undefined
}

function integerReader(type: 'int64' | 'int32', column: string, textual: boolean): ElementReader {
  const [low, high] = type === 'int32' ? [-(2 ** 31), 2 ** 31 - 1] : [-(2 ** 53), 2 ** 53]
  return (value, row) => {
    if (typeof value === 'bigint' && type === 'int64') return value
    const number = readNumber(value, textual)
    if (number === null)
      reject(column, row, `a missing value (null/NaN) cannot be ${TYPE_NAMES[type]}`)
    if (number === undefined)
      reject(column, row, `expected ${TYPE_NAMES[type]}, got ${shown(value)}`)
    if (!Number.isInteger(number) || number < low || number > high) {
      reject(column, row, `cannot safely convert ${shown(value)} to ${TYPE_NAMES[type]}`)
    }
    return type === 'int64' ? BigInt(number) : number
  }
}

/**
 * The conversion of one column's values to `type`, with MLflow's rules: numbers widen but never
 * narrow (1.5 is not a long), text is never a number (except in CSV), null is a missing value only
 * in float/double columns and only when `allowMissing`.
 */
export function elementReader(
  type: ElementType,
  column: string,
  textual: boolean,
  allowMissing: boolean,
): ElementReader {
  switch (type) {
    case 'float64':
    case 'float32':
      return (value, row) => {
        const number = readNumber(value, textual)
        if (number === undefined)
          reject(column, row, `expected ${TYPE_NAMES[type]}, got ${shown(value)}`)
        if (number === null && !allowMissing) {
          reject(column, row, 'missing values (null/NaN) are not allowed by this deployment')
        }
        return number ?? NaN
      }
    case 'int64':
    case 'int32':
      return integerReader(type, column, textual)
    case 'bool':
      return (value, row) =>
        readBool(value, textual) ?? reject(column, row, `expected a boolean, got ${shown(value)}`)
    case 'string':
      return (value, row) => {
        if (typeof value === 'string') return value
        if ((value === null || value === undefined) && allowMissing) return ''
        return reject(column, row, `expected a string, got ${shown(value)}`)
      }
  }
}

/** Whether onnxruntime element `type` is one a request can feed. */
export function isFeedable(type: string): type is ElementType {
  return type in TYPE_NAMES
}

import { InvalidParameterError } from '../shared/errors.js'
import { columnsTable, recordsTable, splitTable, type RawTable } from './raw-table.js'

/** The request forms MLflow's scoring server takes, exactly one per body. */
export const MLFLOW_FORMATS = [
  'dataframe_split',
  'dataframe_records',
  'instances',
  'inputs',
] as const

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A list of values for the model's only input; a model with several inputs needs names. */
function singleInput(values: readonly unknown[], inputNames: readonly string[], where: string) {
  if (inputNames.length !== 1) {
    throw new InvalidParameterError(
      `${where} is an unnamed list, but the model takes ${inputNames.length} inputs (${inputNames.join(', ')}); send objects with named fields`,
    )
  }
  return columnsTable({ [inputNames[0]!]: values }, where)
}

/**
 * Reads an `/invocations` JSON body as MLflow's scoring server does: an object with exactly one of
 * `dataframe_split`, `dataframe_records`, `instances` or `inputs`, and optionally `params`.
 * @throws InvalidParameterError saying which forms are allowed
 */
export function parseMlflowJson(body: unknown, inputNames: readonly string[]): RawTable {
  const allowed = `exactly one of ${MLFLOW_FORMATS.join(', ')}`
  if (!isRecord(body)) {
    throw new InvalidParameterError(`The request body must be a JSON object with ${allowed}`)
  }
  const keys = Object.keys(body)
  const formats = keys.filter((k) => (MLFLOW_FORMATS as readonly string[]).includes(k))
  const unknown = keys.filter((k) => k !== 'params' && !formats.includes(k))
  if (formats.length !== 1 || unknown.length > 0) {
    const got = keys.length === 0 ? 'no fields' : `fields ${keys.join(', ')}`
    throw new InvalidParameterError(
      `The request body must have ${allowed} (and params); got ${got}`,
    )
  }
  const format = formats[0]!
  const value = body[format]
  switch (format) {
    case 'dataframe_split':
      return splitTable(value, format)
    case 'dataframe_records':
      if (!Array.isArray(value))
        throw new InvalidParameterError(`${format} must be a list of objects`)
      return recordsTable(value, format)
    case 'instances':
      if (!Array.isArray(value)) throw new InvalidParameterError(`${format} must be a list`)
      return value.length > 0 && value.every(isRecord)
        ? recordsTable(value, format)
        : singleInput(value, inputNames, format)
    default:
      if (Array.isArray(value)) return singleInput(value, inputNames, format)
      if (isRecord(value)) return columnsTable(value, format)
      throw new InvalidParameterError(`${format} must be a list or an object of named lists`)
  }
}

/**
 * Parses a JSON text as Python's json module does, so bodies written by MLflow's Python client
 * parse: bare `NaN` becomes null (a missing value) and `Infinity`/`-Infinity` overflow to ±Infinity.
 * Only tried after plain JSON.parse failed. @throws SyntaxError for anything else malformed
 */
export function parsePythonJson(text: string): unknown {
  let out = ''
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (inString) {
      out += c
      if (c === '\\') out += text[++i] ?? ''
      else if (c === '"') inString = false
    } else if (c === '"') {
      inString = true
      out += c
    } else if (text.startsWith('NaN', i)) {
      out += 'null'
      i += 2
    } else if (text.startsWith('Infinity', i)) {
      out += '1e999'
      i += 7
    } else out += c
  }
  return JSON.parse(out)
}

import { InvalidParameterError } from '../shared/errors.js'

// DuckDB error classes that mean our SQL is wrong, not the data: those stay bugs (500s).
const OUR_FAULT = /^(Binder|Parser|Catalog|Internal|Not implemented|Dependency) Error/

/**
 * The gist of a DuckDB error: its first paragraph (for a CSV conversion error, the line and the
 * column), without the SQL excerpt and the list of reader settings that follows.
 */
export function duckdbMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  const gist: string[] = []
  for (const line of message.split('\n')) {
    if (line.startsWith('LINE ')) continue
    if (line.trim() === '' || line.startsWith('Possible solutions')) {
      if (gist.length > 0) break
      continue
    }
    gist.push(line.trim())
  }
  const text = gist.join('; ') || message
  return text.length > 500 ? `${text.slice(0, 497)}...` : text
}

/**
 * Turns a DuckDB error about the data (unreadable, truncated or inconsistent file, bad cast) into
 * an InvalidParameterError that says `what` failed; errors in our own SQL are rethrown unchanged.
 */
export function dataError(err: unknown, what: string): Error {
  const message = duckdbMessage(err)
  if (OUR_FAULT.test(message)) return err instanceof Error ? err : new Error(message)
  return new InvalidParameterError(`${what}: ${message}`, { cause: err })
}

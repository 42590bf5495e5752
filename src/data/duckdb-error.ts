import { InvalidParameterError } from '../shared/errors.js'

// DuckDB error classes that mean our SQL is wrong, not the data: those stay bugs (500s).
const OUR_FAULT = /^(Binder|Parser|Catalog|Internal|Not implemented|Dependency) Error/

/** The first meaningful line of a DuckDB error, without its SQL excerpt. */
export function duckdbMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  return (
    message.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('LINE '))[0] ??
    message
  )
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

import { Option } from 'commander'
import { InvalidParameterError } from '../../shared/errors.js'

/** `-p key=value`, repeatable, into one object. */
export function collectParam(
  value: string,
  previous: Record<string, string> = {},
): Record<string, string> {
  const eq = value.indexOf('=')
  if (eq < 1) throw new InvalidParameterError(`expected key=value, got '${value}'`)
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) }
}

/** `--executor local|distributed`. */
export function executorOption(): Option {
  return new Option(
    '--executor <executor>',
    'local (in this process) or distributed (lathe worker processes)',
  ).choices(['local', 'distributed'])
}

/** A parser for flags that take a whole number of at least 1. */
export function positive(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value)
    if (!Number.isInteger(n) || n < 1)
      throw new InvalidParameterError(
        `${flag} must be a whole number of at least 1, got '${value}'`,
      )
    return n
  }
}

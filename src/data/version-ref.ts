import { InvalidParameterError } from '../shared/errors.js'

/** A name of a dataset or contract: letters, digits, `_ . -`, starting with a letter or digit. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/
const ALIAS_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/

/** `name` (the latest version), `name:3` (version 3) or `name@golden` (an alias). */
export interface VersionRef {
  readonly name: string
  readonly version?: number | undefined
  readonly alias?: string | undefined
}

/** Parses a version reference. @throws InvalidParameterError saying what the forms are. */
export function parseVersionRef(text: string, { allowAlias = true } = {}): VersionRef {
  const match = /^([^:@]+)(?::(\d+)|@(.+))?$/.exec(text.trim())
  const forms = allowAlias ? "'name', 'name:3' or 'name@alias'" : "'name' or 'name:3'"
  if (!match || !NAME_PATTERN.test(match[1] ?? '')) {
    throw new InvalidParameterError(`Invalid reference '${text}': expected ${forms}`)
  }
  const [, name = '', version, alias] = match
  if (alias !== undefined) {
    if (!allowAlias)
      throw new InvalidParameterError(`Invalid reference '${text}': expected ${forms}`)
    if (alias === 'latest') return { name }
    checkAlias(alias)
    return { name, alias }
  }
  if (version !== undefined) {
    const n = Number(version)
    if (!Number.isSafeInteger(n) || n < 1) {
      throw new InvalidParameterError(`Invalid reference '${text}': versions start at 1`)
    }
    return { name, version: n }
  }
  return { name }
}

/** The reference as text. */
export function formatVersionRef(ref: VersionRef): string {
  if (ref.alias !== undefined) return `${ref.name}@${ref.alias}`
  return ref.version !== undefined ? `${ref.name}:${ref.version}` : ref.name
}

/** @throws InvalidParameterError when `alias` is not a valid alias name. */
export function checkAlias(alias: string): void {
  if (!ALIAS_PATTERN.test(alias) || alias === 'latest') {
    throw new InvalidParameterError(
      `Invalid alias '${alias}': letters, digits, '_' and '-', starting with a letter ('latest' is reserved)`,
    )
  }
}

/** @throws InvalidParameterError when `name` is not a valid dataset name. */
export function checkName(kind: 'dataset' | 'contract', name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new InvalidParameterError(
      `Invalid ${kind} name '${name}': letters, digits, '_', '.' and '-', at most 200, starting with a letter or digit`,
    )
  }
}

import { posix } from 'node:path'
import { InvalidParameterError } from '../shared/errors.js'

export const MAX_KEY_LENGTH = 250
export const MAX_PARAM_VALUE_LENGTH = 6000
export const MAX_TAG_VALUE_LENGTH = 8000
export const MAX_EXPERIMENT_TAG_VALUE_LENGTH = 20000
export const MAX_NAME_LENGTH = 500

// MLflow's rule: keys may be used as file names, so only path-safe characters.
const KEY_PATTERN = /^[/\w.\- :]*$/

/** Checks a metric, param or tag key the way MLflow does. @throws InvalidParameterError */
export function checkKey(kind: 'metric' | 'param' | 'tag', key: string): void {
  if (key.length === 0) throw new InvalidParameterError(`Missing value for ${kind} key`)
  if (key.length > MAX_KEY_LENGTH) {
    throw new InvalidParameterError(
      `${capitalise(kind)} key '${key.slice(0, 40)}…' had length ${key.length}, which exceeded length limit of ${MAX_KEY_LENGTH}`,
    )
  }
  if (!KEY_PATTERN.test(key)) {
    throw new InvalidParameterError(
      `Invalid ${kind} name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/).`,
    )
  }
  if (key.startsWith('/') || posix.normalize(key) !== key) {
    throw new InvalidParameterError(
      `Invalid ${kind} name: '${key}'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such.`,
    )
  }
}

/** Checks a value's length against its limit. @throws InvalidParameterError */
export function checkValueLength(kind: string, key: string, value: string, limit: number): void {
  if (value.length > limit) {
    throw new InvalidParameterError(
      `${capitalise(kind)} value '${value.slice(0, 40)}…' for key '${key}' had length ${value.length}, which exceeded length limit of ${limit}`,
    )
  }
}

/** Checks an experiment or run name. @throws InvalidParameterError */
export function checkName(kind: string, name: string): void {
  if (name.trim() === '')
    throw new InvalidParameterError(`${capitalise(kind)} name must be a non-empty string`)
  if (name.length > MAX_NAME_LENGTH) {
    throw new InvalidParameterError(
      `${capitalise(kind)} name had length ${name.length}, which exceeded length limit of ${MAX_NAME_LENGTH}`,
    )
  }
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1)
}

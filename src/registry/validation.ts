import { InvalidParameterError } from '../shared/errors.js'
import type { KeyValue, Stage } from './model.js'

const MAX_NAME_LENGTH = 256
const MAX_ALIAS_LENGTH = 255
const MAX_TAG_KEY_LENGTH = 250
const MAX_TAG_VALUE_LENGTH = 100_000
// Control characters (NUL included) would corrupt logs and URIs.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/

/** Checks a registered model name. @throws InvalidParameterError */
export function checkModelName(name: string, field = 'name'): void {
  if (name.trim() === '') {
    throw new InvalidParameterError(`Missing value for required parameter '${field}'.`)
  }
  if (name.length > MAX_NAME_LENGTH) {
    throw new InvalidParameterError(
      `Registered model ${field} had length ${name.length}, which exceeded length limit of ${MAX_NAME_LENGTH}`,
    )
  }
  if (CONTROL.test(name)) {
    throw new InvalidParameterError(`Registered model ${field} must not contain control characters`)
  }
}

/**
 * Checks an alias name as MLflow does: alphanumerics, `_` and `-`; `latest` and `v<digits>` are
 * reserved because `models:/name@latest` and version URIs would be ambiguous. @throws InvalidParameterError
 */
export function checkAlias(alias: string): void {
  if (alias === '') throw new InvalidParameterError('Registered model alias name cannot be empty.')
  if (!/^[\w-]*$/.test(alias)) {
    throw new InvalidParameterError(
      `Invalid alias name: '${alias.slice(0, 100)}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`,
    )
  }
  if (alias.length > MAX_ALIAS_LENGTH) {
    throw new InvalidParameterError(
      `Registered model alias name had length ${alias.length}, which exceeded length limit of ${MAX_ALIAS_LENGTH}`,
    )
  }
  if (alias.toLowerCase() === 'latest') {
    throw new InvalidParameterError("'latest' alias name (case insensitive) is reserved.")
  }
  if (/^[vV]\d+$/.test(alias)) {
    throw new InvalidParameterError(`Version alias name '${alias}' is reserved.`)
  }
}

/** A version number from the wire (a decimal string). @throws InvalidParameterError */
export function parseVersion(version: string | number): number {
  const text = String(version)
  if (!/^\d{1,15}$/.test(text)) {
    throw new InvalidParameterError(
      `Parameter 'version' must be an integer, got '${text.slice(0, 100)}'.`,
    )
  }
  return Number(text)
}

/** Checks a registered-model or model-version tag. @throws InvalidParameterError */
export function checkTag(tag: KeyValue): void {
  if (tag.key === '') throw new InvalidParameterError('Missing value for required parameter key.')
  if (tag.key.length > MAX_TAG_KEY_LENGTH) {
    throw new InvalidParameterError(
      `Tag key '${tag.key.slice(0, 40)}…' had length ${tag.key.length}, which exceeded length limit of ${MAX_TAG_KEY_LENGTH}`,
    )
  }
  if (tag.value.length > MAX_TAG_VALUE_LENGTH) {
    throw new InvalidParameterError(
      `Tag value for key '${tag.key}' had length ${tag.value.length}, which exceeded length limit of ${MAX_TAG_VALUE_LENGTH}`,
    )
  }
}

const STAGES: readonly Stage[] = ['None', 'Staging', 'Production', 'Archived']

/** A stage name in any case (`production`) to its canonical form. @throws InvalidParameterError */
export function canonicalStage(stage: string): Stage {
  const found = STAGES.find((s) => s.toLowerCase() === stage.toLowerCase())
  if (!found) {
    throw new InvalidParameterError(
      `Invalid Model Version stage: ${stage.slice(0, 100)}. Value must be one of ${STAGES.join(', ')}.`,
    )
  }
  return found
}

/** Stages that `archive_existing_versions` may empty. */
export const ACTIVE_STAGES: readonly Stage[] = ['Staging', 'Production']

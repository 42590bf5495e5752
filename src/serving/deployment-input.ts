import { InvalidParameterError } from '../shared/errors.js'
import type { DeploymentTarget, Strategy } from './deployment.js'
import { STRATEGIES } from './deployment.js'
import type { ConfigPatch } from './deployment-config.js'

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/

/** Checks a deployment name (it appears in URLs). @throws InvalidParameterError */
export function checkDeploymentName(name: string): void {
  if (!NAME.test(name)) {
    throw new InvalidParameterError(
      `Deployment name '${name.slice(0, 100)}' must be 1-100 letters, digits, '_', '.' or '-', starting with a letter or digit`,
    )
  }
}

/** What `create` takes. */
export interface CreateDeployment {
  readonly name: string
  readonly model: string
  /** Follow this alias… */
  readonly alias?: string | undefined
  /** …or pin this version. */
  readonly version?: number | undefined
  readonly strategy?: Strategy | undefined
  readonly config?: ConfigPatch | undefined
}

/** What `update` takes: every field optional. */
export interface UpdateDeployment {
  readonly alias?: string | undefined
  readonly version?: number | undefined
  readonly strategy?: Strategy | undefined
  readonly config?: ConfigPatch | undefined
}

/** What `release` takes. */
export interface StartReleaseInput {
  readonly version: number
  /** Defaults to the deployment's strategy. */
  readonly strategy?: Strategy | undefined
  readonly trigger?: string | undefined
}

/** A strategy name, checked. @throws InvalidParameterError listing the strategies */
export function checkStrategy(strategy: string): Strategy {
  if (!STRATEGIES.includes(strategy as Strategy)) {
    throw new InvalidParameterError(
      `strategy must be one of ${STRATEGIES.join(', ')}, got '${strategy}'`,
    )
  }
  return strategy as Strategy
}

/** The target of an alias or a version (not both); undefined for neither. */
export function targetOf(input: {
  alias?: string | undefined
  version?: number | undefined
}): DeploymentTarget | undefined {
  if (input.alias !== undefined && input.version !== undefined) {
    throw new InvalidParameterError('Give either an alias to follow or a version to pin, not both')
  }
  if (input.alias !== undefined) return { alias: input.alias }
  if (input.version !== undefined) {
    if (!Number.isSafeInteger(input.version) || input.version < 1) {
      throw new InvalidParameterError(`version must be a positive integer, got ${input.version}`)
    }
    return { version: input.version }
  }
  return undefined
}

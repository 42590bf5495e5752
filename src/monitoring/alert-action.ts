import { InvalidParameterError } from '../shared/errors.js'

/** A parameter passed to a retraining pipeline. */
export type ActionParam = string | number | boolean

/**
 * What a firing alert does, besides being delivered: start a retraining pipeline (which carries
 * its own gates), roll back the deployment's progressing release, or pin the deployment to a
 * known-safe version. Each runs once per firing.
 */
export type AlertAction =
  | {
      readonly kind: 'retrain'
      /** A registered pipeline's name. */
      readonly pipeline: string
      readonly params?: Readonly<Record<string, ActionParam>> | undefined
    }
  | { readonly kind: 'rollback' }
  | { readonly kind: 'pin'; readonly version: number }

export const ACTION_KINDS = ['retrain', 'rollback', 'pin'] as const

/** What carrying out an action touches in the other contexts (wired by the composition root). */
export interface AlertActuators {
  /** Starts a pipeline run; `triggeredBy` (`alert:<id>`) links it in the lineage. Returns its id. */
  retrain(
    pipeline: string,
    params: Readonly<Record<string, ActionParam>>,
    triggeredBy: string,
  ): Promise<string>
  /** Rolls back the deployment's progressing release. @throws InvalidStateError when none */
  rollback(deployment: string, reason: string): Promise<void>
  /** Makes the deployment serve `version` (the alert's event says why). */
  pin(deployment: string, version: number): Promise<void>
}

/** @throws InvalidParameterError naming the bad action */
export function checkActions(actions: readonly AlertAction[]): void {
  actions.forEach((action, i) => {
    const where = `actions[${i}]`
    if (!ACTION_KINDS.includes(action.kind))
      throw new InvalidParameterError(`${where}.kind must be one of ${ACTION_KINDS.join(', ')}`)
    if (action.kind === 'retrain' && !(typeof action.pipeline === 'string' && action.pipeline))
      throw new InvalidParameterError(`${where}.pipeline must name a registered pipeline`)
    if (action.kind === 'pin' && !(Number.isSafeInteger(action.version) && action.version >= 1))
      throw new InvalidParameterError(`${where}.version must be a positive integer`)
  })
}

/** The lineage and audit id of one firing of a rule. */
export function alertId(ruleId: string, firedAtMs: number): string {
  return `${ruleId}@${firedAtMs}`
}

import type { z } from 'zod'
import type { StepContext } from './step-context.js'

/**
 * A step kind the platform provides (validate against a contract, train, register…): defined
 * once, used from TypeScript (`.use(name, kind, …)`) and YAML (`uses: kind`).
 */
export interface BuiltinKind<Config extends z.ZodType, Output> {
  /** Dotted name: `dataset.version`. */
  readonly kind: string
  /** Bumped when the behaviour changes, so cached results of the old one are not reused. */
  readonly version: number
  /** Output keys that change between identical reruns (new ids, version numbers). */
  readonly volatile: readonly string[]
  /** False when running it twice has a visible effect beyond its outputs. */
  readonly idempotent: boolean
  /** The configuration (`with:`) it takes; unknown keys are errors. */
  readonly config: Config
  run(ctx: StepContext, config: z.output<Config>): Promise<Output>
}

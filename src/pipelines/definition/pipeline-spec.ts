import type { StepContext } from './step-context.js'

/** A pipeline parameter: JSON scalars only, so that cache keys and CLI flags stay simple. */
export type ParamValue = string | number | boolean

/** Parameters by name. */
export type Params = Readonly<Record<string, ParamValue>>

/** How a step is retried and bounded; every field has a default. */
export interface StepPolicy {
  /** Extra tries after a failure (default 0). */
  readonly retries: number
  /** Wait before the first retry, doubled for each next one (default 1000). */
  readonly backoffMs: number
  /** Abort a try after this long (default: no limit). */
  readonly timeoutMs: number | undefined
  /**
   * False for steps with side effects that must not happen twice (a payment, an email): after a
   * lost worker such a step is failed, not run again.
   */
  readonly idempotent: boolean
  /** False to run the step every time, cache or not. */
  readonly cache: boolean
}

/** One step as the executors see it, whichever way it was defined (TypeScript, YAML, built-in). */
export interface StepSpec extends StepPolicy {
  readonly name: string
  /** Upstream steps whose outputs are this step's inputs. */
  readonly needs: readonly string[]
  /** The pipeline parameters it reads; only these go into its cache key. */
  readonly params: readonly string[]
  /** `function`, `shell`, or a built-in kind such as `model.train`. */
  readonly kind: string
  /** sha256 of what the step does (its source, command or built-in configuration). */
  readonly codeHash: string
  /** Output keys that differ between identical reruns (ids, version numbers). */
  readonly volatile: readonly string[]
  /** Does the work; returns JSON outputs. */
  run(ctx: StepContext, inputs: Readonly<Record<string, unknown>>): Promise<unknown>
}

/** A validated pipeline: parameters with defaults, and steps in a topological order. */
export interface PipelineSpec {
  readonly name: string
  readonly description: string | undefined
  readonly params: Params
  readonly steps: readonly StepSpec[]
}

/** A step as stored with a run: what bookkeeping needs without loading code. */
export interface PlannedStep {
  readonly name: string
  readonly needs: readonly string[]
  readonly params: readonly string[]
  readonly kind: string
  readonly idempotent: boolean
}

/** The stored shape of a pipeline's graph. */
export function planOf(spec: PipelineSpec): PlannedStep[] {
  return spec.steps.map(({ name, needs, params, kind, idempotent }) => ({
    name,
    needs,
    params,
    kind,
    idempotent,
  }))
}

export const DEFAULT_POLICY: StepPolicy = {
  retries: 0,
  backoffMs: 1000,
  timeoutMs: undefined,
  idempotent: true,
  cache: true,
}

import type { ParamValue } from '../definition/pipeline-spec.js'
import type { Executor } from '../run/start-run.js'

/** Starts a registered pipeline; what schedules and triggers call. Returns the run id. */
export type Launch = (
  pipeline: string,
  options: {
    readonly params: Readonly<Record<string, ParamValue>>
    readonly executor: Executor
    readonly startedBy: string
    readonly triggeredBy?: string | undefined
  },
) => Promise<string>

/** Checks an executor name. */
export function parseExecutor(value: string): Executor {
  if (value === 'local' || value === 'distributed') return value
  throw new Error(`executor must be 'local' or 'distributed', got '${value}'`)
}

import { mkdtempSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { StepSpec } from '../definition/pipeline-spec.js'
import type { StepContextInput } from './step-context-impl.js'
import { makeStepContext } from './step-context-impl.js'
import type { Claim } from './step-transitions.js'

/** Why a try was stopped from outside the step's code. */
export class StepAbort extends Error {}

/** How the tries of a step ended. */
export type AttemptsOutcome =
  | { readonly claim: Claim; readonly outputs: unknown }
  | { readonly claim: Claim; readonly error: unknown }

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason as Error)
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true })
  })
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return Promise.race([new Promise<void>((r) => setTimeout(r, ms).unref()), rejectOnAbort(signal)])
}

/** One try, in its own scratch folder, bounded by the step's timeout. */
async function tryOnce(
  step: StepSpec,
  base: Omit<StepContextInput, 'attempt' | 'signal' | 'workDir'>,
  attempt: number,
  { inputs, signal }: { inputs: Readonly<Record<string, unknown>>; signal: AbortSignal },
): Promise<unknown> {
  const timeout = new AbortController()
  const timer =
    step.timeoutMs === undefined
      ? undefined
      : setTimeout(
          () => timeout.abort(new StepAbort(`timed out after ${step.timeoutMs} ms`)),
          step.timeoutMs,
        )
  const trySignal = AbortSignal.any([signal, timeout.signal])
  // Made on first use: most steps never touch files, and a folder per step costs.
  let workDir: string | undefined
  const makeWorkDir = () => (workDir ??= mkdtempSync(join(tmpdir(), 'lathe-step-')))
  try {
    const ctx = makeStepContext({ ...base, attempt, signal: trySignal, workDir: makeWorkDir })
    // A JavaScript function cannot be stopped from outside: past its timeout it is abandoned.
    return await Promise.race([step.run(ctx, inputs), rejectOnAbort(trySignal)])
  } finally {
    clearTimeout(timer)
    if (workDir) await rm(workDir, { recursive: true, force: true })
  }
}

/**
 * Runs a step's tries: on a failure it waits (backoff doubling each time) and tries again while
 * retries are left, each try counted as an attempt under the same claim. Stops at once when
 * `signal` aborts (cancelled, or the lease was lost).
 */
export async function runAttempts(
  step: StepSpec,
  base: Omit<StepContextInput, 'attempt' | 'signal' | 'workDir'>,
  options: {
    readonly claim: Claim
    readonly inputs: Readonly<Record<string, unknown>>
    readonly signal: AbortSignal
    readonly nextAttempt: (claim: Claim) => Promise<Claim | undefined>
  },
): Promise<AttemptsOutcome> {
  let claim = options.claim
  for (let tryNumber = 1; ; tryNumber++) {
    try {
      const outputs = await tryOnce(step, base, claim.attempt, options)
      return { claim, outputs }
    } catch (error) {
      base.log.append(`attempt ${claim.attempt} failed: ${messageOf(error)}`)
      if (options.signal.aborted || tryNumber > step.retries) return { claim, error }
      const waitMs = step.backoffMs * 2 ** (tryNumber - 1)
      base.log.append(`retrying in ${waitMs} ms (${step.retries - tryNumber + 1} retries left)`)
      try {
        await sleep(waitMs, options.signal)
      } catch (aborted) {
        return { claim, error: aborted }
      }
      const next = await options.nextAttempt(claim)
      if (!next) return { claim, error: new StepAbort('the step was cancelled or taken over') }
      claim = next
    }
  }
}

/** An error's message, with the first stack frame of unexpected errors. */
export function messageOf(error: unknown): string {
  if (error instanceof StepAbort) return error.message
  if (error instanceof Error) return error.message || error.name
  return String(error)
}

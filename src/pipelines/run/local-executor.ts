import { executeClaimed } from './execute-step.js'
import { pipelineDb, type ExecutorDeps, type RunContext } from './run-context.js'
import type { Dispatch } from './settle-step.js'
import { claimStep } from './step-transitions.js'

/** Local steps are handed on in memory, after the transaction that readied them commits. */
const inMemory: Dispatch = async () => {}

/**
 * Runs a run's steps in this process, at most `concurrency` at a time: each finished step
 * readies its downstream steps, which join the queue. Resolves when nothing is left to run.
 */
export function executeLocally(
  deps: ExecutorDeps,
  run: RunContext,
  ready: readonly string[],
  { concurrency, worker }: { concurrency: number; worker: string },
): Promise<void> {
  const queue = [...ready]
  let active = 0
  return new Promise((resolve) => {
    const launch = async (step: string) => {
      const claim = await claimStep(pipelineDb(deps), { runId: run.runId, step }, worker, {
        nowMs: deps.clock.nowMs(),
        leaseMs: deps.leaseMs,
      })
      if (!claim) return
      const settled = await executeClaimed(deps, run, claim, inMemory)
      if (settled) queue.push(...settled.ready)
    }
    const pump = () => {
      while (active < concurrency && queue.length > 0) {
        active++
        launch(queue.shift()!)
          .catch(() => undefined) // The claim failed: the step stays queued for `cancel` to close.
          .finally(() => {
            active--
            pump()
          })
      }
      if (active === 0 && queue.length === 0) resolve()
    }
    pump()
  })
}

import type { Selectable } from 'kysely'
import type { StepSpec } from '../definition/pipeline-spec.js'
import type { PipelineTables } from '../schema.js'
import { outputDigests } from './digest.js'
import type { pipelineDb } from './run-context.js'
import { type ExecutorDeps, type RunContext } from './run-context.js'
import { settleStep, type Dispatch, type Settled, type Settlement } from './settle-step.js'
import type { StepLineage } from './step-context-impl.js'
import type { StepLog } from './step-log.js'
import type { Claim } from './step-transitions.js'

const TRACKING_STATUS = { succeeded: 'FINISHED', failed: 'FAILED' } as const

/** Settles in one transaction, then closes the run's tracking run if the run ended. */
async function settle(
  deps: ExecutorDeps,
  run: RunContext,
  claim: Claim,
  settlement: Settlement,
  dispatch: Dispatch,
  alsoInTransaction?: (trx: ReturnType<typeof pipelineDb>) => Promise<void>,
): Promise<Settled | undefined> {
  const settled = await deps.store.transaction<PipelineTables, Settled | undefined>(async (trx) => {
    const result = await settleStep(trx, run.plan, claim, settlement, {
      nowMs: deps.clock.nowMs(),
      dispatch,
    })
    if (result && alsoInTransaction) await alsoInTransaction(trx)
    return result
  })
  if (settled?.finished)
    await deps.services.tracking.endRun(run.trackingRunId, TRACKING_STATUS[settled.finished])
  return settled
}

/** Records a step's outputs and caches them under its key. Non-JSON outputs fail the step. */
export async function recordSuccess(
  deps: ExecutorDeps,
  run: RunContext,
  options: {
    step: StepSpec
    claim: Claim
    key: string
    outputs: unknown
    log: StepLog
    lineage: StepLineage
    dispatch: Dispatch
  },
): Promise<Settled | undefined> {
  const { step, claim, key, log, dispatch } = options
  let digests: ReturnType<typeof outputDigests>
  try {
    digests = outputDigests(options.outputs ?? null, step.volatile)
  } catch (err) {
    const error = `returned outputs that are not JSON: ${(err as Error).message}`
    return recordFailure(deps, run, { claim, error, log, dispatch })
  }
  const lineage = JSON.stringify(options.lineage)
  const settlement: Settlement = {
    status: 'succeeded',
    outputs: digests.text,
    outputDigest: digests.outputDigest,
    reproDigest: digests.reproDigest,
    cacheKey: key,
    lineage,
    logTail: log.tail() || undefined,
  }
  return settle(deps, run, claim, settlement, dispatch, async (trx) => {
    if (!step.cache) return
    await trx
      .insertInto('step_cache')
      .values({
        cache_key: key,
        pipeline: run.pipeline,
        step: step.name,
        outputs: digests.text,
        output_digest: digests.outputDigest,
        repro_digest: digests.reproDigest,
        lineage,
        run_id: run.runId,
        tracking_run_id: null,
        created_at: deps.clock.nowMs(),
      })
      .onConflict((oc) => oc.column('cache_key').doNothing())
      .execute()
  })
}

/** Records a step as reusing the outputs of an earlier run with the same cache key. */
export async function recordCached(
  deps: ExecutorDeps,
  run: RunContext,
  options: {
    claim: Claim
    hit: Selectable<PipelineTables['step_cache']>
    trackingRunId: string
    dispatch: Dispatch
  },
): Promise<Settled | undefined> {
  const { hit } = options
  const settled = await settle(
    deps,
    run,
    options.claim,
    {
      status: 'cached',
      outputs: hit.outputs,
      outputDigest: hit.output_digest,
      reproDigest: hit.repro_digest,
      cacheKey: hit.cache_key,
      cachedFrom: hit.run_id,
      lineage: hit.lineage ?? undefined,
    },
    options.dispatch,
  )
  await deps.services.tracking.endRun(options.trackingRunId, settled ? 'FINISHED' : 'KILLED')
  return settled
}

/** Records a step's failure with its log tail; what depends on it is skipped. */
export function recordFailure(
  deps: ExecutorDeps,
  run: RunContext,
  options: { claim: Claim; error: string; log?: StepLog; dispatch: Dispatch },
): Promise<Settled | undefined> {
  const settlement: Settlement = {
    status: 'failed',
    error: options.error,
    logTail: options.log?.tail() || undefined,
  }
  return settle(deps, run, options.claim, settlement, options.dispatch)
}

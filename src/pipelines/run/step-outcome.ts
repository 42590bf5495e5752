import type { Kysely, Selectable } from 'kysely'
import type { StepSpec } from '../definition/pipeline-spec.js'
import type { PipelineTables } from '../schema.js'
import { outputDigests } from './digest.js'
import type { ExecutorDeps, RunContext } from './run-context.js'
import { settleStep, type Dispatch, type Settled, type Settlement } from './settle-step.js'
import type { StepLineage } from './step-context-impl.js'
import type { StepLog } from './step-log.js'
import type { Claim } from './step-transitions.js'

type CacheRow = Selectable<PipelineTables['step_cache']>
type Trx = Kysely<PipelineTables>

const TRACKING_STATUS = { succeeded: 'FINISHED', failed: 'FAILED' } as const

/** Settles in one transaction, then closes the run's tracking run if the run ended. */
export async function settle(
  deps: Pick<ExecutorDeps, 'store' | 'clock' | 'services'>,
  run: Pick<RunContext, 'plan' | 'trackingRunId'>,
  claim: Claim,
  settlement: Settlement,
  options: { dispatch: Dispatch; also?: Parameters<typeof settleStep>[4]['also'] },
): Promise<Settled | undefined> {
  const settled = await settleStep(deps.store, run.plan, claim, settlement, {
    nowMs: deps.clock.nowMs(),
    ...options,
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
    trackingRunId: string
    dispatch: Dispatch
  },
): Promise<Settled | undefined> {
  const { step, claim, key, log, dispatch, trackingRunId } = options
  let digests: ReturnType<typeof outputDigests>
  try {
    digests = outputDigests(options.outputs ?? null, step.volatile)
  } catch (err) {
    const error = `returned outputs that are not JSON: ${(err as Error).message}`
    return recordFailure(deps, run, { claim, error, log, trackingRunId, dispatch })
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
    trackingRunId,
  }
  const row = cacheRow(deps, run, { step, settlement, key })
  const also = step.cache ? (trx: Trx) => cache(trx, row) : undefined
  return settle(deps, run, claim, settlement, { dispatch, also })
}

function cacheRow(
  deps: Pick<ExecutorDeps, 'clock'>,
  run: RunContext,
  { step, settlement, key }: { step: StepSpec; settlement: Settlement; key: string },
): CacheRow {
  return {
    cache_key: key,
    pipeline: run.pipeline,
    step: step.name,
    outputs: settlement.outputs!,
    output_digest: settlement.outputDigest!,
    repro_digest: settlement.reproDigest!,
    lineage: settlement.lineage ?? null,
    run_id: run.runId,
    tracking_run_id: settlement.trackingRunId ?? null,
    created_at: deps.clock.nowMs(),
  }
}

/** Keeps outputs under their key; the first run to finish with a key keeps it. */
async function cache(trx: Trx, row: CacheRow): Promise<void> {
  await trx
    .insertInto('step_cache')
    .values(row)
    .onConflict((oc) => oc.column('cache_key').doNothing())
    .execute()
}

/**
 * Records a step as reusing the outputs of an earlier run with the same cache key. It makes no
 * tracking run of its own: it points at the one that produced the outputs.
 */
export function recordCached(
  deps: ExecutorDeps,
  run: RunContext,
  options: { claim: Claim; hit: CacheRow; dispatch: Dispatch },
): Promise<Settled | undefined> {
  const { hit } = options
  return settle(
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
      trackingRunId: hit.tracking_run_id ?? undefined,
    },
    { dispatch: options.dispatch },
  )
}

/** Records a step's failure with its log tail; what depends on it is skipped. */
export function recordFailure(
  deps: Pick<ExecutorDeps, 'store' | 'clock' | 'services'>,
  run: Pick<RunContext, 'plan' | 'trackingRunId'>,
  options: {
    claim: Claim
    error: string
    log?: StepLog
    trackingRunId?: string
    dispatch: Dispatch
  },
): Promise<Settled | undefined> {
  const settlement: Settlement = {
    status: 'failed',
    error: options.error,
    logTail: options.log?.tail() || undefined,
    trackingRunId: options.trackingRunId,
  }
  return settle(deps, run, options.claim, settlement, { dispatch: options.dispatch })
}

import type { Kysely } from 'kysely'
import { appendEvents } from '../../events/index.js'
import { currentActor } from '../../shared/actor.js'
import type { PlannedStep } from '../definition/pipeline-spec.js'
import type { PipelineTables } from '../schema.js'
import { OPEN, USABLE, type RunStatus } from './step-status.js'
import { lockRun, type Claim } from './step-transitions.js'

type Db = Kysely<PipelineTables>

/** How a step ended, and what it leaves. */
export interface Settlement {
  readonly status: 'succeeded' | 'cached' | 'failed'
  readonly outputs?: string | undefined
  readonly outputDigest?: string | undefined
  readonly reproDigest?: string | undefined
  readonly cacheKey?: string | undefined
  readonly cachedFrom?: string | undefined
  readonly lineage?: string | undefined
  readonly error?: string | undefined
  readonly logTail?: string | undefined
}

/** What settling changed: steps that became ready, and the run's end if it ended. */
export interface Settled {
  readonly ready: string[]
  readonly finished: 'succeeded' | 'failed' | undefined
}

/** Sends ready steps to whoever runs them (pg-boss in the same transaction, or a local queue). */
export type Dispatch = (trx: Db, runId: string, steps: readonly string[]) => Promise<void>

/**
 * Records how a claimed step ended, in one transaction with its consequences: downstream steps
 * that are now ready are queued (and dispatched), those of a failed step skipped, and the run
 * finished when nothing is left open. Undefined when the claim no longer holds (a zombie worker,
 * a cancelled run): nothing is written then.
 */
export async function settleStep(
  trx: Db,
  plan: readonly PlannedStep[],
  claim: Claim,
  settlement: Settlement,
  { nowMs, dispatch }: { nowMs: number; dispatch: Dispatch },
): Promise<Settled | undefined> {
  if (!(await lockRun(trx, claim.runId, nowMs))) return undefined
  const result = await trx
    .updateTable('step_runs')
    .set({
      status: settlement.status,
      outputs: settlement.outputs ?? null,
      output_digest: settlement.outputDigest ?? null,
      repro_digest: settlement.reproDigest ?? null,
      cache_key: settlement.cacheKey ?? null,
      cached_from: settlement.cachedFrom ?? null,
      lineage: settlement.lineage ?? null,
      error: settlement.error ?? null,
      log_tail: settlement.logTail ?? null,
      lease_until: null,
      ended_at: nowMs,
    })
    .where('run_id', '=', claim.runId)
    .where('step', '=', claim.step)
    .where('status', '=', 'running')
    .where('attempt', '=', claim.attempt)
    .where('worker', '=', claim.worker)
    .returning('tracking_run_id')
    .executeTakeFirst()
  if (!result) return undefined
  const ready =
    settlement.status === 'failed'
      ? await skipDownstream(trx, plan, claim, nowMs)
      : await queueReady(trx, plan, claim, nowMs)
  if (ready.length > 0) await dispatch(trx, claim.runId, ready)
  await appendEvents(
    trx,
    [
      {
        type: 'pipeline_step.finished',
        subject: `pipeline_run:${claim.runId}`,
        payload: {
          step: claim.step,
          status: settlement.status,
          attempt: claim.attempt,
          trackingRunId: result.tracking_run_id,
          ...lineageOf(settlement),
        },
        actor: currentActor(),
      },
    ],
    nowMs,
  )
  return { ready, finished: await finishIfDone(trx, claim.runId, nowMs) }
}

function lineageOf(settlement: Settlement): Record<string, unknown> {
  return settlement.lineage ? (JSON.parse(settlement.lineage) as Record<string, unknown>) : {}
}

/** Queues the steps downstream of `claim.step` whose needs are now all met. */
async function queueReady(trx: Db, plan: readonly PlannedStep[], claim: Claim, nowMs: number) {
  const dependents = plan.filter((s) => s.needs.includes(claim.step))
  if (dependents.length === 0) return []
  const involved = new Set(dependents.flatMap((s) => [s.name, ...s.needs]))
  const rows = await trx
    .selectFrom('step_runs')
    .select(['step', 'status'])
    .where('run_id', '=', claim.runId)
    .where('step', 'in', [...involved])
    .execute()
  const status = new Map(rows.map((r) => [r.step, r.status]))
  const ready = dependents
    .filter((s) => status.get(s.name) === 'pending')
    .filter((s) => s.needs.every((n) => USABLE.includes(status.get(n) as never)))
    .map((s) => s.name)
  if (ready.length === 0) return []
  await trx
    .updateTable('step_runs')
    .set({ status: 'queued', queued_at: nowMs })
    .where('run_id', '=', claim.runId)
    .where('step', 'in', ready)
    .where('status', '=', 'pending')
    .execute()
  return ready
}

/** Everything downstream of a failed step is skipped; independent branches go on. */
async function skipDownstream(trx: Db, plan: readonly PlannedStep[], claim: Claim, nowMs: number) {
  const downstream = new Set<string>()
  let frontier = [claim.step]
  while (frontier.length > 0) {
    const next = plan.filter(
      (s) => s.needs.some((n) => frontier.includes(n)) && !downstream.has(s.name),
    )
    for (const s of next) downstream.add(s.name)
    frontier = next.map((s) => s.name)
  }
  if (downstream.size > 0) {
    await trx
      .updateTable('step_runs')
      .set({ status: 'skipped', error: `upstream step '${claim.step}' failed`, ended_at: nowMs })
      .where('run_id', '=', claim.runId)
      .where('step', 'in', [...downstream])
      .where('status', '=', 'pending')
      .execute()
  }
  return []
}

/** Ends the run once no step is open: failed if any step failed, else succeeded. */
async function finishIfDone(trx: Db, runId: string, nowMs: number): Promise<Settled['finished']> {
  const open = await trx
    .selectFrom('step_runs')
    .select('step')
    .where('run_id', '=', runId)
    .where('status', 'in', [...OPEN])
    .limit(1)
    .executeTakeFirst()
  if (open) return undefined
  const failures = await trx
    .selectFrom('step_runs')
    .select(['step', 'error'])
    .where('run_id', '=', runId)
    .where('status', '=', 'failed')
    .execute()
  const status: RunStatus & Settled['finished'] = failures.length > 0 ? 'failed' : 'succeeded'
  await trx
    .updateTable('pipeline_runs')
    .set({
      status,
      ended_at: nowMs,
      error: failures.length > 0 ? JSON.stringify(failures) : null,
    })
    .where('run_id', '=', runId)
    .execute()
  await appendEvents(
    trx,
    [
      {
        type: 'pipeline_run.finished',
        subject: `pipeline_run:${runId}`,
        payload: { status },
        actor: currentActor(),
      },
    ],
    nowMs,
  )
  return status
}

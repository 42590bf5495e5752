import { sql, type Kysely } from 'kysely'
import { appendEvents } from '../../events/index.js'
import { currentActor } from '../../shared/actor.js'
import type { MetadataStore } from '../../store/index.js'
import type { PlannedStep } from '../definition/pipeline-spec.js'
import type { PipelineTables } from '../schema.js'
import type { RunStatus } from './step-status.js'
import type { Claim } from './step-transitions.js'

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
  /** The tracking run that recorded the work (for a cached step, the one that did it first). */
  readonly trackingRunId?: string | undefined
}

/** What settling changed: steps that became ready, and the run's end if it ended. */
export interface Settled {
  readonly ready: string[]
  readonly finished: Exclude<RunStatus, 'running' | 'cancelled'> | undefined
}

/** Sends ready steps to whoever runs them (pg-boss in the same transaction, or a local queue). */
export type Dispatch = (trx: Db, runId: string, steps: readonly string[]) => Promise<void>

/** Thrown inside the transaction to roll it back when the claim no longer holds. */
class LostClaim extends Error {}

const dependentsCache = new WeakMap<readonly PlannedStep[], Map<string, string[]>>()

/** The steps that need each step, computed once per plan. */
function dependentsOf(plan: readonly PlannedStep[], step: string): string[] {
  let map = dependentsCache.get(plan)
  if (!map) {
    map = new Map()
    for (const s of plan)
      for (const need of s.needs) map.set(need, [...(map.get(need) ?? []), s.name])
    dependentsCache.set(plan, map)
  }
  return map.get(step) ?? []
}

/**
 * Records how a claimed step ended, in one transaction with its consequences: downstream steps
 * whose needs are now all met are queued (and dispatched), those of a failed step skipped, and
 * the run finished when no step is left open. Undefined when the claim no longer holds (a zombie
 * worker, a cancelled run): then nothing is written. `also` runs in the same transaction.
 */
export async function settleStep(
  store: MetadataStore,
  plan: readonly PlannedStep[],
  claim: Claim,
  settlement: Settlement,
  options: { nowMs: number; dispatch: Dispatch; also?: (trx: Db) => Promise<void> },
): Promise<Settled | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.transaction<PipelineTables, Settled>((trx) =>
        settleInTransaction(trx, plan, claim, settlement, options),
      )
    } catch (err) {
      if (err instanceof LostClaim) return undefined
      // Two completions may lock the same downstream rows in opposite orders: PostgreSQL aborts
      // one of them, and trying again resolves it.
      if (attempt >= 5 || !isRetryable(err)) throw err
    }
  }
}

function isRetryable(err: unknown): boolean {
  const code = (err as { code?: unknown }).code
  return code === '40P01' || code === '40001'
}

/**
 * The run's row is written last: rows of steps are locked one by one (each counter update is
 * atomic on its row), and the run's row, which every completion of the run writes, is held only
 * for the end of the transaction.
 */
async function settleInTransaction(
  trx: Db,
  plan: readonly PlannedStep[],
  claim: Claim,
  settlement: Settlement,
  options: { nowMs: number; dispatch: Dispatch; also?: (trx: Db) => Promise<void> },
): Promise<Settled> {
  const trackingRunId = await recordStep(trx, claim, settlement, options.nowMs)
  let settled = 1
  let ready: string[] = []
  if (settlement.status === 'failed')
    settled += await skipDownstream(trx, plan, claim, options.nowMs)
  else ready = await queueReady(trx, plan, claim, options.nowMs)
  if (ready.length > 0) await options.dispatch(trx, claim.runId, ready)
  await options.also?.(trx)
  const payload = { step: claim.step, status: settlement.status, attempt: claim.attempt }
  const event = {
    type: 'pipeline_step.finished',
    subject: `pipeline_run:${claim.runId}`,
    payload: { ...payload, trackingRunId, ...lineageOf(settlement) },
    actor: currentActor(),
  }
  await appendEvents(trx, [event], options.nowMs)
  const open = await closeSteps(trx, claim.runId, settled, options.nowMs)
  return { ready, finished: open <= 0 ? await finish(trx, claim.runId, options.nowMs) : undefined }
}

/** Counts settled steps off the run; the run's row stays locked until the transaction ends. */
async function closeSteps(trx: Db, runId: string, count: number, nowMs: number): Promise<number> {
  const run = await trx
    .updateTable('pipeline_runs')
    .set((eb) => ({ updated_at: nowMs, open_steps: eb('open_steps', '-', count) }))
    .where('run_id', '=', runId)
    .where('status', '=', 'running')
    .returning('open_steps')
    .executeTakeFirst()
  // Cancelled (or ended) meanwhile: nothing of this step is kept.
  if (!run) throw new LostClaim()
  return Number(run.open_steps)
}

/** The conditional write of the step's end; throws LostClaim when another owns it now. */
async function recordStep(
  trx: Db,
  claim: Claim,
  settlement: Settlement,
  nowMs: number,
): Promise<string | null> {
  const row = await trx
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
      tracking_run_id: settlement.trackingRunId ?? null,
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
  if (!row) throw new LostClaim()
  return row.tracking_run_id
}

function lineageOf(settlement: Settlement): Record<string, unknown> {
  return settlement.lineage ? (JSON.parse(settlement.lineage) as Record<string, unknown>) : {}
}

/**
 * One statement: each pending dependent has one need fewer to wait on, and those with none left
 * are queued. The decrement is atomic on each row (a concurrent completion waits for the row and
 * sees the new count), so exactly one completion queues each step.
 */
async function queueReady(
  trx: Db,
  plan: readonly PlannedStep[],
  claim: Claim,
  nowMs: number,
): Promise<string[]> {
  const dependents = dependentsOf(plan, claim.step)
  if (dependents.length === 0) return []
  const rows = await trx
    .updateTable('step_runs')
    .set((eb) => ({
      waiting_on: eb('waiting_on', '-', 1),
      status: eb
        .case()
        .when('waiting_on', '=', 1)
        .then(sql.lit('queued'))
        .else(eb.ref('status'))
        .end(),
      queued_at: eb.case().when('waiting_on', '=', 1).then(nowMs).else(eb.ref('queued_at')).end(),
    }))
    .where('run_id', '=', claim.runId)
    .where('step', 'in', dependents)
    .where('status', '=', 'pending')
    .returning(['step', 'status'])
    .execute()
  return rows.filter((r) => r.status === 'queued').map((r) => r.step)
}

/** Everything downstream of a failed step is skipped; independent branches go on. */
async function skipDownstream(
  trx: Db,
  plan: readonly PlannedStep[],
  claim: Claim,
  nowMs: number,
): Promise<number> {
  const downstream = new Set<string>()
  for (let frontier = [claim.step]; frontier.length > 0;) {
    frontier = frontier.flatMap((s) => dependentsOf(plan, s)).filter((s) => !downstream.has(s))
    for (const s of frontier) downstream.add(s)
  }
  if (downstream.size === 0) return 0
  const skipped = await trx
    .updateTable('step_runs')
    .set({ status: 'skipped', error: `upstream step '${claim.step}' failed`, ended_at: nowMs })
    .where('run_id', '=', claim.runId)
    .where('step', 'in', [...downstream])
    .where('status', '=', 'pending')
    .executeTakeFirst()
  return Number(skipped.numUpdatedRows)
}

/** Ends the run now that no step is open: failed if any step failed, else succeeded. */
async function finish(trx: Db, runId: string, nowMs: number): Promise<Settled['finished']> {
  const failures = await trx
    .selectFrom('step_runs')
    .select(['step', 'error'])
    .where('run_id', '=', runId)
    .where('status', '=', 'failed')
    .execute()
  const status = failures.length > 0 ? 'failed' : 'succeeded'
  await trx
    .updateTable('pipeline_runs')
    .set({ status, ended_at: nowMs, error: failures.length > 0 ? JSON.stringify(failures) : null })
    .where('run_id', '=', runId)
    .execute()
  const event = {
    type: 'pipeline_run.finished',
    subject: `pipeline_run:${runId}`,
    payload: { status },
    actor: currentActor(),
  }
  await appendEvents(trx, [event], nowMs)
  return status
}

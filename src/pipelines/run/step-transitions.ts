import type { Kysely } from 'kysely'
import type { PipelineTables } from '../schema.js'

type Db = Kysely<PipelineTables>

/** A worker's hold on a step: which try, by whom. Every write of the step is conditional on it. */
export interface Claim {
  readonly runId: string
  readonly step: string
  readonly attempt: number
  readonly worker: string
}

function updated(result: { numUpdatedRows: bigint }): boolean {
  return Number(result.numUpdatedRows) > 0
}

/**
 * Takes a queued step for `worker`. Only one claim wins: a duplicate delivery (a pg-boss retry, a
 * reaper race) finds the step running and gets undefined.
 */
export async function claimStep(
  db: Db,
  job: { runId: string; step: string },
  worker: string,
  { nowMs, leaseMs }: { nowMs: number; leaseMs: number },
): Promise<Claim | undefined> {
  const row = await db
    .updateTable('step_runs')
    .set((eb) => ({
      status: 'running',
      attempt: eb('attempt', '+', 1),
      worker,
      lease_until: nowMs + leaseMs,
      started_at: nowMs,
    }))
    .where('run_id', '=', job.runId)
    .where('step', '=', job.step)
    .where('status', '=', 'queued')
    .returning('attempt')
    .executeTakeFirst()
  return row
    ? { runId: job.runId, step: job.step, attempt: Number(row.attempt), worker }
    : undefined
}

/** Extends the lease; false when the step was cancelled or given to another worker meanwhile. */
export async function renewLease(db: Db, claim: Claim, leaseUntil: number): Promise<boolean> {
  return updated(
    await db
      .updateTable('step_runs')
      .set({ lease_until: leaseUntil })
      .where('run_id', '=', claim.runId)
      .where('step', '=', claim.step)
      .where('status', '=', 'running')
      .where('attempt', '=', claim.attempt)
      .where('worker', '=', claim.worker)
      .executeTakeFirst(),
  )
}

/** Counts a retry as a new attempt; undefined when the claim was lost meanwhile. */
export async function nextAttempt(
  db: Db,
  claim: Claim,
  leaseUntil: number,
): Promise<Claim | undefined> {
  const result = await db
    .updateTable('step_runs')
    .set({ attempt: claim.attempt + 1, lease_until: leaseUntil })
    .where('run_id', '=', claim.runId)
    .where('step', '=', claim.step)
    .where('status', '=', 'running')
    .where('attempt', '=', claim.attempt)
    .where('worker', '=', claim.worker)
    .executeTakeFirst()
  return updated(result) ? { ...claim, attempt: claim.attempt + 1 } : undefined
}

import { appendEvents } from '../../events/index.js'
import { currentActor } from '../../shared/actor.js'
import { InvalidStateError } from '../../shared/errors.js'
import type { PipelineTables } from '../schema.js'
import { readRun, type PipelineRun } from './run-reader.js'
import type { ExecutorDeps } from './run-context.js'
import { OPEN } from './step-status.js'

/**
 * Cancels a run: it and its open steps become `cancelled`. Workers running a step find
 * their lease gone at the next heartbeat and abort it; what they would record is refused.
 * @throws NotFoundError, InvalidStateError when the run is already over
 */
export async function cancelRun(
  deps: Pick<ExecutorDeps, 'store' | 'clock' | 'services'>,
  runId: string,
): Promise<void> {
  const db = deps.store.db<PipelineTables>()
  const run = await readRun(db, runId)
  const now = deps.clock.nowMs()
  if (!(await markCancelled(deps, run, now))) {
    const { status } = await readRun(db, runId)
    throw new InvalidStateError(
      `Pipeline run '${runId}' is already ${status}; only running runs can be cancelled`,
    )
  }
  // After the run's own write, not in its transaction: a completion locks step rows before the
  // run's row, so taking them in the other order could deadlock. A completion that lands in
  // between finds the run cancelled and records nothing.
  await db
    .updateTable('step_runs')
    .set({ status: 'cancelled', ended_at: now, lease_until: null, error: 'the run was cancelled' })
    .where('run_id', '=', runId)
    .where('status', 'in', [...OPEN])
    .execute()
  await deps.services.tracking.endRun(run.trackingRunId, 'KILLED')
}

/** The run's own write, with its event; false when it was not running. */
function markCancelled(
  deps: Pick<ExecutorDeps, 'store'>,
  run: PipelineRun,
  now: number,
): Promise<boolean> {
  return deps.store.transaction<PipelineTables, boolean>(async (trx) => {
    const result = await trx
      .updateTable('pipeline_runs')
      .set({ status: 'cancelled', ended_at: now, updated_at: now })
      .where('run_id', '=', run.runId)
      .where('status', '=', 'running')
      .executeTakeFirst()
    if (Number(result.numUpdatedRows) === 0) return false
    const event = {
      type: 'pipeline_run.cancelled',
      subject: `pipeline_run:${run.runId}`,
      payload: { pipeline: run.pipeline },
      actor: currentActor(),
    }
    await appendEvents(trx, [event], now)
    return true
  })
}

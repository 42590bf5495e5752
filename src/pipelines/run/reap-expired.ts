import { appendEvents } from '../../events/index.js'
import { currentActor } from '../../shared/actor.js'
import type { PlannedStep } from '../definition/pipeline-spec.js'
import type { PipelineTables } from '../schema.js'
import type { ExecutorDeps } from './run-context.js'
import type { Dispatch } from './settle-step.js'
import { recordFailure } from './step-outcome.js'
import type { Claim } from './step-transitions.js'

interface Expired {
  readonly run_id: string
  readonly step: string
  readonly attempt: number
  readonly worker: string | null
  readonly executor: string
  readonly plan: string
  readonly tracking_run_id: string
}

/** Puts a step whose worker was lost back in the queue, under a conditional write. */
async function requeue(deps: ExecutorDeps, lost: Expired, dispatch: Dispatch): Promise<void> {
  const now = deps.clock.nowMs()
  await deps.store.transaction<PipelineTables, void>(async (trx) => {
    const result = await trx
      .updateTable('step_runs')
      .set({ status: 'queued', worker: null, lease_until: null, queued_at: now })
      .where('run_id', '=', lost.run_id)
      .where('step', '=', lost.step)
      .where('status', '=', 'running')
      .where('attempt', '=', lost.attempt)
      .where('worker', '=', lost.worker)
      // Not a step of a run that was cancelled meanwhile.
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('pipeline_runs')
            .select('run_id')
            .where('run_id', '=', lost.run_id)
            .where('status', '=', 'running'),
        ),
      )
      .executeTakeFirst()
    if (Number(result.numUpdatedRows) === 0) return
    await dispatch(trx, lost.run_id, [lost.step])
    const payload = { step: lost.step, attempt: lost.attempt, worker: lost.worker }
    await appendEvents(
      trx,
      [
        {
          type: 'pipeline_step.requeued',
          subject: `pipeline_run:${lost.run_id}`,
          payload,
          actor: currentActor(),
        },
      ],
      now,
    )
  })
}

/** Fails a step whose runner is gone and which must not (or cannot) run again. */
async function failLost(
  deps: ExecutorDeps,
  lost: Expired,
  plan: readonly PlannedStep[],
  dispatch: Dispatch,
): Promise<void> {
  const claim: Claim = {
    runId: lost.run_id,
    step: lost.step,
    attempt: lost.attempt,
    worker: lost.worker ?? '',
  }
  const error =
    lost.executor === 'distributed'
      ? `worker ${lost.worker} was lost while running it; not run again because the step is not idempotent`
      : `the process running it (${lost.worker}) stopped before it finished`
  const run = { plan, trackingRunId: lost.tracking_run_id }
  await recordFailure(deps, run, { claim, error, dispatch })
}

/**
 * Finds running steps whose lease ran out (their worker died or hung) and deals with each once:
 * an idempotent step of a distributed run goes back to the queue for another worker; any other
 * is failed, saying why. Returns how many it found.
 */
export async function reapExpired(deps: ExecutorDeps, dispatch: Dispatch): Promise<number> {
  const expired = await deps.store
    .db<PipelineTables>()
    .selectFrom('step_runs as s')
    .innerJoin('pipeline_runs as r', 'r.run_id', 's.run_id')
    .select([
      's.run_id',
      's.step',
      's.attempt',
      's.worker',
      'r.executor',
      'r.plan',
      'r.tracking_run_id',
    ])
    .where('s.status', '=', 'running')
    .where('s.lease_until', '<', deps.clock.nowMs())
    .where('r.status', '=', 'running')
    .limit(100)
    .execute()
  for (const lost of expired) {
    const plan = JSON.parse(lost.plan) as PlannedStep[]
    const idempotent = plan.find((s) => s.name === lost.step)?.idempotent ?? false
    if (lost.executor === 'distributed' && idempotent)
      await requeue(deps, { ...lost, attempt: Number(lost.attempt) }, dispatch)
    else await failLost(deps, { ...lost, attempt: Number(lost.attempt) }, plan, dispatch)
  }
  return expired.length
}

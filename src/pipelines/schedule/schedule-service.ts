import { Cron } from 'croner'
import { currentActor } from '../../shared/actor.js'
import type { Clock } from '../../shared/clock.js'
import { InvalidParameterError, NotFoundError } from '../../shared/errors.js'
import { newUuid } from '../../shared/ids.js'
import type { MetadataStore } from '../../store/index.js'
import type { PipelineCatalog } from '../pipeline-catalog.js'
import type { ParamValue } from '../definition/pipeline-spec.js'
import { resolveParams, type Executor } from '../run/start-run.js'
import type { PipelineTables } from '../schema.js'
import type { Launch } from './launch.js'
import { recordChange } from './record-change.js'

/** A pipeline run on a cron schedule, in a time zone. */
export interface Schedule {
  readonly id: string
  readonly pipeline: string
  readonly cron: string
  readonly timezone: string
  readonly params: Readonly<Record<string, ParamValue>>
  readonly executor: Executor
  readonly nextAtMs: number
  readonly lastRunId: string | null
}

/** The next time `cron` fires after `afterMs`. @throws InvalidParameterError for a bad cron or zone */
export function nextFire(cron: string, timezone: string, afterMs: number): number {
  let next: Date | null
  try {
    next = new Cron(cron, { timezone, paused: true }).nextRun(new Date(afterMs))
  } catch (err) {
    const field = /timezone/i.test((err as Error).message)
      ? `timezone '${timezone}'`
      : `cron '${cron}'`
    throw new InvalidParameterError(`Invalid ${field}: ${(err as Error).message}`, { cause: err })
  }
  if (!next) throw new InvalidParameterError(`cron '${cron}' never fires again`)
  return next.getTime()
}

/** Cron schedules: each fires once per tick across all processes (a conditional update decides). */
export class ScheduleService {
  constructor(
    private readonly deps: { readonly store: MetadataStore; readonly clock: Clock },
    private readonly catalog: PipelineCatalog,
  ) {}

  /** @throws NotFoundError for an unregistered pipeline, InvalidParameterError for a bad cron, zone or param */
  async create(
    pipeline: string,
    input: {
      cron: string
      timezone?: string | undefined
      params?: Record<string, ParamValue> | undefined
      executor?: Executor | undefined
    },
  ): Promise<Schedule> {
    const registered = await this.catalog.get(pipeline)
    resolveParams(registered.params as Record<string, ParamValue>, input.params)
    const timezone = input.timezone ?? 'UTC'
    const now = this.deps.clock.nowMs()
    const row = {
      schedule_id: newUuid(),
      pipeline,
      cron: input.cron,
      timezone,
      params: JSON.stringify(input.params ?? {}),
      executor: input.executor ?? 'local',
      next_at: nextFire(input.cron, timezone, now),
      last_run_id: null,
      created_at: now,
      created_by: currentActor(),
    }
    await recordChange(
      this.deps,
      (trx) => trx.insertInto('pipeline_schedules').values(row).execute(),
      {
        type: 'pipeline_schedule.created',
        subject: `pipeline:${pipeline}`,
        payload: { scheduleId: row.schedule_id, pipeline, cron: row.cron, timezone },
      },
    )
    return fromRow(row)
  }

  async list(pipeline?: string): Promise<Schedule[]> {
    let query = this.deps.store.db<PipelineTables>().selectFrom('pipeline_schedules').selectAll()
    if (pipeline) query = query.where('pipeline', '=', pipeline)
    return (await query.orderBy('created_at').execute()).map(fromRow)
  }

  /** @throws NotFoundError */
  async delete(id: string): Promise<void> {
    const db = this.deps.store.db<PipelineTables>()
    const row = await db
      .selectFrom('pipeline_schedules')
      .selectAll()
      .where('schedule_id', '=', id)
      .executeTakeFirst()
    if (!row) throw new NotFoundError(`No pipeline schedule with id '${id}'`)
    await recordChange(
      this.deps,
      (trx) => trx.deleteFrom('pipeline_schedules').where('schedule_id', '=', id).execute(),
      {
        type: 'pipeline_schedule.deleted',
        subject: `pipeline:${row.pipeline}`,
        payload: { scheduleId: id, pipeline: row.pipeline },
      },
    )
  }

  /** Starts the runs of schedules that are due; each due time fires once, in whichever process wins. */
  async fireDue(launch: Launch, onError: (err: unknown) => void = () => {}): Promise<string[]> {
    const now = this.deps.clock.nowMs()
    const db = this.deps.store.db<PipelineTables>()
    const due = await db
      .selectFrom('pipeline_schedules')
      .selectAll()
      .where('next_at', '<=', now)
      .execute()
    const started: string[] = []
    for (const row of due) {
      // Missed times (the platform was down) fire once, then the schedule resumes from now.
      const next = nextFire(row.cron, row.timezone, now)
      const won = await db
        .updateTable('pipeline_schedules')
        .set({ next_at: next })
        .where('schedule_id', '=', row.schedule_id)
        .where('next_at', '=', row.next_at)
        .executeTakeFirst()
      if (Number(won.numUpdatedRows) === 0) continue
      let runId: string
      try {
        runId = await launch(row.pipeline, {
          params: JSON.parse(row.params) as Record<string, ParamValue>,
          executor: row.executor as Executor,
          startedBy: `schedule:${row.schedule_id}`,
        })
      } catch (err) {
        onError(err)
        continue
      }
      await db
        .updateTable('pipeline_schedules')
        .set({ last_run_id: runId })
        .where('schedule_id', '=', row.schedule_id)
        .execute()
      started.push(runId)
    }
    return started
  }
}

function fromRow(row: PipelineTables['pipeline_schedules']): Schedule {
  return {
    id: row.schedule_id,
    pipeline: row.pipeline,
    cron: row.cron,
    timezone: row.timezone,
    params: JSON.parse(row.params) as Record<string, ParamValue>,
    executor: row.executor as Executor,
    nextAtMs: Number(row.next_at),
    lastRunId: row.last_run_id,
  }
}

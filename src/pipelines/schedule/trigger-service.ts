import type { StoredEvent } from '../../events/index.js'
import { currentActor } from '../../shared/actor.js'
import type { Clock } from '../../shared/clock.js'
import { InvalidParameterError, NotFoundError } from '../../shared/errors.js'
import { newUuid } from '../../shared/ids.js'
import type { MetadataStore } from '../../store/index.js'
import type { ParamValue } from '../definition/pipeline-spec.js'
import type { PipelineCatalog } from '../pipeline-catalog.js'
import { resolveParams, type Executor } from '../run/start-run.js'
import type { PipelineTables } from '../schema.js'
import type { Launch } from './launch.js'
import { recordChange } from './record-change.js'

/** Events a trigger may start a pipeline on. */
export const TRIGGER_EVENTS = [
  'dataset.version_created',
  'dataset.alias_set',
  'validation.completed',
  'monitor.drift_detected',
  'model_version.created',
  'pipeline_run.finished',
] as const

/** A pipeline started by events of one type, after a quiet period. */
export interface Trigger {
  readonly id: string
  readonly pipeline: string
  readonly event: string
  /** Payload fields the event must have, with these values. */
  readonly match: Readonly<Record<string, ParamValue>>
  /** Events closer together than this start one run, after the last of them. */
  readonly debounceMs: number
  readonly params: Readonly<Record<string, ParamValue>>
  readonly executor: Executor
  readonly fireAtMs: number | null
  readonly lastRunId: string | null
}

/** Event triggers with a trailing debounce: a storm of events starts one run. */
export class TriggerService {
  constructor(
    private readonly deps: { readonly store: MetadataStore; readonly clock: Clock },
    private readonly catalog: PipelineCatalog,
  ) {}

  /** @throws NotFoundError for an unregistered pipeline, InvalidParameterError for a bad event or param */
  async create(
    pipeline: string,
    input: {
      event: string
      match?: Record<string, ParamValue> | undefined
      debounceMs?: number | undefined
      params?: Record<string, ParamValue> | undefined
      executor?: Executor | undefined
    },
  ): Promise<Trigger> {
    const debounceMs = checkTrigger(input.event, input.debounceMs ?? 60_000)
    const registered = await this.catalog.get(pipeline)
    resolveParams(registered.params as Record<string, ParamValue>, input.params)
    const row = {
      trigger_id: newUuid(),
      pipeline,
      event_type: input.event,
      match: JSON.stringify(input.match ?? {}),
      debounce_ms: debounceMs,
      params: JSON.stringify(input.params ?? {}),
      executor: input.executor ?? 'local',
      fire_at: null,
      last_event: null,
      last_run_id: null,
      created_at: this.deps.clock.nowMs(),
      created_by: currentActor(),
    }
    await recordChange(
      this.deps,
      (trx) => trx.insertInto('pipeline_triggers').values(row).execute(),
      {
        type: 'pipeline_trigger.created',
        subject: `pipeline:${pipeline}`,
        payload: { triggerId: row.trigger_id, pipeline, event: input.event, debounceMs },
      },
    )
    return fromRow(row)
  }

  async list(pipeline?: string): Promise<Trigger[]> {
    let query = this.deps.store.db<PipelineTables>().selectFrom('pipeline_triggers').selectAll()
    if (pipeline) query = query.where('pipeline', '=', pipeline)
    return (await query.orderBy('created_at').execute()).map(fromRow)
  }

  /** @throws NotFoundError */
  async delete(id: string): Promise<void> {
    const db = this.deps.store.db<PipelineTables>()
    const row = await db
      .selectFrom('pipeline_triggers')
      .selectAll()
      .where('trigger_id', '=', id)
      .executeTakeFirst()
    if (!row) throw new NotFoundError(`No pipeline trigger with id '${id}'`)
    await recordChange(
      this.deps,
      (trx) => trx.deleteFrom('pipeline_triggers').where('trigger_id', '=', id).execute(),
      {
        type: 'pipeline_trigger.deleted',
        subject: `pipeline:${row.pipeline}`,
        payload: { triggerId: id, pipeline: row.pipeline },
      },
    )
  }

  /**
   * Notes a matching event (one that happened after the trigger was made): the trigger fires
   * `debounceMs` after it, unless a later event pushes that on. Replays are harmless (the time
   * only moves forward).
   */
  async onEvent(event: StoredEvent): Promise<void> {
    const db = this.deps.store.db<PipelineTables>()
    const triggers = await db
      .selectFrom('pipeline_triggers')
      .selectAll()
      .where('event_type', '=', event.type)
      .execute()
    for (const t of triggers) {
      const match = JSON.parse(t.match) as Record<string, unknown>
      if (event.createdAtMs < Number(t.created_at)) continue
      if (!Object.entries(match).every(([k, v]) => event.payload[k] === v)) continue
      const fireAt = event.createdAtMs + Number(t.debounce_ms)
      await db
        .updateTable('pipeline_triggers')
        .set({
          fire_at: fireAt,
          last_event: JSON.stringify({ id: event.id, subject: event.subject }),
        })
        .where('trigger_id', '=', t.trigger_id)
        .where((eb) => eb.or([eb('fire_at', 'is', null), eb('fire_at', '<', fireAt)]))
        .execute()
    }
  }

  /** Starts the runs of triggers whose quiet period is over; each fires in one process only. */
  async fireDue(launch: Launch, onError: (err: unknown) => void = () => {}): Promise<string[]> {
    const db = this.deps.store.db<PipelineTables>()
    const due = await db
      .selectFrom('pipeline_triggers')
      .selectAll()
      .where('fire_at', '<=', this.deps.clock.nowMs())
      .execute()
    const started: string[] = []
    for (const row of due) {
      const won = await db
        .updateTable('pipeline_triggers')
        .set({ fire_at: null })
        .where('trigger_id', '=', row.trigger_id)
        .where('fire_at', '=', row.fire_at)
        .executeTakeFirst()
      if (Number(won.numUpdatedRows) === 0) continue
      const subject = row.last_event
        ? (JSON.parse(row.last_event) as { subject?: string }).subject
        : undefined
      try {
        const runId = await launch(row.pipeline, {
          params: JSON.parse(row.params) as Record<string, ParamValue>,
          executor: row.executor as Executor,
          startedBy: `trigger:${row.trigger_id}`,
          triggeredBy: subject,
        })
        await db
          .updateTable('pipeline_triggers')
          .set({ last_run_id: runId })
          .where('trigger_id', '=', row.trigger_id)
          .execute()
        started.push(runId)
      } catch (err) {
        onError(err)
      }
    }
    return started
  }
}

/** @throws InvalidParameterError for an event triggers cannot use, or a bad debounce */
function checkTrigger(event: string, debounceMs: number): number {
  if (!(TRIGGER_EVENTS as readonly string[]).includes(event))
    throw new InvalidParameterError(
      `Cannot trigger on '${event}'; events: ${TRIGGER_EVENTS.join(', ')}`,
    )
  if (!Number.isInteger(debounceMs) || debounceMs < 0 || debounceMs > 86_400_000)
    throw new InvalidParameterError('debounceMs must be an integer from 0 to 86400000 (a day)')
  return debounceMs
}

function fromRow(row: PipelineTables['pipeline_triggers']): Trigger {
  return {
    id: row.trigger_id,
    pipeline: row.pipeline,
    event: row.event_type,
    match: JSON.parse(row.match) as Record<string, ParamValue>,
    debounceMs: Number(row.debounce_ms),
    params: JSON.parse(row.params) as Record<string, ParamValue>,
    executor: row.executor as Executor,
    fireAtMs: row.fire_at === null ? null : Number(row.fire_at),
    lastRunId: row.last_run_id,
  }
}

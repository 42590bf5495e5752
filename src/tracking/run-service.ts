import type { Kysely, Transaction } from 'kysely'
import { appendEvents, type DomainEvent } from '../events/index.js'
import { currentActor } from '../shared/actor.js'
import { InvalidParameterError, NotFoundError } from '../shared/errors.js'
import { newHexId } from '../shared/ids.js'
import type { TrackingDeps } from './deps.js'
import { parseExperimentId } from './experiment-service.js'
import type { KeyValue, Metric, Page, Run, RunInfo, RunStatus } from './model.js'
import { decodePageToken, encodePageToken } from './page-token.js'
import { loadRuns, metricValue } from './run-reader.js'
import { checkBatch, writeMetrics, writeParams, writeTags, type Batch } from './run-logging.js'
import { generateRunName } from './run-name.js'
import type { TrackingTables } from './schema.js'
import { checkName } from './validation.js'

type Trx = Transaction<TrackingTables>

const HISTORY_TAG = 'mlflow.log-model.history'

export interface CreateRun {
  readonly experimentId?: string | undefined
  readonly userId?: string | undefined
  readonly runName?: string | undefined
  readonly startTime?: number | undefined
  readonly tags?: readonly KeyValue[] | undefined
}

/** Runs: lifecycle, params, metrics, tags, and their history. */
export class RunService {
  constructor(private readonly deps: TrackingDeps) {}

  async create(input: CreateRun): Promise<Run> {
    const tags = [...(input.tags ?? [])]
    const tagName = tags.find((t) => t.key === 'mlflow.runName')?.value
    if (input.runName && tagName && input.runName !== tagName) {
      throw new InvalidParameterError(
        `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${input.runName}', mlflow.runName='${tagName}').`,
      )
    }
    const runName = input.runName || tagName || generateRunName()
    checkName('run', runName)
    checkBatch({ tags })
    const userId =
      input.userId || tags.find((t) => t.key === 'mlflow.user')?.value || currentActor()
    const experimentId = parseExperimentId(input.experimentId ?? '0')
    const runId = newHexId()
    const now = this.deps.clock.nowMs()
    await this.deps.store.transaction<TrackingTables, void>(async (trx) => {
      const experiment = await trx
        .selectFrom('experiments')
        .select(['artifact_location', 'lifecycle_stage'])
        .where('experiment_id', '=', experimentId)
        .executeTakeFirst()
      if (!experiment) throw new NotFoundError(`No Experiment with id=${experimentId} exists`)
      if (experiment.lifecycle_stage !== 'active') {
        throw new InvalidParameterError(
          `The experiment ${experimentId} must be in the 'active' state. Current state is ${experiment.lifecycle_stage}.`,
        )
      }
      await trx
        .insertInto('runs')
        .values({
          run_id: runId,
          experiment_id: experimentId,
          run_name: runName,
          user_id: userId,
          status: 'RUNNING',
          start_time: input.startTime ?? now,
          end_time: null,
          artifact_uri: `${experiment.artifact_location.replace(/\/+$/, '')}/${runId}/artifacts`,
          lifecycle_stage: 'active',
          deleted_time: null,
        })
        .execute()
      await writeTags(trx, runId, [
        ...tags.filter((t) => t.key !== 'mlflow.runName'),
        { key: 'mlflow.runName', value: runName },
        ...(tags.some((t) => t.key === 'mlflow.user')
          ? []
          : [{ key: 'mlflow.user', value: userId }]),
      ])
      await this.#event(
        trx,
        'run.created',
        runId,
        { experiment_id: String(experimentId), run_name: runName },
        now,
      )
    })
    return this.get(runId)
  }

  async get(runId: string): Promise<Run> {
    const db = this.deps.store.db<TrackingTables>()
    const row = await db
      .selectFrom('runs')
      .selectAll()
      .where('run_id', '=', runId)
      .executeTakeFirst()
    if (!row) throw new NotFoundError(`Run with id=${runId} not found`)
    return (await loadRuns(db, [row]))[0]!
  }

  async update(
    runId: string,
    input: {
      status?: RunStatus | undefined
      endTime?: number | undefined
      runName?: string | undefined
    },
  ): Promise<RunInfo> {
    if (input.runName !== undefined) checkName('run', input.runName)
    const now = this.deps.clock.nowMs()
    await this.deps.store.transaction<TrackingTables, void>(async (trx) => {
      const run = await this.#activeRun(trx, runId)
      const set: Partial<TrackingTables['runs']> = {}
      if (input.status !== undefined) set.status = input.status
      if (input.endTime !== undefined) set.end_time = input.endTime
      if (input.runName) set.run_name = input.runName
      if (Object.keys(set).length > 0)
        await trx.updateTable('runs').set(set).where('run_id', '=', runId).execute()
      if (input.runName)
        await writeTags(trx, runId, [{ key: 'mlflow.runName', value: input.runName }])
      await this.#event(
        trx,
        'run.updated',
        runId,
        {
          from_status: run.status,
          status: input.status ?? run.status,
          end_time: input.endTime,
          run_name: input.runName,
        },
        now,
      )
    })
    return (await this.get(runId)).info
  }

  async delete(runId: string): Promise<void> {
    await this.#setStage(runId, 'deleted')
  }

  async restore(runId: string): Promise<void> {
    await this.#setStage(runId, 'active')
  }

  /** Logs metrics, params and tags together: all of them are written, or none. */
  async logBatch(runId: string, batch: Batch): Promise<void> {
    checkBatch(batch)
    const now = this.deps.clock.nowMs()
    await this.deps.store.transaction<TrackingTables, void>(async (trx) => {
      await this.#activeRun(trx, runId)
      await writeParams(trx, runId, batch.params ?? [])
      await writeMetrics(this.deps.store, trx, runId, batch.metrics ?? [])
      const replaced = await writeTags(trx, runId, batch.tags ?? [])
      // Before: the tag values the batch replaced (the audit log's convention of before/after).
      const before = replaced.size > 0 ? { tags: Object.fromEntries(replaced) } : null
      await this.#event(trx, 'run.logged', runId, { before, after: summarise(batch) }, now)
    })
  }

  /** Appends a logged model's MLmodel (as JSON) to the run's `mlflow.log-model.history` tag. */
  async appendModelHistory(runId: string, modelJson: string): Promise<void> {
    let model: unknown
    try {
      model = JSON.parse(modelJson)
    } catch {
      throw new InvalidParameterError('model_json is not valid JSON')
    }
    if (typeof model !== 'object' || model === null || Array.isArray(model)) {
      throw new InvalidParameterError('model_json must be a JSON object')
    }
    await this.deps.store.transaction<TrackingTables, void>(async (trx) => {
      await this.#lockActiveRun(trx, runId)
      const tag = await trx
        .selectFrom('run_tags')
        .select('value')
        .where('run_id', '=', runId)
        .where('key', '=', HISTORY_TAG)
        .executeTakeFirst()
      const history = tag ? (JSON.parse(tag.value) as unknown[]) : []
      history.push(model)
      await writeTags(trx, runId, [{ key: HISTORY_TAG, value: JSON.stringify(history) }])
      await this.#event(trx, 'run.model_logged', runId, {}, this.deps.clock.nowMs())
    })
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.deps.store.transaction<TrackingTables, void>(async (trx) => {
      await this.#activeRun(trx, runId)
      const result = await trx
        .deleteFrom('run_tags')
        .where('run_id', '=', runId)
        .where('key', '=', key)
        .executeTakeFirst()
      if (Number(result.numDeletedRows) === 0)
        throw new NotFoundError(`No tag with name: ${key} in run with id ${runId}`)
      await this.#event(trx, 'run.tag_deleted', runId, { key }, this.deps.clock.nowMs())
    })
  }

  /** Every point of one metric, by step then timestamp. */
  async metricHistory(
    runId: string,
    key: string,
    page: { maxResults?: number | undefined; pageToken?: string | undefined } = {},
  ): Promise<Page<Metric>> {
    await this.get(runId)
    const offset = decodePageToken(page.pageToken)
    const query = this.deps.store
      .db<TrackingTables>()
      .selectFrom('metrics')
      .select(['key', 'value', 'is_nan', 'timestamp', 'step'])
      .where('run_id', '=', runId)
      .where('key', '=', key)
      .orderBy('step')
      .orderBy('timestamp')
      .orderBy('value')
    const toMetric = (r: {
      key: string
      value: number
      is_nan: number
      timestamp: number
      step: number
    }) => ({
      key: r.key,
      value: metricValue(r),
      timestamp: r.timestamp,
      step: r.step,
    })
    // Without max_results MLflow answers the whole history in one response; older clients rely on it.
    if (page.maxResults === undefined) {
      // SQLite takes OFFSET only after a LIMIT.
      const all = offset === 0 ? query : query.limit(Number.MAX_SAFE_INTEGER).offset(offset)
      return { items: (await all.execute()).map(toMetric), nextPageToken: undefined }
    }
    const limit = page.maxResults
    const rows = await query
      .offset(offset)
      .limit(limit + 1)
      .execute()
    return {
      items: rows.slice(0, limit).map(toMetric),
      nextPageToken: rows.length > limit ? encodePageToken(offset + limit) : undefined,
    }
  }

  async #setStage(runId: string, stage: 'active' | 'deleted'): Promise<void> {
    const now = this.deps.clock.nowMs()
    await this.deps.store.transaction<TrackingTables, void>(async (trx) => {
      const run = await trx
        .selectFrom('runs')
        .select('run_id')
        .where('run_id', '=', runId)
        .executeTakeFirst()
      if (!run) throw new NotFoundError(`Run with id=${runId} not found`)
      await trx
        .updateTable('runs')
        .set({ lifecycle_stage: stage, deleted_time: stage === 'deleted' ? now : null })
        .where('run_id', '=', runId)
        .execute()
      await this.#event(trx, stage === 'deleted' ? 'run.deleted' : 'run.restored', runId, {}, now)
    })
  }

  /**
   * The active run, locked until the transaction ends, so that two read-modify-writes of its
   * tags cannot interleave and lose one. A no-op UPDATE is the row lock both dialects share:
   * PostgreSQL locks the row, SQLite takes its write lock.
   */
  async #lockActiveRun(trx: Trx, runId: string): Promise<TrackingTables['runs']> {
    await trx
      .updateTable('runs')
      .set((eb) => ({ run_id: eb.ref('run_id') }))
      .where('run_id', '=', runId)
      .execute()
    return this.#activeRun(trx, runId)
  }

  /** The run, which must exist and not be deleted. */
  async #activeRun(trx: Kysely<TrackingTables>, runId: string): Promise<TrackingTables['runs']> {
    const run = await trx
      .selectFrom('runs')
      .selectAll()
      .where('run_id', '=', runId)
      .executeTakeFirst()
    if (!run) throw new NotFoundError(`Run with id=${runId} not found`)
    if (run.lifecycle_stage !== 'active') {
      throw new InvalidParameterError(
        `The run ${runId} must be in the 'active' state. Current state is ${run.lifecycle_stage}.`,
      )
    }
    return run
  }

  #event(
    trx: Trx,
    type: string,
    runId: string,
    payload: DomainEvent['payload'],
    now: number,
  ): Promise<void> {
    return appendEvents(
      trx,
      [{ type, subject: `run:${runId}`, payload, actor: currentActor() }],
      now,
    )
  }
}

/** A small event payload for a batch: counts and (a few) keys, never the values of every point. */
function summarise({ metrics = [], params = [], tags = [] }: Batch): Record<string, unknown> {
  const keys = (list: readonly { key: string }[]) =>
    [...new Set(list.map((x) => x.key))].slice(0, 50)
  return {
    metrics: metrics.length,
    metric_keys: keys(metrics),
    params: Object.fromEntries(params.map((p) => [p.key, p.value])),
    tags: Object.fromEntries(tags.map((t) => [t.key, t.value])),
  }
}

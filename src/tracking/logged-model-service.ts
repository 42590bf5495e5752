import type { Kysely, Transaction } from 'kysely'
import { appendEvents } from '../events/index.js'
import { currentActor } from '../shared/actor.js'
import { InvalidParameterError, NotFoundError } from '../shared/errors.js'
import { checkArtifactKey } from '../store/index.js'
import { artifactKeyOf } from './artifact-location.js'
import type { TrackingDeps } from './deps.js'
import { parseExperimentId } from './experiment-service.js'
import {
  loggedModelArtifactUri,
  newLoggedModelId,
  type CreateLoggedModel,
  type LoggedModel,
  type LoggedModelMetric,
  type LoggedModelStatus,
} from './logged-model.js'
import { loadLoggedModels, type LoggedModelRow } from './logged-model-reader.js'
import { searchLoggedModels, type SearchLoggedModels } from './logged-model-search.js'
import { metricRow, writeModelParams, writeModelTags } from './logged-model-writes.js'
import type { KeyValue, Metric, Page } from './model.js'
import type { RunArtifact } from './run-artifacts.js'
import type { RunService } from './run-service.js'
import { checkBatch } from './run-logging.js'
import { generateRunName } from './run-name.js'
import type { TrackingTables } from './schema.js'
import { checkName } from './validation.js'

type Trx = Transaction<TrackingTables>

// MLflow refuses these because a model's name becomes a path segment of `runs:/<id>/<name>` URIs.
const NAME_FORBIDDEN = ['/', ':', '.', '%', '"', "'"]

/** MLflow 3 logged models: create, finalize, tag, log params and metrics, delete, search. */
export class LoggedModelService {
  constructor(
    private readonly deps: TrackingDeps,
    private readonly runs: RunService,
  ) {}

  /** Creates a PENDING model under an active experiment, with its first params and tags. */
  async create(input: CreateLoggedModel): Promise<LoggedModel> {
    const name = input.name || generateRunName()
    checkModelName(name)
    const params = input.params ?? []
    const tags = input.tags ?? []
    checkBatch({ params, tags })
    const experimentId = parseExperimentId(input.experimentId)
    const modelId = newLoggedModelId()
    const now = this.deps.clock.nowMs()
    await this.deps.store.transaction<TrackingTables, void>(async (trx) => {
      const location = await activeExperimentLocation(trx, experimentId)
      await trx
        .insertInto('logged_models')
        .values({
          model_id: modelId,
          experiment_id: experimentId,
          name,
          artifact_location: loggedModelArtifactUri(location, modelId),
          status: 'LOGGED_MODEL_PENDING',
          status_message: null,
          source_run_id: input.sourceRunId || null,
          model_type: input.modelType || null,
          lifecycle_stage: 'active',
          creation_timestamp: now,
          last_updated_timestamp: now,
        })
        .execute()
      await writeModelParams(trx, modelId, params)
      await writeModelTags(trx, modelId, tags)
      const payload = {
        experiment_id: String(experimentId),
        name,
        source_run_id: input.sourceRunId,
        model_type: input.modelType,
      }
      await this.#event(trx, 'logged_model.created', modelId, payload, now)
    })
    return this.get(modelId)
  }

  /** The model, unless it does not exist or was deleted. @throws NotFoundError */
  async get(modelId: string): Promise<LoggedModel> {
    const db = this.deps.store.db<TrackingTables>()
    const row = await activeModel(db, modelId)
    return (await loadLoggedModels(db, [row]))[0]!
  }

  /** Marks the upload done (READY) or failed (UPLOAD_FAILED). */
  async finalize(modelId: string, status: LoggedModelStatus): Promise<LoggedModel> {
    if (status === 'LOGGED_MODEL_PENDING') {
      throw new InvalidParameterError(
        'status must be LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED to finalize a model',
      )
    }
    await this.#mutate(modelId, async (trx, row, now) => {
      await trx
        .updateTable('logged_models')
        .set({ status, last_updated_timestamp: now })
        .where('model_id', '=', modelId)
        .execute()
      const payload = { from_status: row.status, status }
      await this.#event(trx, 'logged_model.finalized', modelId, payload, now)
    })
    return this.get(modelId)
  }

  /** Soft-deletes the model: it disappears from get and search, its artifacts stay. */
  async delete(modelId: string): Promise<void> {
    await this.#mutate(modelId, async (trx, _row, now) => {
      await trx
        .updateTable('logged_models')
        .set({ lifecycle_stage: 'deleted', last_updated_timestamp: now })
        .where('model_id', '=', modelId)
        .execute()
      await this.#event(trx, 'logged_model.deleted', modelId, {}, now)
    })
  }

  /** Sets tags, overwriting; the last value of a repeated key wins. */
  async setTags(modelId: string, tags: readonly KeyValue[]): Promise<LoggedModel> {
    checkBatch({ tags })
    await this.#mutate(modelId, async (trx, _row, now) => {
      await writeModelTags(trx, modelId, tags)
      const payload = { tags: Object.fromEntries(tags.map((t) => [t.key, t.value])) }
      await this.#event(trx, 'logged_model.tags_set', modelId, payload, now)
    })
    return this.get(modelId)
  }

  /** @throws NotFoundError when the model has no such tag. */
  async deleteTag(modelId: string, key: string): Promise<void> {
    await this.#mutate(modelId, async (trx, _row, now) => {
      const result = await trx
        .deleteFrom('logged_model_tags')
        .where('model_id', '=', modelId)
        .where('key', '=', key)
        .executeTakeFirst()
      if (Number(result.numDeletedRows) === 0)
        throw new NotFoundError(`No tag with key '${key}' on logged model '${modelId}'`)
      await this.#event(trx, 'logged_model.tag_deleted', modelId, { key }, now)
    })
  }

  /** Logs params once each: the same value again is fine, a different one is refused. */
  async logParams(modelId: string, params: readonly KeyValue[]): Promise<void> {
    checkBatch({ params })
    await this.#mutate(modelId, async (trx, _row, now) => {
      await writeModelParams(trx, modelId, params)
      const payload = { params: Object.fromEntries(params.map((p) => [p.key, p.value])) }
      await this.#event(trx, 'logged_model.params_logged', modelId, payload, now)
    })
  }

  /** Links metric points to the model; a retried point is not added twice. */
  async logMetrics(modelId: string, metrics: readonly LoggedModelMetric[]): Promise<void> {
    checkBatch({ metrics })
    if (metrics.length === 0) return
    await this.#mutate(modelId, async (trx, _row, now) => {
      await trx
        .insertInto('logged_model_metrics')
        .values(metrics.map((m) => metricRow(modelId, m)))
        .onConflict((oc) => oc.doNothing())
        .execute()
      const payload = {
        metrics: metrics.length,
        metric_keys: [...new Set(metrics.map((m) => m.key))].slice(0, 50),
        run_ids: [...new Set(metrics.flatMap((m) => (m.runId ? [m.runId] : [])))],
      }
      await this.#event(trx, 'logged_model.metrics_logged', modelId, payload, now)
    })
  }

  /**
   * Logs a run's metric point and links it to a model (MLflow 3's log-metric with `model_id`).
   * The model is checked first, so an unknown model writes nothing; the run's point and the link
   * are separate writes, each idempotent, so a client's retry completes a half-done call.
   */
  async logRunMetric(
    runId: string,
    metric: Metric,
    link: { modelId: string; datasetName?: string | undefined; datasetDigest?: string | undefined },
  ): Promise<void> {
    await this.get(link.modelId)
    await this.runs.logBatch(runId, { metrics: [metric] })
    await this.logMetrics(link.modelId, [{ ...metric, ...link, runId }])
  }

  /** The immediate children of `path` ('' for the root) under the model's artifact root. */
  async listArtifacts(
    modelId: string,
    path = '',
  ): Promise<{ rootUri: string; files: RunArtifact[] }> {
    const { info } = await this.get(modelId)
    const root = artifactKeyOf(info.artifactUri)
    const relative = checkArtifactKey(path, { allowRoot: true })
    const entries = await this.deps.artifacts.list(relative ? `${root}/${relative}` : root)
    const files = entries.map((e) => ({
      path: e.key.slice(root.length + 1),
      isDir: e.isDir,
      sizeBytes: e.sizeBytes,
    }))
    return { rootUri: info.artifactUri, files }
  }

  /** Active models matching MLflow's filter, dataset scoping, order and page. */
  search(input: SearchLoggedModels): Promise<Page<LoggedModel>> {
    return searchLoggedModels(this.deps.store.db<TrackingTables>(), input)
  }

  /** Runs `fn` in a transaction on the active model, then bumps its last-updated time. */
  async #mutate(
    modelId: string,
    fn: (trx: Trx, row: LoggedModelRow, now: number) => Promise<void>,
  ): Promise<void> {
    const now = this.deps.clock.nowMs()
    await this.deps.store.transaction<TrackingTables, void>(async (trx) => {
      const row = await activeModel(trx, modelId)
      await fn(trx, row, now)
      await trx
        .updateTable('logged_models')
        .set({ last_updated_timestamp: now })
        .where('model_id', '=', modelId)
        .execute()
    })
  }

  #event(
    trx: Trx,
    type: string,
    modelId: string,
    payload: Record<string, unknown>,
    now: number,
  ): Promise<void> {
    const event = { type, subject: `logged_model:${modelId}`, payload, actor: currentActor() }
    return appendEvents(trx, [event], now)
  }
}

/** @throws InvalidParameterError for a name MLflow would refuse. */
function checkModelName(name: string): void {
  checkName('model', name)
  const found = NAME_FORBIDDEN.filter((c) => name.includes(c))
  if (found.length > 0) {
    throw new InvalidParameterError(
      `Invalid model name '${name.slice(0, 200)}': it must not contain any of ${NAME_FORBIDDEN.join(' ')} (found ${found.join(' ')})`,
    )
  }
}

async function activeExperimentLocation(trx: Trx, experimentId: number): Promise<string> {
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
  return experiment.artifact_location
}

async function activeModel(db: Kysely<TrackingTables>, modelId: string): Promise<LoggedModelRow> {
  const row = await db
    .selectFrom('logged_models')
    .selectAll()
    .where('model_id', '=', modelId)
    .where('lifecycle_stage', '=', 'active')
    .executeTakeFirst()
  if (!row) throw new NotFoundError(`Logged model with ID '${modelId.slice(0, 100)}' not found`)
  return row
}

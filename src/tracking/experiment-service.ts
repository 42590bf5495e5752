import type { Kysely, Selectable } from 'kysely'
import { appendEvents } from '../events/index.js'
import { currentActor } from '../shared/actor.js'
import { AlreadyExistsError, InvalidParameterError, NotFoundError } from '../shared/errors.js'
import { normaliseArtifactLocation } from './artifact-location.js'
import type { TrackingDeps } from './deps.js'
import type { Experiment, KeyValue, LifecycleStage, Page, ViewType } from './model.js'
import { decodePageToken, encodePageToken } from './page-token.js'
import type { TrackingTables } from './schema.js'
import { experimentSearchQuery } from './experiment-search.js'
import {
  checkKey,
  checkName,
  checkValueLength,
  MAX_EXPERIMENT_TAG_VALUE_LENGTH,
} from './validation.js'

type Db = Kysely<TrackingTables>
type ExperimentRow = Selectable<TrackingTables['experiments']>

/** Experiments: create, read, rename, delete/restore, tag, search. */
export class ExperimentService {
  constructor(private readonly deps: TrackingDeps) {}

  async create(input: {
    name: string
    artifactLocation?: string | undefined
    tags?: KeyValue[]
  }): Promise<string> {
    checkName('experiment', input.name)
    for (const tag of input.tags ?? []) this.#checkTag(tag)
    const location = input.artifactLocation
      ? normaliseArtifactLocation(input.artifactLocation)
      : undefined
    const now = this.deps.clock.nowMs()
    try {
      return await this.deps.store.transaction<TrackingTables, string>(async (trx) => {
        const existing = await trx
          .selectFrom('experiments')
          .select('experiment_id')
          .where('name', '=', input.name)
          .executeTakeFirst()
        if (existing) throw this.#duplicate(input.name)
        const { experiment_id: id } = await trx
          .insertInto('experiments')
          .values({
            name: input.name,
            artifact_location: location ?? '',
            lifecycle_stage: 'active',
            creation_time: now,
            last_update_time: now,
          })
          .returning('experiment_id')
          .executeTakeFirstOrThrow()
        if (!location) {
          await trx
            .updateTable('experiments')
            .set({ artifact_location: `mlflow-artifacts:/${id}` })
            .where('experiment_id', '=', id)
            .execute()
        }
        if (input.tags?.length) {
          await trx
            .insertInto('experiment_tags')
            .values(input.tags.map((t) => ({ experiment_id: id, key: t.key, value: t.value })))
            .execute()
        }
        await appendEvents(
          trx,
          [
            {
              type: 'experiment.created',
              subject: `experiment:${id}`,
              payload: { name: input.name },
              actor: currentActor(),
            },
          ],
          now,
        )
        return String(id)
      })
    } catch (err) {
      // Two concurrent creates with one name: the unique index decides, the loser gets the MLflow error.
      if (
        !(err instanceof AlreadyExistsError) &&
        (await this.#findByName(this.deps.store.db(), input.name))
      ) {
        throw this.#duplicate(input.name)
      }
      throw err
    }
  }

  async get(experimentId: string): Promise<Experiment> {
    const db = this.deps.store.db<TrackingTables>()
    const row = await db
      .selectFrom('experiments')
      .selectAll()
      .where('experiment_id', '=', parseExperimentId(experimentId))
      .executeTakeFirst()
    if (!row) throw new NotFoundError(`No Experiment with id=${experimentId} exists`)
    return this.#withTags(db, [row]).then((e) => e[0]!)
  }

  async getByName(name: string): Promise<Experiment> {
    const db = this.deps.store.db<TrackingTables>()
    const row = await this.#findByName(db, name)
    if (!row) throw new NotFoundError(`Could not find experiment with name '${name}'`)
    return this.#withTags(db, [row]).then((e) => e[0]!)
  }

  async rename(experimentId: string, newName: string): Promise<void> {
    checkName('experiment', newName)
    const experiment = await this.get(experimentId)
    if (experiment.lifecycleStage !== 'active') {
      throw new InvalidParameterError(`Cannot rename a non-active experiment ${experimentId}`)
    }
    if (experiment.name === newName) return
    if (await this.#findByName(this.deps.store.db(), newName)) throw this.#duplicate(newName)
    await this.#mutate(
      experimentId,
      'experiment.renamed',
      { name: newName },
      { from: experiment.name, to: newName },
    )
  }

  async delete(experimentId: string): Promise<void> {
    if (experimentId === '0')
      throw new InvalidParameterError('Cannot delete the default experiment 0')
    await this.get(experimentId)
    await this.#setStage(experimentId, 'deleted')
  }

  async restore(experimentId: string): Promise<void> {
    await this.get(experimentId)
    await this.#setStage(experimentId, 'active')
  }

  async setTag(experimentId: string, tag: KeyValue): Promise<void> {
    this.#checkTag(tag)
    await this.#requireActive(experimentId)
    await this.deps.store.transaction<TrackingTables, void>(async (trx) => {
      const id = parseExperimentId(experimentId)
      const old = await trx
        .selectFrom('experiment_tags')
        .select('value')
        .where('experiment_id', '=', id)
        .where('key', '=', tag.key)
        .executeTakeFirst()
      await trx
        .insertInto('experiment_tags')
        .values({ experiment_id: id, key: tag.key, value: tag.value })
        .onConflict((oc) => oc.columns(['experiment_id', 'key']).doUpdateSet({ value: tag.value }))
        .execute()
      await appendEvents(
        trx,
        [
          {
            type: 'experiment.tag_set',
            subject: `experiment:${experimentId}`,
            payload: {
              key: tag.key,
              before: old ? { key: tag.key, value: old.value } : null,
              after: { ...tag },
            },
            actor: currentActor(),
          },
        ],
        this.deps.clock.nowMs(),
      )
    })
  }

  async deleteTag(experimentId: string, key: string): Promise<void> {
    await this.#requireActive(experimentId)
    await this.deps.store.transaction<TrackingTables, void>(async (trx) => {
      const result = await trx
        .deleteFrom('experiment_tags')
        .where('experiment_id', '=', parseExperimentId(experimentId))
        .where('key', '=', key)
        .executeTakeFirst()
      if (Number(result.numDeletedRows) === 0)
        throw new NotFoundError(`No tag with name: ${key} in experiment ${experimentId}`)
      await appendEvents(
        trx,
        [
          {
            type: 'experiment.tag_deleted',
            subject: `experiment:${experimentId}`,
            payload: { key },
            actor: currentActor(),
          },
        ],
        this.deps.clock.nowMs(),
      )
    })
  }

  async search(input: {
    filter?: string | undefined
    orderBy?: string[] | undefined
    viewType?: ViewType | undefined
    maxResults?: number | undefined
    pageToken?: string | undefined
  }): Promise<Page<Experiment>> {
    const db = this.deps.store.db<TrackingTables>()
    const offset = decodePageToken(input.pageToken)
    const limit = input.maxResults ?? 1000
    const rows = await experimentSearchQuery(db, input)
      .offset(offset)
      .limit(limit + 1)
      .execute()
    const items = await this.#withTags(db, rows.slice(0, limit))
    return {
      items,
      nextPageToken: rows.length > limit ? encodePageToken(offset + limit) : undefined,
    }
  }

  async #requireActive(experimentId: string): Promise<void> {
    const experiment = await this.get(experimentId)
    if (experiment.lifecycleStage !== 'active') {
      throw new InvalidParameterError(
        `The experiment ${experimentId} must be in the 'active' state. Current state is ${experiment.lifecycleStage}.`,
      )
    }
  }

  /**
   * Deleting an experiment deletes its active runs with it, and restoring it brings back exactly
   * those runs (the ones deleted at the experiment's deletion time), as MLflow's SQL store does.
   */
  async #setStage(experimentId: string, stage: LifecycleStage): Promise<void> {
    const id = parseExperimentId(experimentId)
    const { last_update_time: deletedAt } = await this.deps.store
      .db<TrackingTables>()
      .selectFrom('experiments')
      .select('last_update_time')
      .where('experiment_id', '=', id)
      .executeTakeFirstOrThrow()
    const type = stage === 'deleted' ? 'experiment.deleted' : 'experiment.restored'
    await this.#mutate(experimentId, type, { lifecycle_stage: stage }, {}, async (trx, now) => {
      const runs = trx.updateTable('runs').where('experiment_id', '=', id)
      if (stage === 'deleted') {
        await runs
          .set({ lifecycle_stage: 'deleted', deleted_time: now })
          .where('lifecycle_stage', '=', 'active')
          .execute()
      } else {
        await runs
          .set({ lifecycle_stage: 'active', deleted_time: null })
          .where('lifecycle_stage', '=', 'deleted')
          .where('deleted_time', '=', deletedAt)
          .execute()
      }
    })
  }

  async #mutate(
    experimentId: string,
    type: string,
    set: Partial<{ name: string; lifecycle_stage: string }>,
    payload: Record<string, unknown>,
    alsoDo?: (trx: Kysely<TrackingTables>, now: number) => Promise<void>,
  ): Promise<void> {
    const now = this.deps.clock.nowMs()
    await this.deps.store.transaction<TrackingTables, void>(async (trx) => {
      await trx
        .updateTable('experiments')
        .set({ ...set, last_update_time: now })
        .where('experiment_id', '=', parseExperimentId(experimentId))
        .execute()
      await alsoDo?.(trx, now)
      await appendEvents(
        trx,
        [{ type, subject: `experiment:${experimentId}`, payload, actor: currentActor() }],
        now,
      )
    })
  }

  #checkTag(tag: KeyValue): void {
    checkKey('tag', tag.key)
    checkValueLength('tag', tag.key, tag.value, MAX_EXPERIMENT_TAG_VALUE_LENGTH)
  }

  #duplicate(name: string): AlreadyExistsError {
    return new AlreadyExistsError(`Experiment '${name}' already exists.`)
  }

  #findByName(db: Db, name: string): Promise<ExperimentRow | undefined> {
    return db.selectFrom('experiments').selectAll().where('name', '=', name).executeTakeFirst()
  }

  async #withTags(db: Db, rows: ExperimentRow[]): Promise<Experiment[]> {
    if (rows.length === 0) return []
    const tags = await db
      .selectFrom('experiment_tags')
      .selectAll()
      .where(
        'experiment_id',
        'in',
        rows.map((r) => r.experiment_id),
      )
      .orderBy('key')
      .execute()
    return rows.map((r) => ({
      experimentId: String(r.experiment_id),
      name: r.name,
      artifactLocation: r.artifact_location,
      lifecycleStage: r.lifecycle_stage as LifecycleStage,
      creationTime: r.creation_time,
      lastUpdateTime: r.last_update_time,
      tags: tags
        .filter((t) => t.experiment_id === r.experiment_id)
        .map((t) => ({ key: t.key, value: t.value })),
    }))
  }
}

/** Experiment ids are decimal strings on the wire and integers in the store. */
export function parseExperimentId(experimentId: string): number {
  if (!/^\d{1,15}$/.test(experimentId)) {
    throw new InvalidParameterError(
      `Invalid experiment_id '${experimentId.slice(0, 100)}': expected a decimal integer string`,
    )
  }
  return Number(experimentId)
}

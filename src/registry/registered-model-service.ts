import type { Transaction } from 'kysely'
import { currentActor } from '../shared/actor.js'
import { AlreadyExistsError } from '../shared/errors.js'
import type { RegistryDeps } from './deps.js'
import type { KeyValue, ModelVersion, Page, RegisteredModel, Stage } from './model.js'
import { findModel, lockModel, loadModels, type Db, type ModelRow } from './model-reader.js'
import { modelSubject, recordEvents } from './registry-events.js'
import {
  registeredModelSearchQuery,
  type SearchRegisteredModels,
} from './registered-model-search.js'
import type { RegistryTables } from './schema.js'
import { decodePageToken, encodePageToken } from '../tracking/index.js'
import { canonicalStage, checkModelName, checkTag } from './validation.js'
import { deleteModelRows } from './model-deletion.js'

type Trx = Transaction<RegistryTables>

/** Registered models: create, read, rename, describe, delete, tag, search. */
export class RegisteredModelService {
  constructor(private readonly deps: RegistryDeps) {}

  async create(input: {
    name: string
    tags?: readonly KeyValue[] | undefined
    description?: string | undefined
  }): Promise<RegisteredModel> {
    checkModelName(input.name)
    const tags = dedupe(input.tags ?? [])
    for (const tag of tags) checkTag(tag)
    const now = this.deps.clock.nowMs()
    try {
      await this.deps.store.transaction<RegistryTables, void>(async (trx) => {
        if (await this.#exists(trx, input.name)) throw duplicate(input.name)
        await insertModel(trx, input, tags, now)
        await recordEvents(trx, now, [
          {
            type: 'registered_model.created',
            subject: modelSubject(input.name),
            payload: { name: input.name, description: input.description ?? null, tags },
          },
        ])
      })
    } catch (err) {
      // Two creates racing on one name: the unique index decides; the loser gets MLflow's error.
      if (!(err instanceof AlreadyExistsError) && (await this.#exists(this.#db(), input.name))) {
        throw duplicate(input.name)
      }
      throw err
    }
    return this.get(input.name)
  }

  async get(name: string): Promise<RegisteredModel> {
    checkModelName(name)
    const db = this.#db()
    return (await loadModels(db, [await findModel(db, name)]))[0]!
  }

  async rename(name: string, newName: string): Promise<RegisteredModel> {
    checkModelName(name)
    checkModelName(newName, 'new_name')
    await this.#mutate(name, async (trx, row, now) => {
      if (newName === name) return
      if (await this.#exists(trx, newName)) throw duplicate(newName)
      await trx
        .updateTable('registered_models')
        .set({ name: newName, last_updated_timestamp: now })
        .where('id', '=', row.id)
        .execute()
      await recordEvents(trx, now, [
        {
          type: 'registered_model.renamed',
          subject: modelSubject(newName),
          payload: { name: newName, before: { name }, after: { name: newName } },
        },
      ])
    })
    return this.get(newName)
  }

  async update(
    name: string,
    input: { description?: string | undefined },
  ): Promise<RegisteredModel> {
    checkModelName(name)
    await this.#mutate(name, async (trx, row, now) => {
      const description = input.description ?? null
      await trx
        .updateTable('registered_models')
        .set({ description, last_updated_timestamp: now })
        .where('id', '=', row.id)
        .execute()
      await recordEvents(trx, now, [
        {
          type: 'registered_model.updated',
          subject: modelSubject(name),
          payload: { name, before: { description: row.description }, after: { description } },
        },
      ])
    })
    return this.get(name)
  }

  /** Deletes the model with its versions, tags, aliases, gates, reports and approvals. */
  async delete(name: string): Promise<void> {
    checkModelName(name)
    await this.#mutate(name, async (trx, row, now) => {
      const removed = await deleteModelRows(trx, row.id)
      await recordEvents(trx, now, [
        {
          type: 'registered_model.deleted',
          subject: modelSubject(name),
          payload: { name, before: { name, ...removed }, after: null },
        },
      ])
    })
  }

  async setTag(name: string, tag: KeyValue): Promise<void> {
    checkModelName(name)
    checkTag(tag)
    await this.#mutate(name, async (trx, row, now) => {
      const before = await this.#tagValue(trx, row.id, tag.key)
      await trx
        .insertInto('registered_model_tags')
        .values({ registered_model_id: row.id, key: tag.key, value: tag.value })
        .onConflict((oc) =>
          oc.columns(['registered_model_id', 'key']).doUpdateSet({ value: tag.value }),
        )
        .execute()
      await recordEvents(trx, now, [
        {
          type: 'registered_model.tag_set',
          subject: modelSubject(name),
          payload: {
            name,
            key: tag.key,
            before: before === undefined ? null : { key: tag.key, value: before },
            after: { key: tag.key, value: tag.value },
          },
        },
      ])
    })
  }

  /** Deleting a tag that is not there is not an error (MLflow's behaviour). */
  async deleteTag(name: string, key: string): Promise<void> {
    checkModelName(name)
    checkTag({ key, value: '' })
    await this.#mutate(name, async (trx, row, now) => {
      const before = await this.#tagValue(trx, row.id, key)
      if (before === undefined) return
      await trx
        .deleteFrom('registered_model_tags')
        .where('registered_model_id', '=', row.id)
        .where('key', '=', key)
        .execute()
      await recordEvents(trx, now, [
        {
          type: 'registered_model.tag_deleted',
          subject: modelSubject(name),
          payload: { name, key, before: { key, value: before }, after: null },
        },
      ])
    })
  }

  async search(input: SearchRegisteredModels): Promise<Page<RegisteredModel>> {
    const db = this.#db()
    const offset = decodePageToken(input.pageToken)
    const limit = input.maxResults ?? 100
    const rows = await registeredModelSearchQuery(db, input)
      .offset(offset)
      .limit(limit + 1)
      .execute()
    return {
      items: await loadModels(db, rows.slice(0, limit)),
      nextPageToken: rows.length > limit ? encodePageToken(offset + limit) : undefined,
    }
  }

  /** The newest version in each of `stages` (every stage when none are given). */
  async latestVersions(name: string, stages: readonly string[] = []): Promise<ModelVersion[]> {
    const wanted = new Set<Stage>(stages.map(canonicalStage))
    const model = await this.get(name)
    return model.latestVersions.filter((v) => wanted.size === 0 || wanted.has(v.currentStage))
  }

  #db() {
    return this.deps.store.db<RegistryTables>()
  }

  async #mutate(name: string, fn: (trx: Trx, row: ModelRow, now: number) => Promise<void>) {
    const now = this.deps.clock.nowMs()
    await this.deps.store.transaction<RegistryTables, void>(async (trx) =>
      fn(trx, await lockModel(trx, { name }), now),
    )
  }

  async #exists(db: Db, name: string) {
    const row = await db
      .selectFrom('registered_models')
      .select('id')
      .where('name', '=', name)
      .executeTakeFirst()
    return row !== undefined
  }

  async #tagValue(trx: Trx, id: number, key: string): Promise<string | undefined> {
    const row = await trx
      .selectFrom('registered_model_tags')
      .select('value')
      .where('registered_model_id', '=', id)
      .where('key', '=', key)
      .executeTakeFirst()
    return row?.value
  }
}

function duplicate(name: string): AlreadyExistsError {
  return new AlreadyExistsError(`Registered Model (name=${name}) already exists.`)
}

/** The last value of each key wins, as MLflow builds its tag dict. */
function dedupe(tags: readonly KeyValue[]): KeyValue[] {
  return [...new Map(tags.map((t) => [t.key, t])).values()]
}

async function insertModel(
  trx: Trx,
  input: { name: string; description?: string | undefined },
  tags: readonly KeyValue[],
  now: number,
): Promise<void> {
  const { id } = await trx
    .insertInto('registered_models')
    .values({
      name: input.name,
      creation_timestamp: now,
      last_updated_timestamp: now,
      user_id: currentActor(),
      description: input.description ?? null,
      last_version: 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  if (tags.length > 0) {
    await trx
      .insertInto('registered_model_tags')
      .values(tags.map((t) => ({ registered_model_id: id, key: t.key, value: t.value })))
      .execute()
  }
}

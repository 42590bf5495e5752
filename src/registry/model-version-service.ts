import type { Transaction } from 'kysely'
import type { RegistryDeps } from './deps.js'
import type { KeyValue, ModelVersion, Page } from './model.js'
import {
  DELETED_STAGE,
  findModel,
  lockModel,
  findVersion,
  loadVersions,
  type Db,
  type ModelRow,
  type VersionRow,
} from './model-reader.js'
import { resolveSource, type SourceInput } from './model-source.js'
import { modelVersionSearchQuery, type SearchModelVersions } from './model-version-search.js'
import { recordEvents, versionSubject } from './registry-events.js'
import type { RegistryTables } from './schema.js'
import { decodePageToken, encodePageToken } from '../tracking/index.js'
import { canonicalStage, checkModelName, checkTag, parseVersion } from './validation.js'
import { resolveAlias } from './alias-rows.js'
import { insertVersion } from './version-insert.js'
import { touchVersion, transitionStage, versionTagValue } from './version-writes.js'

type Trx = Transaction<RegistryTables>

/** What a deleted version keeps of its fields: nothing that says what it was (MLflow's redaction). */
const REDACTED = {
  current_stage: DELETED_STAGE,
  description: null,
  user_id: null,
  source: 'REDACTED-SOURCE-PATH',
  run_id: 'REDACTED-RUN-ID',
  run_link: 'REDACTED-RUN-LINK',
}

export interface CreateModelVersion extends SourceInput {
  readonly name: string
  readonly tags?: readonly KeyValue[] | undefined
  readonly description?: string | undefined
}

/** Model versions: register, read, describe, delete, tag, search, download location. */
export class ModelVersionService {
  constructor(private readonly deps: RegistryDeps) {}

  /** Registers the next version of a model; it is READY at once (nothing is copied). */
  async create(input: CreateModelVersion): Promise<ModelVersion> {
    checkModelName(input.name)
    const tags = [...new Map((input.tags ?? []).map((t) => [t.key, t])).values()]
    for (const tag of tags) checkTag(tag)
    await findModel(this.#db(), input.name)
    // Resolved before the transaction: it reads tracking, which must not wait on our connection.
    const resolved = await resolveSource(
      this.deps.tracking,
      (name, ref) => this.#locationOf(name, ref),
      input,
    )
    const now = this.deps.clock.nowMs()
    const version = await this.deps.store.transaction<RegistryTables, number>(async (trx) =>
      insertVersion(trx, {
        model: await lockModel(trx, { name: input.name }),
        source: input.source,
        resolved,
        runLink: input.runLink,
        description: input.description,
        tags,
        now,
      }),
    )
    return this.get(input.name, version)
  }

  async get(name: string, version: string | number): Promise<ModelVersion> {
    checkModelName(name)
    const number = parseVersion(version)
    const db = this.#db()
    const model = await findModel(db, name)
    return this.#load(db, model, [await findVersion(db, model, number)]).then((v) => v[0]!)
  }

  async update(
    name: string,
    version: string | number,
    input: { description?: string | undefined },
  ): Promise<ModelVersion> {
    const description = input.description ?? null
    await this.#mutate(name, version, async (trx, model, row, now) => {
      await touchVersion(trx, model, row.version, now, { description })
      await recordEvents(trx, now, [
        {
          type: 'model_version.updated',
          subject: versionSubject(model.name, row.version),
          payload: {
            name: model.name,
            version: row.version,
            before: { description: row.description },
            after: { description },
          },
        },
      ])
    })
    return this.get(name, version)
  }

  /**
   * Deletes a version as MLflow does: the row stays, redacted, so its number is never reused; its
   * tags go, and so do the aliases that pointed at it (each recorded, for serving to notice).
   */
  async delete(name: string, version: string | number): Promise<void> {
    await this.#mutate(name, version, async (trx, model, row, now) => {
      const aliases = await trx
        .deleteFrom('registered_model_aliases')
        .where('registered_model_id', '=', model.id)
        .where('version', '=', row.version)
        .returning('alias')
        .execute()
      await trx
        .deleteFrom('model_version_tags')
        .where('registered_model_id', '=', model.id)
        .where('version', '=', row.version)
        .execute()
      await touchVersion(trx, model, row.version, now, REDACTED)
      const subject = versionSubject(model.name, row.version)
      const common = { name: model.name, version: row.version }
      await recordEvents(trx, now, [
        ...aliases.map(({ alias }) => ({
          type: 'model_version.alias_deleted',
          subject,
          payload: { ...common, alias, before: { alias, version: row.version }, after: null },
        })),
        {
          type: 'model_version.deleted',
          subject,
          payload: {
            ...common,
            before: { stage: row.current_stage, source: row.source, run_id: row.run_id },
            after: null,
            aliases: aliases.map((a) => a.alias),
          },
        },
      ])
    })
  }

  /** MLflow's stage transition; see `transitionStage`. */
  async transitionStage(
    name: string,
    version: string | number,
    input: { stage: string; archiveExistingVersions: boolean },
  ): Promise<ModelVersion> {
    const stage = canonicalStage(input.stage)
    await this.#mutate(name, version, (trx, model, row, now) =>
      transitionStage(trx, {
        model,
        row,
        stage,
        archiveExisting: input.archiveExistingVersions,
        now,
      }),
    )
    return this.get(name, version)
  }

  /** Where the version's files are: always inside the artifact store. */
  async downloadUri(name: string, version: string | number): Promise<string> {
    return (await this.get(name, version)).storageLocation
  }

  async setTag(name: string, version: string | number, tag: KeyValue): Promise<void> {
    checkTag(tag)
    await this.#mutate(name, version, async (trx, model, row, now) => {
      const before = await versionTagValue(trx, row, tag.key)
      await trx
        .insertInto('model_version_tags')
        .values({ registered_model_id: model.id, version: row.version, ...tag })
        .onConflict((oc) =>
          oc.columns(['registered_model_id', 'version', 'key']).doUpdateSet({ value: tag.value }),
        )
        .execute()
      await recordEvents(trx, now, [
        {
          type: 'model_version.tag_set',
          subject: versionSubject(model.name, row.version),
          payload: {
            name: model.name,
            version: row.version,
            key: tag.key,
            before: before === null ? null : { key: tag.key, value: before },
            after: { key: tag.key, value: tag.value },
          },
        },
      ])
    })
  }

  /** Deleting a tag that is not there is not an error (MLflow's behaviour). */
  async deleteTag(name: string, version: string | number, key: string): Promise<void> {
    checkTag({ key, value: '' })
    await this.#mutate(name, version, async (trx, model, row, now) => {
      const before = await versionTagValue(trx, row, key)
      if (before === null) return
      await trx
        .deleteFrom('model_version_tags')
        .where('registered_model_id', '=', model.id)
        .where('version', '=', row.version)
        .where('key', '=', key)
        .execute()
      await recordEvents(trx, now, [
        {
          type: 'model_version.tag_deleted',
          subject: versionSubject(model.name, row.version),
          payload: {
            name: model.name,
            version: row.version,
            key,
            before: { key, value: before },
            after: null,
          },
        },
      ])
    })
  }

  async search(input: SearchModelVersions): Promise<Page<ModelVersion>> {
    const db = this.#db()
    const offset = decodePageToken(input.pageToken)
    const limit = input.maxResults ?? 200_000
    const rows = await modelVersionSearchQuery(db, input)
      .offset(offset)
      .limit(limit + 1)
      .execute()
    const page = rows.slice(0, limit)
    const names = new Map(page.map((r) => [r.registered_model_id, r.model_name]))
    return {
      items: await loadVersions(db, page, names),
      nextPageToken: rows.length > limit ? encodePageToken(offset + limit) : undefined,
    }
  }

  #db() {
    return this.deps.store.db<RegistryTables>()
  }

  #load(db: Db, model: ModelRow, rows: VersionRow[]) {
    return loadVersions(db, rows, new Map([[model.id, model.name]]))
  }

  /** The files of `models:/<name>/<version>` or `models:/<name>@<alias>`. */
  async #locationOf(name: string, ref: string): Promise<string> {
    const db = this.#db()
    const model = await findModel(db, name)
    const version = /^\d+$/.test(ref) ? Number(ref) : await resolveAlias(db, model, ref)
    return (await findVersion(db, model, version)).storage_location
  }

  async #mutate(
    name: string,
    version: string | number,
    fn: (trx: Trx, model: ModelRow, row: VersionRow, now: number) => Promise<void>,
  ): Promise<void> {
    checkModelName(name)
    const number = parseVersion(version)
    const now = this.deps.clock.nowMs()
    await this.deps.store.transaction<RegistryTables, void>(async (trx) => {
      const model = await lockModel(trx, { name })
      await fn(trx, model, await findVersion(trx, model, number), now)
    })
  }
}

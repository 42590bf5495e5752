import type { Kysely } from 'kysely'
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { appendEvents } from '../events/index.js'
import { currentActor } from '../shared/actor.js'
import { InvalidParameterError, NotFoundError } from '../shared/errors.js'
import { artifactKeyOf } from '../tracking/index.js'
import type { DataFormat } from './data-format.js'
import { ARTIFACT_SCHEME, type DataInput } from './data-input.js'
import {
  datasetArtifactKey,
  hashFile,
  localFileName,
  storeFileContent,
  withStoredFile,
} from './dataset-file.js'
import { insertVersion, labelsOf, versionByDigest } from './dataset-records.js'
import { versionFromRow, type DatasetSummary, type DatasetVersion } from './dataset-version.js'
import type { DataDeps } from './deps.js'
import { readDataset } from './read-dataset.js'
import { retryOnConflict } from './retry-on-conflict.js'
import type { DataTables } from './schema.js'
import { checkAlias, checkName, parseVersionRef, type VersionRef } from './version-ref.js'

type Db = Kysely<DataTables>

/** What `add` needs besides the file. */
export interface AddDataset {
  readonly name: string
  readonly format?: DataFormat | undefined
  /** Recorded as where the data came from; the absolute path by default. */
  readonly source?: string | undefined
}

/** Data as a local file, with what is known about where it came from. */
export interface LocalData {
  readonly path: string
  readonly format?: DataFormat | undefined
  /** The path, artifact URI or `name:version` it was given as. */
  readonly source: string
  /** Set when the data is a stored version. */
  readonly version?: DatasetVersion | undefined
}

/** Dataset versions: content-addressed files with schema, row count, profile and aliases. */
export class DatasetService {
  constructor(private readonly deps: DataDeps) {}

  /**
   * Stores the file at `path` once by its sha256 and records a version of `name` with its schema,
   * row count and profile. The same content under the same name is the same version
   * (`created: false`). The file is read completely before anything is stored, so an unreadable
   * file leaves no trace. @throws NotFoundError, InvalidParameterError
   */
  async add(
    path: string,
    input: AddDataset,
  ): Promise<{ version: DatasetVersion; created: boolean }> {
    checkName('dataset', input.name)
    if (path.startsWith(ARTIFACT_SCHEME)) {
      return this.withInput({ artifact: path }, (file) =>
        this.add(file.path, { ...input, source: input.source ?? path }),
      )
    }
    const info = await stat(path).catch(() => undefined)
    if (!info) throw new NotFoundError(`No file at '${path}'`)
    if (!info.isFile()) throw new InvalidParameterError(`'${path}' is not a file`)
    const { digest, sizeBytes } = await hashFile(path)
    const known = await versionByDigest(this.#db(), input.name, digest)
    if (known) return { version: known, created: false }
    const read = await readDataset(path, input.format)
    const artifactKey = await storeFileContent(this.deps.artifacts, path, digest)
    const source = input.source ?? resolve(path)
    const fields = { name: input.name, digest, artifactKey, source, sizeBytes, read }
    return retryOnConflict(() =>
      this.deps.store.transaction<DataTables, { version: DatasetVersion; created: boolean }>(
        async (trx) => {
          const same = await versionByDigest(trx, input.name, digest)
          if (same) return { version: same, created: false }
          return {
            version: await insertVersion(trx, fields, this.deps.clock.nowMs()),
            created: true,
          }
        },
      ),
    )
  }

  /** The version `ref` names: `name` (latest), `name:3`, `name@alias`. @throws NotFoundError */
  async get(ref: string | VersionRef): Promise<DatasetVersion> {
    const { name, version, alias } = typeof ref === 'string' ? parseVersionRef(ref) : ref
    const db = this.#db()
    const number = alias === undefined ? version : await this.#aliasTarget(db, name, alias)
    let query = db.selectFrom('dataset_versions').selectAll().where('name', '=', name)
    query =
      number === undefined
        ? query.orderBy('version', 'desc').limit(1)
        : query.where('version', '=', number)
    const row = await query.executeTakeFirst()
    if (!row) {
      throw new NotFoundError(
        number === undefined
          ? `No dataset named '${name}'`
          : `No version ${number} of dataset '${name}'`,
      )
    }
    return versionFromRow(row, await labelsOf(db, name, Number(row.version)))
  }

  /** The version with this id. @throws NotFoundError */
  async getById(id: string): Promise<DatasetVersion> {
    const db = this.#db()
    const row = await db
      .selectFrom('dataset_versions')
      .selectAll()
      .where('version_id', '=', id)
      .executeTakeFirst()
    if (!row) throw new NotFoundError(`No dataset version with id '${id}'`)
    return versionFromRow(row, await labelsOf(db, row.name, Number(row.version)))
  }

  /** Every dataset name with its newest version, by name. */
  async list(): Promise<DatasetSummary[]> {
    const rows = await this.#db()
      .selectFrom('dataset_versions')
      .select((eb) => [
        'name',
        eb.fn.max('version').as('latest'),
        eb.fn.countAll().as('count'),
        eb.fn.max('created_at').as('updated'),
      ])
      .groupBy('name')
      .orderBy('name')
      .execute()
    return rows.map((r) => ({
      name: r.name,
      latestVersion: Number(r.latest),
      versionCount: Number(r.count),
      updatedAtMs: Number(r.updated),
    }))
  }

  /** Every version of `name`, newest first, without profiles. @throws NotFoundError when none. */
  async versions(name: string): Promise<DatasetVersion[]> {
    const db = this.#db()
    const rows = await db
      .selectFrom('dataset_versions')
      .selectAll()
      .where('name', '=', name)
      .orderBy('version', 'desc')
      .execute()
    if (rows.length === 0) throw new NotFoundError(`No dataset named '${name}'`)
    const aliases = await db
      .selectFrom('dataset_aliases')
      .select(['alias', 'version'])
      .where('name', '=', name)
      .orderBy('alias')
      .execute()
    const tags = await db
      .selectFrom('dataset_version_tags')
      .select(['key', 'value', 'version'])
      .where('name', '=', name)
      .orderBy('key')
      .execute()
    const of = (v: number) => ({
      aliases: aliases.filter((a) => Number(a.version) === v).map((a) => a.alias),
      tags: Object.fromEntries(
        tags.filter((t) => Number(t.version) === v).map((t) => [t.key, t.value]),
      ),
    })
    return rows.map((r) => versionFromRow(r, of(Number(r.version)), false))
  }

  /** Versions (under any name) whose content has this sha256. */
  async findByDigest(digest: string): Promise<DatasetVersion[]> {
    const db = this.#db()
    const rows = await db
      .selectFrom('dataset_versions')
      .selectAll()
      .where('digest', '=', digest)
      .orderBy('created_at')
      .execute()
    return Promise.all(
      rows.map(async (r) =>
        versionFromRow(r, await labelsOf(db, r.name, Number(r.version)), false),
      ),
    )
  }

  /** Points `alias` of dataset `name` at `version` (moving it if it pointed elsewhere). */
  async setAlias(name: string, alias: string, version: number): Promise<void> {
    checkAlias(alias)
    const target = await this.get({ name, version })
    const now = this.deps.clock.nowMs()
    await this.deps.store.transaction<DataTables, void>(async (trx) => {
      await trx
        .insertInto('dataset_aliases')
        .values({ name, alias, version, updated_at: now })
        .onConflict((oc) => oc.columns(['name', 'alias']).doUpdateSet({ version, updated_at: now }))
        .execute()
      const payload = { name, alias, version, versionId: target.id }
      await appendEvents(
        trx,
        [{ type: 'dataset.alias_set', subject: `dataset:${name}`, payload, actor: currentActor() }],
        now,
      )
    })
  }

  /** Removes an alias. @throws NotFoundError when it does not exist. */
  async deleteAlias(name: string, alias: string): Promise<void> {
    const now = this.deps.clock.nowMs()
    await this.deps.store.transaction<DataTables, void>(async (trx) => {
      const result = await trx
        .deleteFrom('dataset_aliases')
        .where('name', '=', name)
        .where('alias', '=', alias)
        .executeTakeFirst()
      if (Number(result.numDeletedRows) === 0)
        throw new NotFoundError(`Dataset '${name}' has no alias '${alias}'`)
      await appendEvents(
        trx,
        [
          {
            type: 'dataset.alias_deleted',
            subject: `dataset:${name}`,
            payload: { name, alias },
            actor: currentActor(),
          },
        ],
        now,
      )
    })
  }

  /**
   * Runs `fn` on a local path for any input: a local file as it is; a file in the artifact store
   * or a stored version copied to a temporary file first (removed afterwards).
   * @throws NotFoundError
   */
  async withInput<T>(input: DataInput, fn: (file: LocalData) => Promise<T>): Promise<T> {
    if ('path' in input) return fn({ path: input.path, format: input.format, source: input.path })
    if ('artifact' in input) {
      const key = artifactKeyOf(input.artifact)
      return withStoredFile(this.deps.artifacts, key, localFileName(key), (path) =>
        fn({ path, format: input.format, source: input.artifact }),
      )
    }
    const version = await this.get(input.ref)
    const source = `${version.name}:${version.version}`
    return this.withFile(version, (path) => fn({ path, format: version.format, source, version }))
  }

  /** Runs `fn` on a local copy of the version's file, removed afterwards. */
  withFile<T>(version: DatasetVersion, fn: (path: string) => Promise<T>): Promise<T> {
    return withStoredFile(
      this.deps.artifacts,
      datasetArtifactKey(version.digest),
      localFileName(version.source),
      fn,
    )
  }

  #db(): Db {
    return this.deps.store.db<DataTables>()
  }

  async #aliasTarget(db: Db, name: string, alias: string): Promise<number> {
    const row = await db
      .selectFrom('dataset_aliases')
      .select('version')
      .where('name', '=', name)
      .where('alias', '=', alias)
      .executeTakeFirst()
    if (!row) throw new NotFoundError(`Dataset '${name}' has no alias '${alias}'`)
    return Number(row.version)
  }
}

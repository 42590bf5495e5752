import type { Kysely } from 'kysely'
import { appendEvents } from '../events/index.js'
import { currentActor } from '../shared/actor.js'
import { newUuid } from '../shared/ids.js'
import { versionFromRow, type DatasetVersion, type VersionLabels } from './dataset-version.js'
import type { DatasetReading } from './read-dataset.js'
import type { DataTables } from './schema.js'

type Db = Kysely<DataTables>

/** What a new version records besides its number. */
export interface NewVersion {
  readonly name: string
  readonly digest: string
  readonly artifactKey: string
  readonly source: string
  readonly sizeBytes: number
  readonly read: DatasetReading
}

/** The version of `name` with this content, if there is one. */
export async function versionByDigest(
  db: Db,
  name: string,
  digest: string,
): Promise<DatasetVersion | undefined> {
  const row = await db
    .selectFrom('dataset_versions')
    .selectAll()
    .where('name', '=', name)
    .where('digest', '=', digest)
    .executeTakeFirst()
  return row ? versionFromRow(row, await labelsOf(db, name, Number(row.version))) : undefined
}

/** The aliases pointing at one version, by name, and its tags. */
export async function labelsOf(db: Db, name: string, version: number): Promise<VersionLabels> {
  const aliases = await db
    .selectFrom('dataset_aliases')
    .select('alias')
    .where('name', '=', name)
    .where('version', '=', version)
    .orderBy('alias')
    .execute()
  const tags = await db
    .selectFrom('dataset_version_tags')
    .select(['key', 'value'])
    .where('name', '=', name)
    .where('version', '=', version)
    .orderBy('key')
    .execute()
  return {
    aliases: aliases.map((r) => r.alias),
    tags: Object.fromEntries(tags.map((t) => [t.key, t.value])),
  }
}

/**
 * Inserts the next version of `version.name` and its `dataset.version_created` event, inside the
 * caller's transaction. Two writers racing for one number: the unique index refuses the loser.
 */
export async function insertVersion(
  trx: Db,
  version: NewVersion,
  nowMs: number,
): Promise<DatasetVersion> {
  const { latest } = await trx
    .selectFrom('dataset_versions')
    .select((eb) => eb.fn.max('version').as('latest'))
    .where('name', '=', version.name)
    .executeTakeFirstOrThrow()
  const { read } = version
  const row = {
    version_id: newUuid(),
    name: version.name,
    version: Number(latest ?? 0) + 1,
    digest: version.digest,
    artifact_key: version.artifactKey,
    format: read.format,
    source: version.source,
    size_bytes: version.sizeBytes,
    row_count: read.rowCount,
    schema: JSON.stringify(read.columns),
    profile: JSON.stringify(read.profile),
    created_at: nowMs,
    created_by: currentActor(),
  }
  await trx.insertInto('dataset_versions').values(row).execute()
  const payload = {
    name: row.name,
    version: row.version,
    digest: row.digest,
    source: row.source,
    rowCount: row.row_count,
  }
  const event = {
    type: 'dataset.version_created',
    subject: `dataset_version:${row.version_id}`,
    payload,
    actor: row.created_by,
  }
  await appendEvents(trx, [event], nowMs)
  return versionFromRow(row, { aliases: [], tags: {} })
}

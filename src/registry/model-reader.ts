import type { Kysely, Selectable } from 'kysely'
import { NotFoundError } from '../shared/errors.js'
import type { DatasetRef, ModelVersion, RegisteredModel, Stage } from './model.js'
import type { RegistryTables } from './schema.js'

export type Db = Kysely<RegistryTables>
export type ModelRow = Selectable<RegistryTables['registered_models']>
export type VersionRow = Selectable<RegistryTables['model_versions']>

/** The stage a deleted version keeps, so that its number is never given out again (as MLflow). */
export const DELETED_STAGE = 'Deleted_Internal'

/** @throws NotFoundError with MLflow's message */
export async function findModel(db: Db, name: string): Promise<ModelRow> {
  const row = await db
    .selectFrom('registered_models')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirst()
  if (!row) throw new NotFoundError(`Registered Model with name=${name} not found`)
  return row
}

/**
 * Finds a model for a write and locks its row, with a no-op update. Every writing transaction
 * takes this lock before any other, so concurrent writers of one model queue instead of
 * deadlocking (PostgreSQL), and each then reads what the one before it committed. A model renamed
 * or deleted meanwhile no longer matches. @throws NotFoundError with MLflow's message
 */
export async function lockModel(
  trx: Db,
  model: { readonly name: string } | { readonly id: number },
): Promise<ModelRow> {
  const row = await trx
    .updateTable('registered_models')
    .set((eb) => ({ last_version: eb.ref('last_version') }))
    .where((eb) => ('id' in model ? eb('id', '=', model.id) : eb('name', '=', model.name)))
    .returningAll()
    .executeTakeFirst()
  if (!row) {
    const name = 'name' in model ? model.name : `id ${model.id}`
    throw new NotFoundError(`Registered Model with name=${name} not found`)
  }
  return row
}

/** A live (not deleted) version. @throws NotFoundError with MLflow's message */
export async function findVersion(db: Db, model: ModelRow, version: number): Promise<VersionRow> {
  const row = await db
    .selectFrom('model_versions')
    .selectAll()
    .where('registered_model_id', '=', model.id)
    .where('version', '=', version)
    .where('current_stage', '!=', DELETED_STAGE)
    .executeTakeFirst()
  if (!row) {
    throw new NotFoundError(`Model Version (name=${model.name}, version=${version}) not found`)
  }
  return row
}

/** Whole versions (tags, aliases) for rows already selected, in the same order. */
export async function loadVersions(
  db: Db,
  rows: readonly VersionRow[],
  names: ReadonlyMap<number, string>,
): Promise<ModelVersion[]> {
  if (rows.length === 0) return []
  const ids = [...new Set(rows.map((r) => r.registered_model_id))]
  const [tags, aliases] = await Promise.all([
    db
      .selectFrom('model_version_tags')
      .selectAll()
      .where('registered_model_id', 'in', ids)
      .orderBy('key')
      .execute(),
    db
      .selectFrom('registered_model_aliases')
      .selectAll()
      .where('registered_model_id', 'in', ids)
      .orderBy('alias')
      .execute(),
  ])
  const key = (id: number, version: number) => `${id}/${version}`
  const tagsOf = groupBy(tags, (t) => key(t.registered_model_id, t.version))
  const aliasesOf = groupBy(aliases, (a) => key(a.registered_model_id, a.version))
  return rows.map((row) => {
    const k = key(row.registered_model_id, row.version)
    return toModelVersion(
      row,
      names.get(row.registered_model_id) ?? '',
      (tagsOf.get(k) ?? []).map((t) => ({ key: t.key, value: t.value })),
      (aliasesOf.get(k) ?? []).map((a) => a.alias),
    )
  })
}

/** Whole registered models (tags, aliases, latest version per stage) for rows already selected. */
export async function loadModels(db: Db, rows: readonly ModelRow[]): Promise<RegisteredModel[]> {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const names = new Map(rows.map((r) => [r.id, r.name]))
  const [tags, aliases, versionRows] = await Promise.all([
    db
      .selectFrom('registered_model_tags')
      .selectAll()
      .where('registered_model_id', 'in', ids)
      .orderBy('key')
      .execute(),
    db
      .selectFrom('registered_model_aliases')
      .selectAll()
      .where('registered_model_id', 'in', ids)
      .orderBy('alias')
      .execute(),
    latestVersionRows(db, ids),
  ])
  const versions = groupBy(await loadVersions(db, versionRows, names), (v) => v.name)
  const tagsOf = groupBy(tags, (t) => t.registered_model_id)
  const aliasesOf = groupBy(aliases, (a) => a.registered_model_id)
  return rows.map((row) => ({
    name: row.name,
    creationTimestamp: row.creation_timestamp,
    lastUpdatedTimestamp: row.last_updated_timestamp,
    userId: row.user_id ?? undefined,
    description: row.description ?? undefined,
    latestVersions: versions.get(row.name) ?? [],
    tags: (tagsOf.get(row.id) ?? []).map((t) => ({ key: t.key, value: t.value })),
    aliases: (aliasesOf.get(row.id) ?? []).map((a) => ({ alias: a.alias, version: a.version })),
  }))
}

/** The newest live version in each stage of each model, by version number. */
async function latestVersionRows(db: Db, ids: readonly number[]): Promise<VersionRow[]> {
  const rows = await db
    .selectFrom('model_versions as v')
    .selectAll('v')
    .where('v.registered_model_id', 'in', ids)
    .where('v.current_stage', '!=', DELETED_STAGE)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('model_versions as w')
            .select('w.version')
            .whereRef('w.registered_model_id', '=', 'v.registered_model_id')
            .whereRef('w.current_stage', '=', 'v.current_stage')
            .whereRef('w.version', '>', 'v.version'),
        ),
      ),
    )
    .orderBy('v.registered_model_id')
    .orderBy('v.version')
    .execute()
  return rows
}

export function toModelVersion(
  row: VersionRow,
  name: string,
  tags: ModelVersion['tags'],
  aliases: string[],
): ModelVersion {
  return {
    name,
    version: row.version,
    creationTimestamp: row.creation_timestamp,
    lastUpdatedTimestamp: row.last_updated_timestamp,
    userId: row.user_id ?? undefined,
    currentStage: row.current_stage as Stage,
    description: row.description ?? undefined,
    source: row.source,
    storageLocation: row.storage_location,
    runId: row.run_id ?? undefined,
    runLink: row.run_link ?? undefined,
    modelId: row.model_id ?? undefined,
    status: 'READY',
    tags,
    aliases,
    lineage: {
      runId: row.run_id ?? undefined,
      modelId: row.model_id ?? undefined,
      gitCommit: row.git_commit ?? undefined,
      datasets: JSON.parse(row.dataset_inputs) as DatasetRef[],
    },
  }
}

function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>()
  for (const item of items) {
    const key = keyOf(item)
    const list = groups.get(key)
    if (list) list.push(item)
    else groups.set(key, [item])
  }
  return groups
}

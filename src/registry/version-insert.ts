import type { Transaction } from 'kysely'
import { currentActor } from '../shared/actor.js'
import type { KeyValue } from './model.js'
import type { ModelRow } from './model-reader.js'
import type { ResolvedSource } from './model-source.js'
import { recordEvents, versionSubject } from './registry-events.js'
import type { RegistryTables } from './schema.js'

type Trx = Transaction<RegistryTables>

export interface NewVersion {
  readonly model: ModelRow
  readonly source: string
  readonly resolved: ResolvedSource
  readonly runLink: string | undefined
  readonly description: string | undefined
  readonly tags: readonly KeyValue[]
  readonly now: number
}

/**
 * The model's next version number, by one conditional increment of its counter: concurrent
 * registrations each get their own number, and deleted numbers are never given out again.
 */
async function nextVersion(trx: Trx, model: ModelRow, now: number): Promise<number> {
  const { last_version } = await trx
    .updateTable('registered_models')
    .set((eb) => ({ last_version: eb('last_version', '+', 1), last_updated_timestamp: now }))
    .where('id', '=', model.id)
    .returning('last_version')
    .executeTakeFirstOrThrow()
  return last_version
}

/** Inserts the next version with its tags and lineage, and records `model_version.created`. */
export async function insertVersion(trx: Trx, input: NewVersion): Promise<number> {
  const { model, resolved, now } = input
  const { lineage } = resolved
  const version = await nextVersion(trx, model, now)
  await trx
    .insertInto('model_versions')
    .values({
      registered_model_id: model.id,
      version,
      creation_timestamp: now,
      last_updated_timestamp: now,
      user_id: currentActor(),
      current_stage: 'None',
      description: input.description ?? null,
      source: input.source,
      storage_location: resolved.storageLocation,
      run_id: lineage.runId ?? null,
      run_link: input.runLink || null,
      model_id: lineage.modelId ?? null,
      status: 'READY',
      status_message: null,
      git_commit: lineage.gitCommit ?? null,
      dataset_inputs: JSON.stringify(lineage.datasets),
    })
    .execute()
  if (input.tags.length > 0) {
    await trx
      .insertInto('model_version_tags')
      .values(input.tags.map((t) => ({ registered_model_id: model.id, version, ...t })))
      .execute()
  }
  await recordEvents(trx, now, [
    {
      type: 'model_version.created',
      subject: versionSubject(model.name, version),
      payload: createdPayload(input, version),
    },
  ])
  return version
}

/** Everything lineage and audit need: the run, its datasets, the commit, where the files are. */
function createdPayload(input: NewVersion, version: number): Record<string, unknown> {
  const { lineage } = input.resolved
  return {
    name: input.model.name,
    version,
    source: input.source,
    storage_location: input.resolved.storageLocation,
    run_id: lineage.runId ?? null,
    model_id: lineage.modelId ?? null,
    run_link: input.runLink || null,
    git_commit: lineage.gitCommit ?? null,
    datasets: lineage.datasets.map((d) => ({
      name: d.name,
      digest: d.digest,
      source_type: d.sourceType,
      source: d.source,
      context: d.context ?? null,
    })),
    description: input.description ?? null,
    tags: input.tags,
  }
}

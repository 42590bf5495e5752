import type { Transaction } from 'kysely'
import { InvalidParameterError } from '../shared/errors.js'
import type { Stage } from './model.js'
import { DELETED_STAGE, type ModelRow, type VersionRow } from './model-reader.js'
import { recordEvents, versionSubject } from './registry-events.js'
import type { RegistryTables } from './schema.js'
import { ACTIVE_STAGES } from './validation.js'

type Trx = Transaction<RegistryTables>

/** Updates a version's columns and both last-updated times (MLflow bumps the model's too). */
export async function touchVersion(
  trx: Trx,
  model: ModelRow,
  version: number,
  now: number,
  set: Partial<RegistryTables['model_versions']>,
): Promise<void> {
  await trx
    .updateTable('model_versions')
    .set({ ...set, last_updated_timestamp: now })
    .where('registered_model_id', '=', model.id)
    .where('version', '=', version)
    .execute()
  await trx
    .updateTable('registered_models')
    .set({ last_updated_timestamp: now })
    .where('id', '=', model.id)
    .execute()
}

/** A version tag's value, or null when it has none. */
export async function versionTagValue(trx: Trx, row: VersionRow, key: string) {
  const tag = await trx
    .selectFrom('model_version_tags')
    .select('value')
    .where('registered_model_id', '=', row.registered_model_id)
    .where('version', '=', row.version)
    .where('key', '=', key)
    .executeTakeFirst()
  return tag?.value ?? null
}

/**
 * Moves a version to `stage`; with `archiveExisting`, the other versions in that stage move to
 * Archived in the same transaction, so at most one version holds an active stage. Each move is
 * its own event with before and after.
 */
export async function transitionStage(
  trx: Trx,
  input: { model: ModelRow; row: VersionRow; stage: Stage; archiveExisting: boolean; now: number },
): Promise<void> {
  const { model, row, stage, archiveExisting, now } = input
  if (archiveExisting && !ACTIVE_STAGES.includes(stage)) {
    throw new InvalidParameterError(
      `Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. Valid stages are ${ACTIVE_STAGES.join(', ')}`,
    )
  }
  const archived = archiveExisting
    ? await trx
        .selectFrom('model_versions')
        .selectAll()
        .where('registered_model_id', '=', model.id)
        .where('version', '!=', row.version)
        .where('current_stage', '=', stage)
        .where('current_stage', '!=', DELETED_STAGE)
        .execute()
    : []
  const moves = [...archived.map((r) => ({ row: r, to: 'Archived' as Stage })), { row, to: stage }]
  for (const move of moves) {
    await touchVersion(trx, model, move.row.version, now, { current_stage: move.to })
  }
  await recordEvents(
    trx,
    now,
    moves.map((move) => ({
      type: 'model_version.stage_transitioned',
      subject: versionSubject(model.name, move.row.version),
      payload: {
        name: model.name,
        version: move.row.version,
        before: { stage: move.row.current_stage },
        after: { stage: move.to },
      },
    })),
  )
}

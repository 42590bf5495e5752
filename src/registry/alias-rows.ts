import type { Transaction } from 'kysely'
import { NotFoundError } from '../shared/errors.js'
import type { Db, ModelRow } from './model-reader.js'
import { recordEvents, versionSubject } from './registry-events.js'
import type { RegistryTables } from './schema.js'

/** The version an alias points at. @throws NotFoundError naming the alias */
export async function resolveAlias(db: Db, model: ModelRow, alias: string): Promise<number> {
  const version = await currentAliasVersion(db, model, alias)
  if (version === null) {
    throw new NotFoundError(
      `Registered model alias ${alias} not found for registered model '${model.name}'.`,
    )
  }
  return version
}

async function currentAliasVersion(db: Db, model: ModelRow, alias: string): Promise<number | null> {
  const row = await db
    .selectFrom('registered_model_aliases')
    .select('version')
    .where('registered_model_id', '=', model.id)
    .where('alias', '=', alias)
    .executeTakeFirst()
  return row?.version ?? null
}

/** Thrown inside a transaction whose alias write lost a race; the caller retries it whole. */
export class AliasMoved extends Error {}

/**
 * Points `alias` at `version` (or removes it, for null) with a write that holds only if the alias
 * still points where this transaction read it: a concurrent move makes it match no row, and
 * `AliasMoved` rolls the transaction back to be retried on the new state. So racing moves apply
 * one after the other, and each event's `before` is the previous event's `after`.
 */
export async function moveAlias(
  trx: Transaction<RegistryTables>,
  input: {
    model: ModelRow
    alias: string
    version: number | null
    now: number
    payload?: Record<string, unknown>
  },
): Promise<void> {
  const { model, alias, version, now } = input
  const before = await currentAliasVersion(trx, model, alias)
  if (before === version) return
  const changed = await writeAlias(trx, model, alias, before, version)
  if (changed === 0n) throw new AliasMoved()
  await trx
    .updateTable('registered_models')
    .set({ last_updated_timestamp: now })
    .where('id', '=', model.id)
    .execute()
  await recordEvents(trx, now, [
    {
      type: version === null ? 'model_version.alias_deleted' : 'model_version.alias_set',
      subject: versionSubject(model.name, version ?? before!),
      payload: {
        name: model.name,
        alias,
        version: version ?? before,
        before: before === null ? null : { alias, version: before },
        after: version === null ? null : { alias, version },
        ...input.payload,
      },
    },
  ])
}

/** The conditional write itself: insert, delete or update, each only from the `before` state. */
async function writeAlias(
  trx: Transaction<RegistryTables>,
  model: ModelRow,
  alias: string,
  before: number | null,
  version: number | null,
): Promise<bigint> {
  if (before === null) {
    const result = await trx
      .insertInto('registered_model_aliases')
      .values({ registered_model_id: model.id, alias, version: version! })
      .onConflict((oc) => oc.columns(['registered_model_id', 'alias']).doNothing())
      .executeTakeFirst()
    return result.numInsertedOrUpdatedRows ?? 0n
  }
  if (version === null) {
    const result = await trx
      .deleteFrom('registered_model_aliases')
      .where('registered_model_id', '=', model.id)
      .where('alias', '=', alias)
      .where('version', '=', before)
      .executeTakeFirst()
    return result.numDeletedRows
  }
  const result = await trx
    .updateTable('registered_model_aliases')
    .set({ version })
    .where('registered_model_id', '=', model.id)
    .where('alias', '=', alias)
    .where('version', '=', before)
    .executeTakeFirst()
  return result.numUpdatedRows
}

import type { Transaction } from 'kysely'
import type { AliasRef } from './model.js'
import { DELETED_STAGE } from './model-reader.js'
import type { RegistryTables } from './schema.js'

/**
 * Removes every row of one registered model across the registry's tables, in the caller's
 * transaction, and says what went so that the deletion event can record it.
 */
export async function deleteModelRows(
  trx: Transaction<RegistryTables>,
  id: number,
): Promise<{ versions: number[]; aliases: AliasRef[] }> {
  const [versions, aliases] = await Promise.all([
    trx
      .selectFrom('model_versions')
      .select('version')
      .where('registered_model_id', '=', id)
      .where('current_stage', '!=', DELETED_STAGE)
      .orderBy('version')
      .execute(),
    trx
      .selectFrom('registered_model_aliases')
      .select(['alias', 'version'])
      .where('registered_model_id', '=', id)
      .orderBy('alias')
      .execute(),
  ])
  const tables = [
    'model_version_tags',
    'model_versions',
    'registered_model_aliases',
    'registered_model_tags',
    'registered_model_policies',
    'evaluation_reports',
    'approvals',
  ] as const
  for (const table of tables) {
    await trx.deleteFrom(table).where('registered_model_id', '=', id).execute()
  }
  await trx.deleteFrom('registered_models').where('id', '=', id).execute()
  return {
    versions: versions.map((v) => v.version),
    aliases: aliases.map((a) => ({ alias: a.alias, version: a.version })),
  }
}

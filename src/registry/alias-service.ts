import type { Transaction } from 'kysely'
import { InvalidStateError } from '../shared/errors.js'
import type { MetadataStore } from '../store/index.js'
import { AliasMoved, moveAlias, resolveAlias } from './alias-rows.js'
import type { RegistryDeps } from './deps.js'
import type { ModelVersion } from './model.js'
import { findModel, lockModel, findVersion, loadVersions } from './model-reader.js'
import { assertPromotable } from './promotion-check.js'
import type { RegistryTables } from './schema.js'
import { checkAlias, checkModelName, parseVersion } from './validation.js'

const MAX_ATTEMPTS = 8

/**
 * Runs `fn` in a transaction, again on a fresh one whenever an alias it moves was moved by someone
 * else meanwhile (`AliasMoved`): racing moves end applied one after the other, never lost.
 */
export async function withAliasRetry<R>(
  store: MetadataStore,
  fn: (trx: Transaction<RegistryTables>) => Promise<R>,
): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.transaction<RegistryTables, R>(fn)
    } catch (err) {
      if (!(err instanceof AliasMoved)) throw err
      if (attempt >= MAX_ATTEMPTS) {
        throw new InvalidStateError(
          `The alias kept moving under concurrent updates (${MAX_ATTEMPTS} attempts); try again`,
        )
      }
    }
  }
}

/** Aliases: point one at a version (through the model's gates and approvals), remove, resolve. */
export class AliasService {
  constructor(private readonly deps: RegistryDeps) {}

  /**
   * Points `alias` at `version`. A protected alias needs a passing evaluation report of every
   * gate, an approval alias an approved request. @throws InvalidParameterError listing blockers
   */
  async set(name: string, alias: string, version: string | number): Promise<void> {
    checkModelName(name)
    checkAlias(alias)
    const number = parseVersion(version)
    const now = this.deps.clock.nowMs()
    await withAliasRetry(this.deps.store, async (trx) => {
      const model = await lockModel(trx, { name })
      await findVersion(trx, model, number)
      await assertPromotable(trx, model, number, alias)
      await moveAlias(trx, { model, alias, version: number, now })
    })
  }

  /** Removes an alias. @throws NotFoundError when the model has no such alias */
  async delete(name: string, alias: string): Promise<void> {
    checkModelName(name)
    checkAlias(alias)
    const now = this.deps.clock.nowMs()
    await withAliasRetry(this.deps.store, async (trx) => {
      const model = await lockModel(trx, { name })
      await resolveAlias(trx, model, alias)
      await moveAlias(trx, { model, alias, version: null, now })
    })
  }

  /** The version an alias points at. @throws NotFoundError for an unknown model or alias */
  async getVersion(name: string, alias: string): Promise<ModelVersion> {
    checkModelName(name)
    checkAlias(alias)
    const db = this.deps.store.db<RegistryTables>()
    const model = await findModel(db, name)
    const row = await findVersion(db, model, await resolveAlias(db, model, alias))
    return (await loadVersions(db, [row], new Map([[model.id, model.name]])))[0]!
  }
}

import { appendEvents } from '../events/index.js'
import { currentActor } from '../shared/actor.js'
import { InvalidParameterError, NotFoundError } from '../shared/errors.js'
import type { DatasetService } from './dataset-service.js'
import type { DatasetVersion } from './dataset-version.js'
import type { DataDeps } from './deps.js'
import type { DataTables } from './schema.js'
import type { VersionRef } from './version-ref.js'

// MLflow's limits for tag keys and values, so tags copy between the two unchanged.
const MAX_KEY_LENGTH = 250
const MAX_VALUE_LENGTH = 5000

/** @throws InvalidParameterError naming what is wrong with the key or value */
function checkTag(key: string, value?: string): void {
  if (key.trim() === '' || key.length > MAX_KEY_LENGTH) {
    throw new InvalidParameterError(
      `Invalid tag key '${key.slice(0, 50)}': 1 to ${MAX_KEY_LENGTH} characters, not only spaces`,
    )
  }
  if (value !== undefined && value.length > MAX_VALUE_LENGTH) {
    throw new InvalidParameterError(
      `Tag '${key}' has a value of ${value.length} characters; at most ${MAX_VALUE_LENGTH}`,
    )
  }
}

/**
 * Key/value tags on dataset versions (`reviewed=yes`): unlike an alias, a tag describes one
 * version and never moves. Each change is an event.
 */
export class DatasetTags {
  constructor(
    private readonly deps: DataDeps,
    private readonly datasets: DatasetService,
  ) {}

  /**
   * Sets (or overwrites) tag `key` of the version `ref` names and returns the version.
   * @throws NotFoundError, InvalidParameterError
   */
  async set(ref: string | VersionRef, key: string, value: string): Promise<DatasetVersion> {
    checkTag(key, value)
    const target = await this.datasets.get(ref)
    const { name, version } = target
    const now = this.deps.clock.nowMs()
    await this.deps.store.transaction<DataTables, void>(async (trx) => {
      await trx
        .insertInto('dataset_version_tags')
        .values({ name, version, key, value, updated_at: now })
        .onConflict((oc) =>
          oc.columns(['name', 'version', 'key']).doUpdateSet({ value, updated_at: now }),
        )
        .execute()
      const payload = { name, version, versionId: target.id, key, value }
      const event = { type: 'dataset.tag_set', subject: `dataset_version:${target.id}`, payload }
      await appendEvents(trx, [{ ...event, actor: currentActor() }], now)
    })
    return this.datasets.get({ name, version })
  }

  /** Removes tag `key` of a version. @throws NotFoundError when the version or tag is absent */
  async delete(ref: string | VersionRef, key: string): Promise<DatasetVersion> {
    const target = await this.datasets.get(ref)
    const { name, version } = target
    const now = this.deps.clock.nowMs()
    await this.deps.store.transaction<DataTables, void>(async (trx) => {
      const result = await trx
        .deleteFrom('dataset_version_tags')
        .where('name', '=', name)
        .where('version', '=', version)
        .where('key', '=', key)
        .executeTakeFirst()
      if (Number(result.numDeletedRows) === 0) {
        throw new NotFoundError(`Version ${version} of dataset '${name}' has no tag '${key}'`)
      }
      const payload = { name, version, versionId: target.id, key }
      const event = {
        type: 'dataset.tag_deleted',
        subject: `dataset_version:${target.id}`,
        payload,
      }
      await appendEvents(trx, [{ ...event, actor: currentActor() }], now)
    })
    return this.datasets.get({ name, version })
  }
}

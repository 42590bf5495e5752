import { sql, type Transaction } from 'kysely'
import { InvalidParameterError } from '../shared/errors.js'
import type { LoggedModelMetric } from './logged-model.js'
import { NO_LINK } from './logged-model-reader.js'
import type { KeyValue } from './model.js'
import type { TrackingTables } from './schema.js'

type Trx = Transaction<TrackingTables>

/** A metric point as stored for a model; absent links become '' (see NO_LINK). */
export function metricRow(modelId: string, m: LoggedModelMetric) {
  const isNan = Number.isNaN(m.value)
  return {
    model_id: modelId,
    key: m.key,
    value: isNan ? 0 : m.value,
    is_nan: isNan ? 1 : 0,
    timestamp: m.timestamp,
    step: m.step,
    run_id: m.runId ?? NO_LINK,
    dataset_name: m.datasetName ?? NO_LINK,
    dataset_digest: m.datasetDigest ?? NO_LINK,
  }
}

/** Sets tags, overwriting; the last value of a repeated key wins. */
export async function writeModelTags(
  trx: Trx,
  modelId: string,
  tags: readonly KeyValue[],
): Promise<void> {
  if (tags.length === 0) return
  const unique = new Map(tags.map((t) => [t.key, t.value]))
  await trx
    .insertInto('logged_model_tags')
    .values([...unique].map(([key, value]) => ({ model_id: modelId, key, value })))
    .onConflict((oc) => oc.columns(['model_id', 'key']).doUpdateSet({ value: sql`excluded.value` }))
    .execute()
}

/** Writes params once (all or nothing): a different value for a logged key is refused. */
export async function writeModelParams(
  trx: Trx,
  modelId: string,
  params: readonly KeyValue[],
): Promise<void> {
  if (params.length === 0) return
  await trx
    .insertInto('logged_model_params')
    .values(params.map((p) => ({ model_id: modelId, key: p.key, value: p.value })))
    .onConflict((oc) => oc.doNothing())
    .execute()
  const keys = params.map((p) => p.key)
  const stored = await trx
    .selectFrom('logged_model_params')
    .select(['key', 'value'])
    .where('model_id', '=', modelId)
    .where('key', 'in', keys)
    .execute()
  const storedValue = new Map(stored.map((p) => [p.key, p.value]))
  const changed = params.filter((p) => storedValue.get(p.key) !== p.value)
  if (changed.length > 0) {
    const described = changed.map(
      (p) => `'${p.key}' (logged '${storedValue.get(p.key)}', now '${p.value}')`,
    )
    throw new InvalidParameterError(
      `Changing param values is not allowed; logged model '${modelId}' already has ${described.join(', ')}`,
    )
  }
}

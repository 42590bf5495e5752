import { sql, type Transaction } from 'kysely'
import { InvalidParameterError } from '../shared/errors.js'
import type { MetadataStore } from '../store/index.js'
import type { KeyValue, Metric } from './model.js'
import type { TrackingTables } from './schema.js'
import {
  checkKey,
  checkValueLength,
  MAX_PARAM_VALUE_LENGTH,
  MAX_TAG_VALUE_LENGTH,
} from './validation.js'

type Trx = Transaction<TrackingTables>

/** What one log-batch call writes. */
export interface Batch {
  readonly metrics?: readonly Metric[] | undefined
  readonly params?: readonly KeyValue[] | undefined
  readonly tags?: readonly KeyValue[] | undefined
}

/** Checks every key and value of a batch before anything is written. @throws InvalidParameterError */
export function checkBatch({ metrics = [], params = [], tags = [] }: Batch): void {
  for (const m of metrics) {
    checkKey('metric', m.key)
    if (!Number.isSafeInteger(m.timestamp))
      throw new InvalidParameterError(`Metric '${m.key}' has an invalid timestamp ${m.timestamp}`)
    if (!Number.isSafeInteger(m.step))
      throw new InvalidParameterError(`Metric '${m.key}' has an invalid step ${m.step}`)
  }
  const seen = new Map<string, string>()
  for (const p of params) {
    checkKey('param', p.key)
    checkValueLength('param', p.key, p.value, MAX_PARAM_VALUE_LENGTH)
    const earlier = seen.get(p.key)
    if (earlier !== undefined && earlier !== p.value) {
      throw new InvalidParameterError(
        `Duplicate parameter keys have been submitted: '${p.key}' with values '${earlier}' and '${p.value}'`,
      )
    }
    seen.set(p.key, p.value)
  }
  for (const t of tags) {
    checkKey('tag', t.key)
    checkValueLength('tag', t.key, t.value, MAX_TAG_VALUE_LENGTH)
  }
}

function metricRow(runId: string, m: Metric) {
  const isNan = Number.isNaN(m.value)
  return {
    run_id: runId,
    key: m.key,
    value: isNan ? 0 : m.value,
    is_nan: isNan ? 1 : 0,
    timestamp: m.timestamp,
    step: m.step,
  }
}

/** The `metrics` columns, in the order `writeMetrics` gives their values. */
const METRIC_COLUMNS = [
  'run_id',
  'key',
  'value',
  'is_nan',
  'timestamp',
  'step',
] as const satisfies readonly (keyof TrackingTables['metrics'])[]

/** MLflow's "latest": the greatest (step, timestamp, value). */
function isLater(a: Metric, b: Metric): boolean {
  if (a.step !== b.step) return a.step > b.step
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp
  return a.value > b.value
}

/** Appends metric points (a retried point is not added twice) and advances latest values. */
export async function writeMetrics(
  store: MetadataStore,
  trx: Trx,
  runId: string,
  metrics: readonly Metric[],
): Promise<void> {
  if (metrics.length === 0) return
  const points = metrics.map((m) => {
    const isNan = Number.isNaN(m.value)
    return [runId, m.key, isNan ? 0 : m.value, isNan ? 1 : 0, m.timestamp, m.step]
  })
  await store.insertManyIgnoringConflicts(trx, 'metrics', METRIC_COLUMNS, points)
  const latest = new Map<string, Metric>()
  for (const m of metrics) {
    const current = latest.get(m.key)
    if (!current || isLater(m, current)) latest.set(m.key, m)
  }
  await trx
    .insertInto('latest_metrics')
    .values([...latest.values()].map((m) => metricRow(runId, m)))
    .onConflict((oc) =>
      oc
        .columns(['run_id', 'key'])
        .doUpdateSet({
          value: sql`excluded.value`,
          is_nan: sql`excluded.is_nan`,
          timestamp: sql`excluded.timestamp`,
          step: sql`excluded.step`,
        })
        .where(
          sql<boolean>`excluded.step > latest_metrics.step
            or (excluded.step = latest_metrics.step and excluded.timestamp > latest_metrics.timestamp)
            or (excluded.step = latest_metrics.step and excluded.timestamp = latest_metrics.timestamp and excluded.value > latest_metrics.value)`,
        ),
    )
    .execute()
}

/** Writes params once; the same value again is fine, a different one is refused (all or nothing). */
export async function writeParams(
  trx: Trx,
  runId: string,
  params: readonly KeyValue[],
): Promise<void> {
  if (params.length === 0) return
  await trx
    .insertInto('run_params')
    .values(params.map((p) => ({ run_id: runId, key: p.key, value: p.value })))
    .onConflict((oc) => oc.doNothing())
    .execute()
  const stored = await trx
    .selectFrom('run_params')
    .select(['key', 'value'])
    .where('run_id', '=', runId)
    .where(
      'key',
      'in',
      params.map((p) => p.key),
    )
    .execute()
  const storedValue = new Map(stored.map((p) => [p.key, p.value]))
  const conflicts = params.filter((p) => storedValue.get(p.key) !== p.value)
  if (conflicts.length > 0) {
    const described = conflicts.map(
      (p) => `{key: '${p.key}', old_value: '${storedValue.get(p.key)}', new_value: '${p.value}'}`,
    )
    throw new InvalidParameterError(
      `Changing param values is not allowed. Params were already logged='[${described.join(', ')}]' for run ID='${runId}'.`,
    )
  }
}

/**
 * Sets tags, overwriting; the last value of a repeated key wins.
 * @returns the values it replaced with different ones, by key (for the audit log's "before")
 */
export async function writeTags(
  trx: Trx,
  runId: string,
  tags: readonly KeyValue[],
): Promise<Map<string, string>> {
  const replaced = new Map<string, string>()
  if (tags.length === 0) return replaced
  const unique = new Map(tags.map((t) => [t.key, t.value]))
  const existing = await trx
    .selectFrom('run_tags')
    .select(['key', 'value'])
    .where('run_id', '=', runId)
    .where('key', 'in', [...unique.keys()])
    .execute()
  for (const { key, value } of existing) if (unique.get(key) !== value) replaced.set(key, value)
  await trx
    .insertInto('run_tags')
    .values([...unique].map(([key, value]) => ({ run_id: runId, key, value })))
    .onConflict((oc) => oc.columns(['run_id', 'key']).doUpdateSet({ value: sql`excluded.value` }))
    .execute()
  const runName = unique.get('mlflow.runName')
  // The run name and its mlflow.runName tag are one value (MLflow keeps them in sync).
  if (runName !== undefined)
    await trx.updateTable('runs').set({ run_name: runName }).where('run_id', '=', runId).execute()
  return replaced
}

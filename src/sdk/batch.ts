import type { KeyValue, Metric } from '../tracking/index.js'

/** MLflow's log-batch limits, per request. */
export const BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000 } as const

/** What one `logBatch` call logs; any number of each, chunked to the limits on the way out. */
export interface Batch {
  readonly metrics?: readonly Metric[] | undefined
  readonly params?: readonly KeyValue[] | undefined
  readonly tags?: readonly KeyValue[] | undefined
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/**
 * Splits a batch into requests within MLflow's limits, as its Python client does: params and
 * tags go 100 at a time, each request topped up with metrics to 1000 entries, then the remaining
 * metrics 1000 at a time. Params go first, so a run's params exist before metrics refer to them.
 */
export function chunkBatch({ metrics = [], params = [], tags = [] }: Batch): Batch[] {
  const paramChunks = chunks(params, BATCH_LIMITS.params)
  const tagChunks = chunks(tags, BATCH_LIMITS.tags)
  const requests: Batch[] = []
  let next = 0
  for (let i = 0; i < Math.max(paramChunks.length, tagChunks.length); i++) {
    const p = paramChunks[i] ?? []
    const t = tagChunks[i] ?? []
    const room = Math.min(BATCH_LIMITS.total - p.length - t.length, BATCH_LIMITS.metrics)
    const m = metrics.slice(next, next + room)
    next += m.length
    requests.push({ metrics: m, params: p, tags: t })
  }
  for (const m of chunks(metrics.slice(next), BATCH_LIMITS.metrics)) requests.push({ metrics: m })
  return requests
}

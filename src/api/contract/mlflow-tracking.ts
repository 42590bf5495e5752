import { z } from 'zod'
import { MAX_SEARCH_RESULTS } from '../../tracking/index.js'
import { Double, Int64, KeyValue, LooseKeyValue, QueryInt, repeated, ViewType } from './common.js'

/** MLflow's cap on one log-batch request, over metrics, params and tags together. */
const MAX_BATCH_ENTRIES = 1000

/** Run ids arrive as `run_id`, or as the legacy `run_uuid` that older clients still send. */
const RUN_ID = { run_id: z.string().min(1).optional(), run_uuid: z.string().min(1).optional() }

function requireRunId(
  v: { run_id?: string | undefined; run_uuid?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (!v.run_id && !v.run_uuid)
    ctx.addIssue({ code: 'custom', path: ['run_id'], message: 'run_id is required' })
}

/** The run id of a request that passed `requireRunId`. */
export function runIdFrom(v: {
  run_id?: string | undefined
  run_uuid?: string | undefined
}): string {
  return v.run_id ?? v.run_uuid ?? ''
}

export const CreateExperiment = z.object({
  name: z.string({ error: 'name is required' }).min(1, 'name must not be empty'),
  artifact_location: z.string().optional(),
  tags: z.array(KeyValue).max(100).optional(),
})
export const ExperimentId = z.object({
  experiment_id: z.string({ error: 'experiment_id is required' }).min(1),
})
export const ExperimentByName = z.object({
  experiment_name: z.string({ error: 'experiment_name is required' }).min(1),
})
export const SearchExperiments = z.object({
  max_results: Int64.pipe(
    z.number().int().min(1).max(50_000, 'max_results must be at most 50000'),
  ).optional(),
  page_token: z.string().optional(),
  filter: z.string().max(10_000).optional(),
  order_by: repeated(z.string()).optional(),
  view_type: ViewType.optional(),
})
export const UpdateExperiment = z.object({
  experiment_id: z.string().min(1),
  new_name: z.string().min(1, 'new_name must not be empty'),
})
export const SetExperimentTag = z.object({
  experiment_id: z.string().min(1),
  key: z.string().min(1),
  value: z.string(),
})
export const DeleteExperimentTag = z.object({
  experiment_id: z.string().min(1),
  key: z.string().min(1),
})

export const CreateRun = z.object({
  experiment_id: z.string().optional(),
  user_id: z.string().optional(),
  run_name: z.string().optional(),
  start_time: Int64.optional(),
  tags: z.array(LooseKeyValue).max(100).optional(),
})
export const GetRun = z.object(RUN_ID).superRefine(requireRunId)
export const UpdateRun = z
  .object({
    ...RUN_ID,
    status: z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']).optional(),
    end_time: Int64.optional(),
    run_name: z.string().optional(),
  })
  .superRefine(requireRunId)
export const RunIdOnly = z.object({ run_id: z.string({ error: 'run_id is required' }).min(1) })
export const Metric = z.object({
  key: z.string({ error: 'key is required' }).min(1),
  value: Double,
  timestamp: Int64,
  step: Int64.optional().default(0),
})
type MetricPoint = z.output<typeof Metric>

/** A point as clients nearly always send it: every field a plain JSON number. */
function plainPoint(p: unknown): MetricPoint | undefined {
  if (typeof p !== 'object' || p === null) return undefined
  const { key, value, timestamp, step } = p as Record<string, unknown>
  if (typeof key !== 'string' || key.length === 0 || typeof value !== 'number') return undefined
  if (!Number.isSafeInteger(timestamp)) return undefined
  if (step !== undefined && !Number.isSafeInteger(step)) return undefined
  return { key, value, timestamp: timestamp as number, step: (step as number | undefined) ?? 0 }
}

/**
 * A batch's metric points. A full batch is a thousand of them, and checking each through `Metric`
 * cost more than storing it; so plain points are checked by hand, and only the others (strings
 * for numbers, "NaN", mistakes) go through `Metric`, for its conversions and its messages.
 */
const MetricPoints = z
  .array(z.unknown())
  .max(1000, 'A batch logging request can contain at most 1000 metrics')
  .transform((points, ctx) => {
    const out: MetricPoint[] = []
    for (const [i, point] of points.entries()) {
      const plain = plainPoint(point)
      if (plain) {
        out.push(plain)
        continue
      }
      const parsed = Metric.safeParse(point)
      if (!parsed.success) {
        for (const issue of parsed.error.issues)
          ctx.addIssue({ code: 'custom', message: issue.message, path: [i, ...issue.path] })
        return z.NEVER
      }
      out.push(parsed.data)
    }
    return out
  })
export const LogMetric = z
  .object({
    ...RUN_ID,
    key: z.string({ error: 'key is required' }).min(1),
    value: Double,
    timestamp: Int64,
    step: Int64.optional().default(0),
    model_id: z.string().optional(),
    dataset_name: z.string().optional(),
    dataset_digest: z.string().optional(),
  })
  .superRefine(requireRunId)
export const LogParam = z
  .object({
    ...RUN_ID,
    key: z.string({ error: 'key is required' }).min(1),
    value: z.union([z.string(), z.number(), z.boolean()]).transform(String),
  })
  .superRefine(requireRunId)
export const SetTag = z
  .object({
    ...RUN_ID,
    key: z.string({ error: 'key is required' }).min(1),
    value: z.union([z.string(), z.number(), z.boolean()]).transform(String),
  })
  .superRefine(requireRunId)
export const DeleteTag = z.object({
  run_id: z.string().min(1),
  key: z.string({ error: 'key is required' }).min(1),
})
export const LogBatch = z
  .object({
    ...RUN_ID,
    metrics: MetricPoints.optional(),
    params: z
      .array(LooseKeyValue)
      .max(100, 'A batch logging request can contain at most 100 params')
      .optional(),
    tags: z
      .array(LooseKeyValue)
      .max(100, 'A batch logging request can contain at most 100 tags')
      .optional(),
  })
  .superRefine(requireRunId)
  .superRefine((v, ctx) => {
    const total = (v.metrics?.length ?? 0) + (v.params?.length ?? 0) + (v.tags?.length ?? 0)
    if (total > MAX_BATCH_ENTRIES)
      ctx.addIssue({
        code: 'custom',
        message: `A batch logging request can contain at most ${MAX_BATCH_ENTRIES} metrics, params and tags in total, got ${total}`,
      })
  })
const Dataset = z.object({
  name: z.string().min(1),
  digest: z.string().min(1),
  source_type: z.string().min(1),
  source: z.string(),
  schema: z.string().optional(),
  profile: z.string().optional(),
})
export const LogInputs = z.object({
  run_id: z.string({ error: 'run_id is required' }).min(1),
  datasets: z
    .array(z.object({ tags: z.array(KeyValue).optional(), dataset: Dataset }))
    .max(1000)
    .optional(),
  models: z
    .array(z.object({ model_id: z.string().min(1) }))
    .max(1000)
    .optional(),
})
export const LogOutputs = z.object({
  run_id: z.string({ error: 'run_id is required' }).min(1),
  models: z
    .array(z.object({ model_id: z.string().min(1), step: Int64.optional().default(0) }))
    .max(1000),
})
export const LogModel = z
  .object({ ...RUN_ID, model_json: z.string({ error: 'model_json is required' }).min(1) })
  .superRefine(requireRunId)
export const SearchRuns = z.object({
  experiment_ids: repeated(z.string()).optional(),
  filter: z.string().max(10_000).optional(),
  run_view_type: ViewType.optional(),
  max_results: Int64.pipe(
    z
      .number()
      .int()
      .min(1)
      .max(MAX_SEARCH_RESULTS, `max_results must be at most ${MAX_SEARCH_RESULTS}`),
  ).optional(),
  order_by: repeated(z.string()).optional(),
  page_token: z.string().optional(),
})
export const GetMetricHistory = z
  .object({
    ...RUN_ID,
    metric_key: z.string({ error: 'metric_key is required' }).min(1),
    page_token: z.string().optional(),
    max_results: QueryInt.pipe(z.number().int().min(1).max(100_000)).optional(),
  })
  .superRefine(requireRunId)
export const ListArtifacts = z
  .object({
    ...RUN_ID,
    path: z.string().optional(),
    page_token: z.string().optional(),
  })
  .superRefine(requireRunId)

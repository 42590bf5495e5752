import { z } from 'zod'
import { QueryInt } from './common.js'

/** Lathe's pipeline routes (`/api/v1/pipelines`). */

const Name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'must be letters, digits, _ . - (at most 100)')
const Id = z.string().min(1).max(100)
const Params = z.record(z.string(), z.union([z.string(), z.number().finite(), z.boolean()]))
const Executor = z.enum(['local', 'distributed'])
const Status = z.enum(['running', 'succeeded', 'failed', 'cancelled'])

export const PipelineParams = z.object({ name: Name })
export const RunParams = z.object({ run_id: Id })
export const ItemParams = z.object({ id: Id })

/** `POST /api/v1/pipelines/:name/runs`: run a registered pipeline. */
export const StartRun = z.strictObject({
  params: Params.default({}),
  no_cache: z.boolean().default(false),
  executor: Executor.default('local'),
})

export const RunsQuery = z.object({
  pipeline: Name.optional(),
  status: Status.optional(),
  max_results: QueryInt.min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(50),
})

export const LogsQuery = z.object({ step: z.string().min(1).max(100).optional() })

/** `POST /api/v1/pipelines/runs/:run_id/rerun`. */
export const Rerun = z.strictObject({
  executor: Executor.optional(),
  use_cache: z.boolean().default(false),
})

/** `POST /api/v1/pipelines/:name/schedules`. */
export const CreateSchedule = z.strictObject({
  cron: z.string().min(1).max(200),
  timezone: z.string().min(1).max(100).default('UTC'),
  params: Params.default({}),
  executor: Executor.default('local'),
})

/** `POST /api/v1/pipelines/:name/triggers`. */
export const CreateTrigger = z.strictObject({
  event: z.string().min(1).max(100),
  match: Params.default({}),
  debounce_ms: z.number().int().min(0).max(86_400_000).default(60_000),
  params: Params.default({}),
  executor: Executor.default('local'),
})

export const ListQuery = z.object({ pipeline: Name.optional() })

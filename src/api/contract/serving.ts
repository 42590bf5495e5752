import { z } from 'zod'
import { QueryInt } from './common.js'

/** Release strategies. */
export const Strategy = z.enum(['single', 'canary', 'shadow', 'blue-green'])

const Percent = z.number().gt(0, 'must be above 0').max(100, 'must be at most 100')
const Rate = z.number().min(0, 'must be at least 0').max(1, 'must be at most 1')
const Seconds = z.number().nonnegative('must be 0 or more')
const Count = z.number().int('must be an integer').positive('must be positive')
const AliasName = z
  .string()
  .regex(/^[A-Za-z][\w-]{0,63}$/, 'must be an alias name such as champion')
const Version = z.number().int('must be an integer').positive('must be a version number from 1')

/** `PATCH`/`POST` config sections, snake_case as every native route; each field optional. */
export const DeploymentConfigBody = z.strictObject({
  canary: z
    .strictObject({
      steps: z.array(Percent).min(1).max(20).optional(),
      step_seconds: Seconds.optional(),
      sticky_header: z
        .string()
        .regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a header name')
        .optional(),
      sticky_field: z.string().min(1).max(200).optional(),
    })
    .optional(),
  shadow: z
    .strictObject({
      sample_rate: Rate.optional(),
      timeout_ms: z.number().positive('must be positive').optional(),
      max_in_flight: Count.optional(),
    })
    .optional(),
  analysis: z
    .strictObject({
      interval_seconds: z.number().positive('must be positive').optional(),
      window_seconds: z.number().positive('must be positive').optional(),
      min_samples: Count.optional(),
      max_error_rate: Rate.optional(),
      max_p99_ms: z.number().positive('must be positive').optional(),
      max_drift: z.number().nonnegative('must be 0 or more').optional(),
      failure_limit: z.number().int().nonnegative('must be 0 or more').optional(),
    })
    .optional(),
  validation: z
    .strictObject({
      extra_columns: z.enum(['ignore', 'reject']).optional(),
      missing_values: z.enum(['allow', 'reject']).optional(),
      max_rows: Count.max(1_000_000, 'must be at most 1000000').optional(),
    })
    .optional(),
  logging: z
    .strictObject({
      sample_rate: Rate.optional(),
      pii: z.record(z.string().min(1).max(200), z.enum(['drop', 'hash', 'keep'])).optional(),
      sink: z.enum(['db', 'parquet']).optional(),
    })
    .optional(),
  golden_set: z.string().min(1).max(300).nullable().optional(),
  allow_schema_change: z.boolean().optional(),
  batching: z.boolean().optional(),
})
export type DeploymentConfigBody = z.infer<typeof DeploymentConfigBody>

/** `POST /api/v1/deployments`. */
export const CreateDeploymentBody = z.strictObject({
  name: z.string().min(1, 'must name the deployment').max(100),
  model: z.string().min(1, 'must name a registered model').max(256),
  alias: AliasName.optional(),
  version: Version.optional(),
  strategy: Strategy.optional(),
  config: DeploymentConfigBody.optional(),
})

/** `PATCH /api/v1/deployments/:name`. */
export const UpdateDeploymentBody = z.strictObject({
  alias: AliasName.optional(),
  version: Version.optional(),
  strategy: Strategy.optional(),
  config: DeploymentConfigBody.optional(),
})

/** `POST /api/v1/deployments/:name/releases`. */
export const ReleaseBody = z.strictObject({
  version: Version,
  strategy: Strategy.optional(),
})

/** `POST …/promote` and `…/rollback`. */
export const DecisionBody = z.strictObject({
  reason: z.string().max(1000).optional(),
})

/** Routes without path parameters or query. */
export const Empty = z.object({})

export const DeploymentParams = z.object({
  name: z.string().min(1).max(100),
})

export const ListDeploymentsQuery = z.object({
  model: z.string().min(1).max(256).optional(),
})

/** `GET /api/v1/deployments/:name/log`. */
export const LogQueryParams = z.object({
  from_ms: QueryInt.optional(),
  to_ms: QueryInt.optional(),
  after_id: QueryInt.min(0).optional(),
  limit: QueryInt.min(1, 'must be at least 1').max(10_000, 'must be at most 10000').default(1000),
})

/** `/v2/models/:name[/versions/:version]`. */
export const V2ModelParams = z.object({
  name: z.string().min(1).max(100),
  version: z
    .string()
    .regex(/^\d{1,9}$/, 'must be a version number')
    .transform(Number)
    .optional(),
})

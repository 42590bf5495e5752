import { z } from 'zod'
import { QueryInt } from './common.js'

const Name = z.string().min(1, 'must not be empty').max(200)
const Epoch = z.number().int('must be an integer').nonnegative('must be 0 or more')

/** One piece of ground truth; `label` is shorthand for a single-row request's `labels`. */
const FeedbackItem = z
  .strictObject({
    request_id: z.string().min(1, 'must not be empty').max(200),
    labels: z.array(z.unknown()).min(1).max(10_000).optional(),
    label: z.unknown().optional(),
  })
  .refine((i) => i.labels !== undefined || i.label !== undefined, 'needs labels or label')

/** `POST /api/v1/feedback`. Labels are type-checked per item, so one bad label refuses one item. */
export const FeedbackBody = z.strictObject({
  deployment: Name,
  items: z.array(FeedbackItem).min(1).max(10_000),
})

const FeatureDrift = z.strictObject({
  test: z.enum(['ks', 'chisquare', 'z', 'psi', 'jensenshannon', 'wasserstein']).optional(),
  threshold: z.number().optional(),
})

/** A monitor's options (see `MonitorSpec`). */
export const MonitorSpecBody = z.strictObject({
  reference: z.string().min(1).max(300).optional(),
  features: z.array(Name).max(1000).optional(),
  thresholds: z.record(z.string(), FeatureDrift).optional(),
  prediction_field: Name.optional(),
  label_field: Name.optional(),
  score_field: Name.optional(),
  task: z.enum(['classification', 'regression']).optional(),
  contract: z.string().min(1).max(300).optional(),
})
export type MonitorSpecBody = z.output<typeof MonitorSpecBody>

/** `POST /api/v1/monitors`. */
export const CreateMonitorBody = z.strictObject({
  deployment: Name,
  kind: z.enum(['drift', 'performance', 'operational', 'quality']),
  window_seconds: z.number().int('must be an integer').min(1, 'must be at least 1'),
  spec: MonitorSpecBody.optional(),
})

/** `POST /api/v1/monitors/:id/run`: the window `[start, end)`, epoch milliseconds. */
export const RunMonitorBody = z.strictObject({ start: Epoch, end: Epoch })

/** `GET /api/v1/monitors/:id/results`. */
export const ResultsQuery = z.strictObject({
  metric: z.string().max(300).optional(),
  from: QueryInt.optional(),
  to: QueryInt.optional(),
  limit: QueryInt.min(1).max(10_000).optional(),
})

const ActionParam = z.union([z.string(), z.number(), z.boolean()])

/** What a firing alert does, once per firing. */
const AlertActionBody = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('retrain'),
    pipeline: Name,
    params: z.record(z.string(), ActionParam).optional(),
  }),
  z.strictObject({ kind: z.literal('rollback') }),
  z.strictObject({ kind: z.literal('pin'), version: z.number().int().min(1) }),
])

/** `POST /api/v1/monitors/:id/alert-rules`. */
export const CreateAlertRuleBody = z.strictObject({
  metric: z.string().min(1).max(300),
  op: z.enum(['above', 'below']),
  threshold: z.number(),
  for_windows: z.number().int().min(1).max(1000).optional(),
  webhooks: z.array(z.url()).max(20).optional(),
  secret: z.string().min(16, 'must be at least 16 characters').max(200).optional(),
  actions: z.array(AlertActionBody).max(10).optional(),
})

/** `GET /api/v1/alerts/actions`. */
export const ActionsQuery = z.strictObject({ rule_id: z.string().min(1).max(100).optional() })

export const IdParams = z.strictObject({ id: z.string().min(1).max(100) })
export const DeploymentParams = z.strictObject({ deployment: Name })
export const ListMonitorsQuery = z.strictObject({ deployment: Name.optional() })
export const NoParams = z.strictObject({})
export const NoInput = z.object({})

import { z } from 'zod'
import type { Gate, SetPolicy } from '../../registry/index.js'

/** Lathe's own registry routes (`/api/v1/registered-models/…`, `/api/v1/approvals`): gates and approvals. */

const GateName = z.string().min(1).max(200).optional()
const Text = z.string().min(1, 'must not be empty').max(500)

/** A gate as JSON; unknown fields are refused so that a misspelt threshold is not silently dropped. */
export const GateBody = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('metric'),
    name: GateName,
    metric: Text,
    op: z.enum(['>=', '>', '<=', '<']),
    threshold: z.number(),
  }),
  z.strictObject({
    kind: z.literal('baseline'),
    name: GateName,
    metric: Text,
    dataset: Text,
    max_drop: z.number().min(0),
    higher_is_better: z.boolean().optional(),
    against: Text.optional(),
  }),
  z.strictObject({
    kind: z.literal('fairness'),
    name: GateName,
    metric: z.enum(['demographic_parity_difference', 'equal_opportunity_difference']),
    sensitive_column: Text,
    max: z.number().min(0),
    dataset: Text.optional(),
  }),
  z.strictObject({
    kind: z.literal('calibration'),
    name: GateName,
    max_ece: z.number().min(0),
    bins: z.number().int().min(1).max(1000).optional(),
    dataset: Text.optional(),
  }),
  z.strictObject({ kind: z.literal('signature'), name: GateName }),
  z.strictObject({ kind: z.literal('smoke_test'), name: GateName }),
])
export type GateBody = z.infer<typeof GateBody>

const camel = (key: string) => key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())

/** A checked gate body in the domain's spelling (`max_drop` → `maxDrop`). */
function toGate(body: GateBody): Gate {
  return Object.fromEntries(
    Object.entries(body)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [camel(k), v]),
  ) as unknown as Gate
}

/** `PUT …/gates`, read into the registry's `SetPolicy`. */
export const PutGates = z
  .object({
    gates: z.array(GateBody).max(100, 'at most 100 gates'),
    /** Aliases that need a passing evaluation report; default `champion`. */
    protected_aliases: z.array(Text).max(100).optional(),
    /** Aliases that also need an approved request; default none. */
    approval_aliases: z.array(Text).max(100).optional(),
  })
  .transform((b): SetPolicy => ({
    gates: b.gates.map(toGate),
    protectedAliases: b.protected_aliases,
    approvalAliases: b.approval_aliases,
  }))

export const ModelParams = z.object({ name: z.string().min(1, 'name must not be empty') })
export const VersionParams = ModelParams.extend({
  version: z.string().regex(/^\d{1,15}$/, 'version must be an integer'),
})
export const Evaluate = z.object({ dataset: Text.optional(), target: Text.optional() })
export const RequestApproval = z.object({
  alias: z.string({ error: 'alias is required' }).min(1, 'alias must not be empty'),
  reason: z.string({ error: 'reason is required' }).min(1, 'reason must not be empty'),
})
export const ApprovalParams = z.object({
  id: z.string().regex(/^\d{1,15}$/, 'approval id must be an integer'),
})
export const Approve = z.object({ comment: z.string().max(5000).optional() })
export const Reject = z.object({
  comment: z
    .string({ error: 'comment is required: say why' })
    .min(1, 'comment must not be empty: say why'),
})
export const ListApprovals = z.object({
  name: z.string().min(1).optional(),
  status: z.enum(['PENDING', 'APPROVED', 'REJECTED']).optional(),
})
export const NoBody = z.object({})

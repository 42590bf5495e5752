import { z } from 'zod'
import { QueryInt, repeated } from './common.js'

/** `GET /api/v1/audit`: filters combine with AND; repeated subjects and prefixes with OR. */
export const AuditQuery = z.object({
  user: z.string().min(1, 'must not be empty').optional(),
  subject: repeated(z.string().min(1, 'must not be empty')).optional(),
  subject_prefix: repeated(z.string().min(1, 'must not be empty')).optional(),
  type: repeated(z.string().min(1, 'must not be empty')).optional(),
  /** Entries with seq greater than this (the next page when oldest first). */
  after: QueryInt.min(0, 'must not be negative').optional(),
  /** Entries with seq less than this (the next page when newest first). */
  before: QueryInt.min(1, 'must be at least 1').optional(),
  order: z.enum(['asc', 'desc']).default('desc'),
  limit: QueryInt.min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(100),
})
export type AuditQuery = z.infer<typeof AuditQuery>

const Change = z.record(z.string(), z.unknown()).nullable()

export const AuditEntryBody = z.object({
  seq: z.number(),
  event_id: z.number(),
  type: z.string(),
  subject: z.string(),
  actor: z.string().nullable(),
  at: z.number(),
  before: Change,
  after: Change,
  payload: z.record(z.string(), z.unknown()),
  hash: z.string(),
  prev_hash: z.string(),
})
export type AuditEntryBody = z.infer<typeof AuditEntryBody>

/** A page; `next_page` holds the query parameter to pass for the next one. */
export const AuditPageBody = z.object({
  entries: z.array(AuditEntryBody),
  next_page: z
    .object({ after: z.number() })
    .or(z.object({ before: z.number() }))
    .optional(),
})
export type AuditPageBody = z.infer<typeof AuditPageBody>

export const AuditVerificationBody = z.object({
  valid: z.boolean(),
  entries: z.number(),
  events_checked: z.number(),
  head: z.object({ seq: z.number(), hash: z.string() }),
  pending_events: z.number(),
  problems: z.array(
    z.object({
      reason: z.enum(['edited', 'deleted', 'reordered', 'missing', 'mismatch']),
      seq: z.number().optional(),
      event_id: z.number().optional(),
      message: z.string(),
    }),
  ),
  problem_count: z.number(),
})
export type AuditVerificationBody = z.infer<typeof AuditVerificationBody>

import type { Selectable } from 'kysely'
import type { RegistryTables } from './schema.js'

export type ApprovalStatus = 'PENDING' | 'APPROVED' | 'REJECTED'

/** A request that a version may take an alias, and the human decision on it. */
export interface Approval {
  readonly id: string
  readonly name: string
  readonly version: number
  readonly alias: string
  readonly status: ApprovalStatus
  readonly reason: string
  readonly requestedBy: string
  readonly requestedAt: number
  readonly decidedBy: string | undefined
  readonly comment: string | undefined
  readonly decidedAt: number | undefined
}

export function toApproval(row: Selectable<RegistryTables['approvals']>, name: string): Approval {
  return {
    id: String(row.id),
    name,
    version: row.version,
    alias: row.alias,
    status: row.status as ApprovalStatus,
    reason: row.reason,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    decidedBy: row.decided_by ?? undefined,
    comment: row.comment ?? undefined,
    decidedAt: row.decided_at ?? undefined,
  }
}

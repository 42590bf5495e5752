import { call } from './api'

/*
 * Lathe's native routes (/api/v1): lineage and the audit log. Types mirror
 * src/api/contract/lineage.ts and audit.ts.
 */

export interface NodeRef {
  readonly kind: string
  readonly id: string
}

export interface LineageNode extends NodeRef {
  readonly label: string
  readonly attributes: Record<string, unknown>
  readonly created_at: number
  /** Steps from the root: negative upstream, positive downstream. */
  readonly distance: number
}

export interface LineageEdge {
  readonly from: NodeRef
  readonly relation: string
  readonly to: NodeRef
  readonly attributes: Record<string, unknown>
  readonly created_at: number
}

export interface LineageGraph {
  readonly root: NodeRef
  readonly nodes: readonly LineageNode[]
  readonly edges: readonly LineageEdge[]
  readonly truncated: boolean
}

export type Direction = 'up' | 'down' | 'both'

/** The graph around one object, `depth` steps up, down or both. */
export function lineageGraph(
  root: NodeRef,
  options: { direction: Direction; depth: number },
  signal?: AbortSignal,
): Promise<LineageGraph> {
  const id = root.id.split('/').map(encodeURIComponent).join('/')
  const query = new URLSearchParams({ direction: options.direction, depth: String(options.depth) })
  return call(`/api/v1/lineage/${encodeURIComponent(root.kind)}/${id}?${query}`, { signal })
}

export interface AuditEntry {
  readonly seq: number
  readonly type: string
  readonly subject: string
  readonly actor: string | null
  readonly at: number
  readonly before: Record<string, unknown> | null
  readonly after: Record<string, unknown> | null
  readonly payload: Record<string, unknown>
  readonly hash: string
}

export interface AuditPage {
  readonly entries: readonly AuditEntry[]
  readonly next_page?: { readonly before: number } | { readonly after: number }
}

export interface AuditFilter {
  readonly user?: string
  readonly type?: string
  readonly subjectPrefix?: string
  /** Entries older than this sequence number (the next page, newest first). */
  readonly before?: number
}

/** One page of the audit log, newest first. */
export function auditEntries(filter: AuditFilter, signal?: AbortSignal): Promise<AuditPage> {
  const query = new URLSearchParams({ limit: '100' })
  if (filter.user) query.set('user', filter.user)
  if (filter.type) query.set('type', filter.type)
  if (filter.subjectPrefix) query.set('subject_prefix', filter.subjectPrefix)
  if (filter.before !== undefined) query.set('before', String(filter.before))
  return call(`/api/v1/audit?${query}`, { signal })
}

export interface AuditVerification {
  readonly valid: boolean
  readonly entries: number
  readonly problem_count: number
  readonly problems: readonly { readonly seq?: number; readonly message: string }[]
}

/** Re-hashes the whole chain on the server. */
export function verifyAudit(signal?: AbortSignal): Promise<AuditVerification> {
  return call('/api/v1/audit/verify', { signal })
}

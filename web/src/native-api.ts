import type {
  AuditEntryBody,
  AuditPageBody,
  AuditVerificationBody,
} from '../../src/api/contract/audit'
import type { LineageGraphBody, LineageQuery } from '../../src/api/contract/lineage'
import { call } from './api'

/*
 * Lathe's native routes (/api/v1): lineage and the audit log, typed by the server's own zod
 * contract (type-only imports: no server code reaches the bundle).
 */

export type LineageGraph = LineageGraphBody
export type LineageNode = LineageGraphBody['nodes'][number]
export type NodeRef = LineageGraphBody['root']
export type LineageEdge = LineageGraphBody['edges'][number]

export type Direction = LineageQuery['direction']

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

export type AuditEntry = AuditEntryBody
export type AuditPage = AuditPageBody

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

export type AuditVerification = AuditVerificationBody

/** Re-hashes the whole chain on the server. */
export function verifyAudit(signal?: AbortSignal): Promise<AuditVerification> {
  return call('/api/v1/audit/verify', { signal })
}

/** Query values; undefined ones are left out. */
export type Query = Record<string, string | number | undefined>

/** One call to a native route: GET with a query, or POST with a JSON body. */
export function v1<T>(
  path: string,
  options: { query?: Query; body?: object; signal?: AbortSignal | undefined } = {},
): Promise<T> {
  const entries = Object.entries(options.query ?? {}).filter(([, v]) => v !== undefined)
  const search = new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()
  const url = `/api/v1/${path}${search ? `?${search}` : ''}`
  if (!options.body) return call<T>(url, { signal: options.signal })
  return call<T>(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(options.body),
    signal: options.signal,
  })
}

/** A path segment, escaped (names may hold characters a URL reserves). */
export const seg = encodeURIComponent

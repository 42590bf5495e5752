import { sql, type Kysely, type SqlBool } from 'kysely'
import { auditChange } from './audit-change.js'
import type { GovernanceTables } from './schema.js'

/** One audited change: who did what to which object, when, and what it changed. */
export interface AuditEntry {
  readonly seq: number
  readonly eventId: number
  /** What happened: `run.updated`, `model_version.created`. */
  readonly type: string
  /** The object, `<kind>:<id>`. */
  readonly subject: string
  readonly actor: string | undefined
  readonly atMs: number
  readonly before: Record<string, unknown> | null
  readonly after: Record<string, unknown> | null
  /** The event's whole payload. */
  readonly payload: Record<string, unknown>
  readonly hash: string
  readonly prevHash: string
}

/** Which entries to list; filters combine with AND, subjects with OR. */
export interface AuditFilter {
  readonly actor?: string | undefined
  /** Exact subjects, `run:4f0c…`. */
  readonly subjects?: readonly string[] | undefined
  /** Subject prefixes, `model_version:churn/`. */
  readonly subjectPrefixes?: readonly string[] | undefined
  readonly types?: readonly string[] | undefined
  /** Only entries with seq greater than this. */
  readonly afterSeq?: number | undefined
  /** Only entries with seq less than this. */
  readonly beforeSeq?: number | undefined
  /** Newest first (`desc`, the default) or oldest first. */
  readonly order?: 'asc' | 'desc' | undefined
  readonly limit?: number | undefined
}

export interface AuditPage {
  readonly entries: AuditEntry[]
  /** The seq to pass as `afterSeq` (ascending) or `beforeSeq` (descending) for the next page. */
  readonly nextSeq: number | undefined
}

export const DEFAULT_AUDIT_LIMIT = 100

/** LIKE with `\` escaping, so a `%` or `_` in a name matches itself. */
function likePrefix(prefix: string) {
  const escaped = prefix.replace(/[\\%_]/g, (c) => `\\${c}`)
  return sql<SqlBool>`subject like ${`${escaped}%`} escape '\\'`
}

/** A page of entries matching `filter`. */
export async function listAuditEntries(
  db: Kysely<GovernanceTables>,
  filter: AuditFilter,
): Promise<AuditPage> {
  const limit = filter.limit ?? DEFAULT_AUDIT_LIMIT
  const order = filter.order ?? 'desc'
  let query = db.selectFrom('audit_entries').selectAll()
  if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor)
  if (filter.types?.length) query = query.where('type', 'in', filter.types)
  if (filter.afterSeq !== undefined) query = query.where('seq', '>', filter.afterSeq)
  if (filter.beforeSeq !== undefined) query = query.where('seq', '<', filter.beforeSeq)
  const subjects = filter.subjects ?? []
  const prefixes = filter.subjectPrefixes ?? []
  if (subjects.length + prefixes.length > 0) {
    query = query.where((eb) =>
      eb.or([
        ...(subjects.length ? [eb('subject', 'in', subjects)] : []),
        ...prefixes.map(likePrefix),
      ]),
    )
  }
  const rows = await query
    .orderBy('seq', order)
    .limit(limit + 1)
    .execute()
  const entries = rows.slice(0, limit).map(toEntry)
  return { entries, nextSeq: rows.length > limit ? entries.at(-1)?.seq : undefined }
}

function toEntry(row: GovernanceTables['audit_entries']): AuditEntry {
  const payload = JSON.parse(row.payload) as Record<string, unknown>
  return {
    seq: Number(row.seq),
    eventId: Number(row.event_id),
    type: row.type,
    subject: row.subject,
    actor: row.actor ?? undefined,
    atMs: Number(row.at),
    ...auditChange(row.type, payload),
    payload,
    hash: row.hash,
    prevHash: row.prev_hash,
  }
}

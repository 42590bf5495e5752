import { createHash } from 'node:crypto'

/** The `prev_hash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64)

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  )
}

/** What an entry's hash covers: everything stored about it except the hashes. */
export interface AuditContent {
  readonly seq: number
  readonly eventId: number
  readonly type: string
  readonly subject: string
  readonly actor: string | null
  readonly atMs: number
  /** Canonical JSON text, hashed as stored so verification never re-serialises it. */
  readonly payload: string
}

/** sha256(canonical JSON of the content + the previous hash), hex. */
export function entryHash(content: AuditContent, prevHash: string): string {
  const body = canonicalJson({
    seq: content.seq,
    event_id: content.eventId,
    type: content.type,
    subject: content.subject,
    actor: content.actor,
    at: content.atMs,
    payload: content.payload,
  })
  return createHash('sha256').update(body).update(prevHash).digest('hex')
}

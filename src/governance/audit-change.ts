/** What a change did to its object, as the audit log shows it. */
export interface AuditChange {
  /** The values the change replaced, when the event says; null when it created or says nothing. */
  readonly before: Record<string, unknown> | null
  /** The values after the change; null when it removed the object or the field. */
  readonly after: Record<string, unknown> | null
}

type Payload = Readonly<Record<string, unknown>>

function object(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null
}

/**
 * Reads before/after out of an event payload. The convention (the registry's events follow it)
 * is explicit `before` and `after` members. Tracking's events predate it, so their shapes are
 * read here: `from_status` is the old status, `experiment.renamed` carries `from`/`to`,
 * `*.tag_deleted` removes a key, `*.deleted` / `*.restored` flip the lifecycle stage. Any other
 * payload is what the object is after the change.
 */
export function auditChange(type: string, payload: Payload): AuditChange {
  if ('before' in payload || 'after' in payload) {
    return { before: object(payload.before), after: object(payload.after) }
  }
  if ('from_status' in payload) {
    const { from_status, ...after } = payload
    return { before: { status: from_status }, after }
  }
  if (type === 'experiment.renamed') {
    return { before: { name: payload.from }, after: { name: payload.to } }
  }
  if (type.endsWith('.tag_deleted')) return { before: { ...payload }, after: null }
  if (type.endsWith('.deleted')) {
    return { before: { lifecycle_stage: 'active' }, after: { lifecycle_stage: 'deleted' } }
  }
  if (type.endsWith('.restored')) {
    return { before: { lifecycle_stage: 'deleted' }, after: { lifecycle_stage: 'active' } }
  }
  return { before: null, after: { ...payload } }
}

import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { AuditEntry, AuditVerification } from '../../governance/index.js'
import type { Lathe } from '../../main.js'
import {
  AuditQuery,
  type AuditEntryBody,
  type AuditPageBody,
  type AuditVerificationBody,
} from '../contract/audit.js'
import { rpc } from '../rpc.js'

/** The audit log: `GET /api/v1/audit` (filtered, paged) and `GET /api/v1/audit/verify`. */
export function auditRoutes(app: FastifyInstance, { audit }: Lathe): void {
  rpc(app, 'GET', '/api/v1/audit', AuditQuery, async (q): Promise<AuditPageBody> => {
    const page = await audit.list({
      actor: q.user,
      subjects: q.subject,
      subjectPrefixes: q.subject_prefix,
      types: q.type,
      afterSeq: q.after,
      beforeSeq: q.before,
      order: q.order,
      limit: q.limit,
    })
    const next =
      page.nextSeq === undefined
        ? undefined
        : q.order === 'asc'
          ? { after: page.nextSeq }
          : { before: page.nextSeq }
    return { entries: page.entries.map(auditEntryJson), next_page: next }
  })
  rpc(app, 'GET', '/api/v1/audit/verify', z.object({}), async () =>
    verificationJson(await audit.verify()),
  )
}

function auditEntryJson(e: AuditEntry): AuditEntryBody {
  return {
    seq: e.seq,
    event_id: e.eventId,
    type: e.type,
    subject: e.subject,
    actor: e.actor ?? null,
    at: e.atMs,
    before: e.before,
    after: e.after,
    payload: e.payload,
    hash: e.hash,
    prev_hash: e.prevHash,
  }
}

function verificationJson(v: AuditVerification): AuditVerificationBody {
  return {
    valid: v.isValid,
    entries: v.entries,
    events_checked: v.eventsChecked,
    head: v.head,
    pending_events: v.pendingEvents,
    problems: v.problems.map((p) => ({
      reason: p.reason,
      seq: p.seq,
      event_id: p.eventId,
      message: p.message,
    })),
    problem_count: v.problemCount,
  }
}

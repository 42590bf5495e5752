import type { FastifyInstance } from 'fastify'
import type { z } from 'zod'
import type { Lathe } from '../../main.js'
import type {
  Approval,
  EvaluationReport,
  Gate,
  ModelVersion,
  PromotionPolicy,
} from '../../registry/index.js'
import { currentActor, runAs } from '../../shared/actor.js'
import * as C from '../contract/registry-native.js'
import { requestActor } from '../identity.js'

type Method = 'GET' | 'POST' | 'PUT'

/** One native route: path params and the query (GET) or body each parsed once, run as the caller. */
function route<P extends z.ZodType, B extends z.ZodType>(
  app: FastifyInstance,
  method: Method,
  url: string,
  schemas: { params: P; input: B },
  handler: (params: z.output<P>, input: z.output<B>) => Promise<object>,
): void {
  app.route({
    method,
    url,
    handler: async (request) => {
      const params = schemas.params.parse(request.params) as z.output<P>
      const raw = method === 'GET' ? request.query : (request.body ?? {})
      const input = schemas.input.parse(raw) as z.output<B>
      return runAs(requestActor(request) ?? currentActor(), () => handler(params, input))
    },
  })
}

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

function renameKeys(obj: object, rename: (key: string) => string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(obj)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [rename(k), v]),
  )
}

/** A gate as JSON (snake_case, as every route here speaks). */
export function gateJson(gate: Gate) {
  return renameKeys(gate, snake)
}

export function policyJson(policy: PromotionPolicy) {
  return {
    gates: policy.gates.map(gateJson),
    protected_aliases: policy.protectedAliases,
    approval_aliases: policy.approvalAliases,
  }
}

export function reportJson(report: EvaluationReport) {
  return {
    id: report.id,
    name: report.name,
    version: String(report.version),
    dataset: report.dataset ?? null,
    passed: report.passed,
    results: report.results.map((r) => ({
      gate: r.gate,
      kind: r.kind,
      passed: r.passed,
      observed: r.observed,
      threshold: r.threshold,
      detail: r.detail,
      definition: gateJson(r.definition),
    })),
    created_at: report.createdAt,
    user_id: report.userId ?? null,
  }
}

export function approvalJson(a: Approval) {
  return {
    id: a.id,
    name: a.name,
    version: String(a.version),
    alias: a.alias,
    status: a.status,
    reason: a.reason,
    requested_by: a.requestedBy,
    requested_at: a.requestedAt,
    decided_by: a.decidedBy ?? null,
    comment: a.comment ?? null,
    decided_at: a.decidedAt ?? null,
  }
}

function lineageJson(v: ModelVersion) {
  return {
    name: v.name,
    version: String(v.version),
    source: v.source,
    storage_location: v.storageLocation,
    run_id: v.lineage.runId ?? null,
    model_id: v.lineage.modelId ?? null,
    git_commit: v.lineage.gitCommit ?? null,
    datasets: v.lineage.datasets.map((d) => ({
      name: d.name,
      digest: d.digest,
      source_type: d.sourceType,
      source: d.source,
      context: d.context ?? null,
    })),
  }
}

const MODEL = '/api/v1/registered-models/:name'
const VERSION = `${MODEL}/versions/:version`

/** Gates, evaluation reports, lineage and approvals: what MLflow's API has no words for. */
export function registryNativeRoutes(app: FastifyInstance, { registry }: Lathe): void {
  const { gates, versions } = registry
  const model = { params: C.ModelParams, input: C.NoBody }
  const version = { params: C.VersionParams, input: C.NoBody }
  route(app, 'GET', `${MODEL}/gates`, model, async (p) => policyJson(await gates.getPolicy(p.name)))
  route(app, 'PUT', `${MODEL}/gates`, { params: C.ModelParams, input: C.PutGates }, async (p, b) =>
    policyJson(await gates.setPolicy(p.name, b)),
  )
  route(
    app,
    'POST',
    `${VERSION}/evaluate`,
    { params: C.VersionParams, input: C.Evaluate },
    async (p, b) => ({
      report: reportJson(await gates.evaluate(p.name, p.version, b)),
    }),
  )
  route(app, 'GET', `${VERSION}/reports`, version, async (p) => ({
    reports: (await gates.reports(p.name, p.version)).map(reportJson),
  }))
  route(app, 'GET', `${VERSION}/reports/latest`, version, async (p) => ({
    report: reportJson(await gates.latestReport(p.name, p.version)),
  }))
  route(app, 'GET', `${VERSION}/lineage`, version, async (p) => ({
    lineage: lineageJson(await versions.get(p.name, p.version)),
  }))
  approvalRoutes(app, registry)
  decisionRoutes(app, registry)
}

function approvalRoutes(app: FastifyInstance, { approvals }: Lathe['registry']): void {
  const one = { params: C.ApprovalParams, input: C.NoBody }
  route(
    app,
    'POST',
    `${VERSION}/approvals`,
    { params: C.VersionParams, input: C.RequestApproval },
    async (p, b) => ({
      approval: approvalJson(await approvals.request({ name: p.name, version: p.version, ...b })),
    }),
  )
  route(
    app,
    'GET',
    '/api/v1/approvals',
    { params: C.NoBody, input: C.ListApprovals },
    async (_p, q) => ({
      approvals: (await approvals.list(q)).map(approvalJson),
    }),
  )
  route(app, 'GET', '/api/v1/approvals/:id', one, async (p) => ({
    approval: approvalJson(await approvals.get(p.id)),
  }))
}

function decisionRoutes(app: FastifyInstance, { approvals }: Lathe['registry']): void {
  route(
    app,
    'POST',
    '/api/v1/approvals/:id/approve',
    { params: C.ApprovalParams, input: C.Approve },
    async (p, b) => ({
      approval: approvalJson(await approvals.approve(p.id, b.comment)),
    }),
  )
  route(
    app,
    'POST',
    '/api/v1/approvals/:id/reject',
    { params: C.ApprovalParams, input: C.Reject },
    async (p, b) => ({
      approval: approvalJson(await approvals.reject(p.id, b.comment)),
    }),
  )
}

import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import type { Lathe } from '../../main.js'
import type {
  ConfigPatch,
  Deployment,
  DeploymentConfig,
  LoggedRequest,
  Release,
  Serving,
} from '../../serving/index.js'
import { currentActor, runAs } from '../../shared/actor.js'
import * as C from '../contract/serving.js'
import { requestActor } from '../identity.js'

const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase())
const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

/** Renames one level of keys (never deeper: `pii` keys are field names). */
function rename<T>(obj: object | undefined, to: (key: string) => string): T | undefined {
  if (obj === undefined) return undefined
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [to(k), v])) as T
}

/** A config body (snake_case) as the domain's patch. */
export function configPatch(body: C.DeploymentConfigBody | undefined): ConfigPatch | undefined {
  if (body === undefined) return undefined
  return {
    canary: rename(body.canary, camel),
    shadow: rename(body.shadow, camel),
    analysis: rename(body.analysis, camel),
    validation: rename(body.validation, camel),
    logging: rename(body.logging, camel),
    goldenSet: body.golden_set,
    allowSchemaChange: body.allow_schema_change,
    batching: body.batching,
  }
}

function configJson(c: DeploymentConfig) {
  return {
    canary: rename(c.canary, snake),
    shadow: rename(c.shadow, snake),
    analysis: rename(c.analysis, snake),
    validation: rename(c.validation, snake),
    logging: rename(c.logging, snake),
    golden_set: c.goldenSet ?? null,
    allow_schema_change: c.allowSchemaChange,
    batching: c.batching,
  }
}

/** A release as JSON. */
export function releaseJson(r: Release) {
  return {
    id: r.id,
    strategy: r.strategy,
    stable_version: r.stableVersion ?? null,
    candidate_version: r.candidateVersion,
    status: r.status,
    weight: r.weight,
    step_index: r.stepIndex,
    step_started_at: r.stepStartedAtMs,
    gates: r.gates.map((g) => ({ gate: g.gate, passed: g.passed, detail: g.detail, at: g.atMs })),
    reason: r.reason ?? null,
    trigger: r.trigger,
    created_at: r.createdAtMs,
    updated_at: r.updatedAtMs,
    created_by: r.createdBy,
  }
}

/** A deployment as JSON, with what this process serves of it. */
export function deploymentJson(d: Deployment, serving: Serving) {
  const live = serving.runtime.get(d.name)
  return {
    name: d.name,
    model: d.model,
    target: d.target,
    strategy: d.strategy,
    version: d.version,
    previous_version: d.previousVersion ?? null,
    release: d.release ? releaseJson(d.release) : null,
    config: configJson(d.config),
    revision: d.revision,
    created_at: d.createdAtMs,
    updated_at: d.updatedAtMs,
    created_by: d.createdBy,
    serving: {
      loaded: live !== undefined,
      error: serving.loadErrors.get(d.name) ?? null,
      shadow: live?.shadow?.summary.toJSON() ?? null,
    },
  }
}

function logJson(r: LoggedRequest) {
  return {
    id: r.id,
    request_id: r.requestId,
    version: r.version,
    variant: r.variant,
    timestamp: r.timestampMs,
    inputs: r.inputs,
    outputs: r.outputs,
    latency_ms: r.latencyMs,
    status: r.status,
  }
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'

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
    handler: async (request: FastifyRequest) => {
      const params = schemas.params.parse(request.params) as z.output<P>
      const raw = method === 'GET' || method === 'DELETE' ? request.query : (request.body ?? {})
      const input = schemas.input.parse(raw) as z.output<B>
      return runAs(requestActor(request) ?? currentActor(), () => handler(params, input))
    },
  })
}

const BASE = '/api/v1/deployments'

/** `/api/v1/deployments`: create, read, change, release, promote, roll back, delete; the log. */
export function servingRoutes(app: FastifyInstance, { serving }: Lathe): void {
  const { deployments } = serving
  const json = (d: Deployment) => ({ deployment: deploymentJson(d, serving) })
  const one = { params: C.DeploymentParams, input: C.Empty }
  route(app, 'GET', BASE, { params: C.Empty, input: C.ListDeploymentsQuery }, async (_p, q) => ({
    deployments: (await deployments.list(q.model)).map((d) => deploymentJson(d, serving)),
  }))
  route(app, 'POST', BASE, { params: C.Empty, input: C.CreateDeploymentBody }, async (_p, b) =>
    json(await deployments.create({ ...b, config: configPatch(b.config) })),
  )
  route(app, 'GET', `${BASE}/:name`, one, async (p) => json(await deployments.get(p.name)))
  const update = { params: C.DeploymentParams, input: C.UpdateDeploymentBody }
  route(app, 'PATCH', `${BASE}/:name`, update, async (p, b) =>
    json(await deployments.update(p.name, { ...b, config: configPatch(b.config) })),
  )
  route(app, 'DELETE', `${BASE}/:name`, one, async (p) => {
    await deployments.delete(p.name)
    return {}
  })
  releaseRoutes(app, serving, json)
  const log = { params: C.DeploymentParams, input: C.LogQueryParams }
  route(app, 'GET', `${BASE}/:name/log`, log, async (p, q) => {
    await deployments.get(p.name)
    await serving.inferenceLog.flush()
    const query = { fromMs: q.from_ms, toMs: q.to_ms, afterId: q.after_id, limit: q.limit }
    const rows = await serving.readLog({ deployment: p.name, ...query })
    return { requests: rows.map(logJson) }
  })
}

/** A deployment's releases: list, start, promote, roll back. */
function releaseRoutes(
  app: FastifyInstance,
  { deployments }: Serving,
  json: (d: Deployment) => object,
): void {
  const one = { params: C.DeploymentParams, input: C.Empty }
  route(app, 'GET', `${BASE}/:name/releases`, one, async (p) => ({
    releases: (await deployments.releases(p.name)).map(releaseJson),
  }))
  const start = { params: C.DeploymentParams, input: C.ReleaseBody }
  route(app, 'POST', `${BASE}/:name/releases`, start, async (p, b) =>
    json(await deployments.release(p.name, b)),
  )
  const decision = { params: C.DeploymentParams, input: C.DecisionBody }
  route(app, 'POST', `${BASE}/:name/promote`, decision, async (p, b) =>
    json(await deployments.promote(p.name, b.reason)),
  )
  route(app, 'POST', `${BASE}/:name/rollback`, decision, async (p, b) =>
    json(await deployments.rollback(p.name, b.reason)),
  )
}

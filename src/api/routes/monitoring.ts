import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import type { Lathe } from '../../main.js'
import type { AlertRule, Monitor, MonitorResult, MonitorSpec } from '../../monitoring/index.js'
import { currentActor, runAs } from '../../shared/actor.js'
import * as C from '../contract/monitoring.js'
import { requestActor } from '../identity.js'

function specOf(body: C.MonitorSpecBody | undefined): MonitorSpec {
  if (body === undefined) return {}
  return {
    reference: body.reference,
    features: body.features,
    thresholds: body.thresholds,
    predictionField: body.prediction_field,
    labelField: body.label_field,
    scoreField: body.score_field,
    task: body.task,
    contract: body.contract,
  }
}

function monitorJson(m: Monitor) {
  const s = m.spec
  return {
    id: m.id,
    deployment: m.deployment,
    kind: m.kind,
    window_seconds: m.windowMs / 1000,
    spec: {
      reference: s.reference ?? null,
      features: s.features ?? null,
      thresholds: s.thresholds ?? null,
      prediction_field: s.predictionField ?? null,
      label_field: s.labelField ?? null,
      score_field: s.scoreField ?? null,
      task: s.task ?? null,
      contract: s.contract ?? null,
    },
    created_at: m.createdAtMs,
    created_by: m.createdBy,
  }
}

function resultJson(r: MonitorResult) {
  return {
    window_start: r.windowStartMs,
    window_end: r.windowEndMs,
    metric: r.metric,
    value: r.value,
    detail: r.detail,
    computed_at: r.computedAtMs,
  }
}

// The secret is returned once, when the rule is made; listings leave it out.
function ruleJson(r: AlertRule, withSecret = false) {
  return {
    id: r.id,
    monitor_id: r.monitorId,
    metric: r.metric,
    op: r.op,
    threshold: r.threshold,
    for_windows: r.forWindows,
    webhooks: r.webhooks,
    actions: r.actions,
    ...(withSecret ? { secret: r.secret } : {}),
    created_at: r.createdAtMs,
  }
}

function route<P extends z.ZodType, B extends z.ZodType>(
  app: FastifyInstance,
  method: 'GET' | 'POST',
  url: string,
  schemas: { params: P; input: B },
  handler: (params: z.output<P>, input: z.output<B>) => Promise<object>,
): void {
  app.route({
    method,
    url,
    handler: async (request: FastifyRequest) => {
      const params = schemas.params.parse(request.params) as z.output<P>
      const input = schemas.input.parse(method === 'GET' ? request.query : (request.body ?? {}))
      return runAs(requestActor(request) ?? currentActor(), () => handler(params, input))
    },
  })
}

/** Feedback, monitors and their series, alert rules and states, under `/api/v1`. */
export function monitoringRoutes(app: FastifyInstance, lathe: Lathe): void {
  const { monitors, feedback, alerts } = lathe.monitoring
  const base = '/api/v1/monitors'
  // Windows close on their own in a running server; tests drive `scheduler.tick()` instead.
  app.addHook('onReady', async () => {
    lathe.monitoring.scheduler.start(30_000)
    // A serving process takes alert actions; short-lived commands leave them to it.
    lathe.monitoring.actions?.start()
  })
  app.addHook('onClose', async () => lathe.monitoring.scheduler.stop())
  alertRoutes(app, lathe)
  route(
    app,
    'POST',
    '/api/v1/feedback',
    { params: C.NoParams, input: C.FeedbackBody },
    async (_, b) => {
      const items = b.items.map((i) => ({ requestId: i.request_id, labels: i.labels ?? [i.label] }))
      const r = await feedback.record(b.deployment, items)
      const rejected = r.rejected.map((x) => ({ request_id: x.requestId, reason: x.reason }))
      return {
        accepted: r.accepted,
        duplicates: r.duplicates,
        rejected,
        unknown_request_ids: r.unknown,
      }
    },
  )
  route(app, 'POST', base, { params: C.NoParams, input: C.CreateMonitorBody }, async (_, b) => {
    const input = { deployment: b.deployment, kind: b.kind, windowMs: b.window_seconds * 1000 }
    return { monitor: monitorJson(await monitors.create({ ...input, spec: specOf(b.spec) })) }
  })
  route(app, 'GET', base, { params: C.NoParams, input: C.ListMonitorsQuery }, async (_, q) => ({
    monitors: (await monitors.list(q.deployment)).map(monitorJson),
  }))
  route(app, 'GET', `${base}/:id`, { params: C.IdParams, input: C.NoInput }, async (p) => ({
    monitor: monitorJson(await monitors.get(p.id)),
    alert_rules: (await alerts.rules(p.id)).map((r) => ruleJson(r)),
  }))
  route(
    app,
    'POST',
    `${base}/:id/run`,
    { params: C.IdParams, input: C.RunMonitorBody },
    async (p, b) => ({
      results: (await monitors.run(p.id, { startMs: b.start, endMs: b.end })).map(resultJson),
    }),
  )
  route(
    app,
    'GET',
    `${base}/:id/results`,
    { params: C.IdParams, input: C.ResultsQuery },
    async (p, q) => ({
      results: (
        await monitors.results(p.id, {
          metric: q.metric,
          fromMs: q.from,
          toMs: q.to,
          limit: q.limit,
        })
      ).map(resultJson),
    }),
  )
}

/** Alert rules, alert states and per-deployment status. */
function alertRoutes(app: FastifyInstance, lathe: Lathe): void {
  const { monitors, alerts } = lathe.monitoring
  const base = '/api/v1/monitors'
  route(
    app,
    'POST',
    `${base}/:id/alert-rules`,
    { params: C.IdParams, input: C.CreateAlertRuleBody },
    async (p, b) => {
      const input = { ...b, monitorId: p.id, forWindows: b.for_windows }
      return { alert_rule: ruleJson(await alerts.createRule(input), true) }
    },
  )
  route(
    app,
    'GET',
    `${base}/status/:deployment`,
    { params: C.DeploymentParams, input: C.NoInput },
    async (p) => ({
      deployment: p.deployment,
      monitors: (await monitors.status(p.deployment)).map((s) => ({
        ...monitorJson(s.monitor),
        latest: s.latest.map(resultJson),
      })),
    }),
  )
  route(
    app,
    'GET',
    '/api/v1/alerts/actions',
    { params: C.NoParams, input: C.ActionsQuery },
    async (_, q) => ({
      actions: ((await lathe.monitoring.actions?.list(q.rule_id)) ?? []).map((a) => ({
        rule_id: a.ruleId,
        fired_at: a.firedAtMs,
        index: a.index,
        kind: a.kind,
        status: a.status,
        target: a.target ?? null,
        error: a.error ?? null,
        created_at: a.createdAtMs,
      })),
    }),
  )
  route(app, 'GET', '/api/v1/alerts', { params: C.NoParams, input: C.NoInput }, async () => ({
    alerts: (await alerts.states()).map((s) => ({
      rule_id: s.ruleId,
      state: s.state,
      breaches: s.breaches,
      fired_at: s.firedAtMs ?? null,
      resolved_at: s.resolvedAtMs ?? null,
      last_value: s.lastValue ?? null,
      last_window_end: s.lastWindowEndMs,
    })),
  }))
}

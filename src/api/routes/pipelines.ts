import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Lathe } from '../../main.js'
import type { PipelineRun, RunDetail, Schedule, StepRun, Trigger } from '../../pipelines/index.js'
import * as C from '../contract/pipelines.js'
import { rpc } from '../rpc.js'

const None = z.object({})
const BASE = '/api/v1/pipelines'

/**
 * Native pipeline routes for the dashboard: registered pipelines, runs (start, follow, logs,
 * cancel, rerun), schedules and triggers. Pipelines are registered from the CLI only: the server
 * never loads code from a path it is sent.
 */
export function pipelineRoutes(app: FastifyInstance, { pipelines }: Lathe): void {
  rpc(app, 'GET', BASE, None, async () => ({
    pipelines: (await pipelines.catalog.list()).map((p) => ({
      name: p.name,
      description: p.description,
      source: p.source,
      params: p.params,
      steps: p.steps,
      registered_at: p.registeredAtMs,
      registered_by: p.registeredBy,
    })),
  }))
  runRoutes(app, pipelines)
  scheduleRoutes(app, pipelines)
  rpc(app, 'GET', `${BASE}/:name`, None, async (_q, request) => {
    const { name } = C.PipelineParams.parse(request.params)
    const p = await pipelines.catalog.get(name)
    return {
      pipeline: {
        name: p.name,
        description: p.description,
        source: p.source,
        params: p.params,
        steps: p.steps,
      },
      runs: (await pipelines.runs({ pipeline: name, limit: 20 })).map(runJson),
      schedules: (await pipelines.schedules.list(name)).map(scheduleJson),
      triggers: (await pipelines.triggers.list(name)).map(triggerJson),
    }
  })
}

/** Runs: list, follow, logs, cancel, rerun, and start one of a registered pipeline. */
function runRoutes(app: FastifyInstance, pipelines: Lathe['pipelines']): void {
  rpc(app, 'GET', `${BASE}/runs`, C.RunsQuery, async (q) => ({
    runs: (
      await pipelines.runs({ pipeline: q.pipeline, status: q.status, limit: q.max_results })
    ).map(runJson),
  }))
  rpc(app, 'GET', `${BASE}/runs/:run_id`, None, async (_q, request) => {
    const { run_id } = C.RunParams.parse(request.params)
    return { run: detailJson(await pipelines.status(run_id)) }
  })
  rpc(app, 'GET', `${BASE}/runs/:run_id/logs`, C.LogsQuery, async (q, request) => {
    const { run_id } = C.RunParams.parse(request.params)
    const run = await pipelines.status(run_id)
    const steps = run.steps.filter((s) => q.step === undefined || s.step === q.step)
    return { steps: steps.map(logJson) }
  })
  rpc(app, 'POST', `${BASE}/runs/:run_id/cancel`, None, async (_b, request) => {
    await pipelines.cancel(C.RunParams.parse(request.params).run_id)
    return {}
  })
  rpc(app, 'POST', `${BASE}/runs/:run_id/rerun`, C.Rerun, async (body, request) => {
    const { run_id } = C.RunParams.parse(request.params)
    const rerun = await pipelines.rerun(run_id, {
      executor: body.executor,
      isNoCache: !body.use_cache,
    })
    void rerun.done.catch(() => undefined) // Followed through GET …/runs/:run_id.
    return { run_id: rerun.runId }
  })
  rpc(app, 'POST', `${BASE}/:name/runs`, C.StartRun, async (body, request) => {
    const { name } = C.PipelineParams.parse(request.params)
    // By name only: a path in a request body would let a client make the server run any file.
    const started = await pipelines.run((await pipelines.catalog.get(name)).name, {
      params: body.params,
      isNoCache: body.no_cache,
      executor: body.executor,
    })
    void started.done.catch(() => undefined)
    return { run_id: started.runId }
  })
}

function logJson(s: StepRun) {
  return {
    step: s.step,
    status: s.status,
    error: s.error,
    log_tail: s.logTail,
    tracking_run_id: s.trackingRunId,
  }
}

function scheduleRoutes(app: FastifyInstance, pipelines: Lathe['pipelines']): void {
  rpc(app, 'GET', `${BASE}/schedules`, C.ListQuery, async (q) => ({
    schedules: (await pipelines.schedules.list(q.pipeline)).map(scheduleJson),
  }))
  rpc(app, 'POST', `${BASE}/:name/schedules`, C.CreateSchedule, async (body, request) => {
    const { name } = C.PipelineParams.parse(request.params)
    return { schedule: scheduleJson(await pipelines.schedules.create(name, body)) }
  })
  rpc(app, 'DELETE', `${BASE}/schedules/:id`, None, async (_q, request) => {
    await pipelines.schedules.delete(C.ItemParams.parse(request.params).id)
    return {}
  })
  rpc(app, 'GET', `${BASE}/triggers`, C.ListQuery, async (q) => ({
    triggers: (await pipelines.triggers.list(q.pipeline)).map(triggerJson),
  }))
  rpc(app, 'POST', `${BASE}/:name/triggers`, C.CreateTrigger, async (body, request) => {
    const { name } = C.PipelineParams.parse(request.params)
    const trigger = await pipelines.triggers.create(name, { ...body, debounceMs: body.debounce_ms })
    return { trigger: triggerJson(trigger) }
  })
  rpc(app, 'DELETE', `${BASE}/triggers/:id`, None, async (_q, request) => {
    await pipelines.triggers.delete(C.ItemParams.parse(request.params).id)
    return {}
  })
}

function runJson(r: PipelineRun) {
  return {
    run_id: r.runId,
    pipeline: r.pipeline,
    status: r.status,
    executor: r.executor,
    params: r.params,
    no_cache: r.isNoCache,
    started_by: r.startedBy,
    rerun_of: r.rerunOf,
    tracking_run_id: r.trackingRunId,
    created_at: r.createdAtMs,
    ended_at: r.endedAtMs,
    created_by: r.createdBy,
  }
}

function stepJson(s: StepRun) {
  return {
    step: s.step,
    kind: s.kind,
    needs: s.needs,
    status: s.status,
    attempt: s.attempt,
    worker: s.worker,
    cache_key: s.cacheKey,
    cached_from: s.cachedFrom,
    outputs: s.outputs,
    error: s.error,
    log_tail: s.logTail,
    tracking_run_id: s.trackingRunId,
    queued_at: s.queuedAtMs,
    started_at: s.startedAtMs,
    ended_at: s.endedAtMs,
  }
}

function detailJson(r: RunDetail) {
  return {
    ...runJson(r),
    repro: r.repro,
    steps: r.steps.map(stepJson),
    failures: r.failures.map((f) => ({ step: f.step, error: f.error, log_tail: f.logTail })),
    inputs: r.inputs,
  }
}

function scheduleJson(s: Schedule) {
  return {
    id: s.id,
    pipeline: s.pipeline,
    cron: s.cron,
    timezone: s.timezone,
    params: s.params,
    executor: s.executor,
    next_at: s.nextAtMs,
    last_run_id: s.lastRunId,
  }
}

function triggerJson(t: Trigger) {
  return {
    id: t.id,
    pipeline: t.pipeline,
    event: t.event,
    match: t.match,
    debounce_ms: t.debounceMs,
    params: t.params,
    executor: t.executor,
    fire_at: t.fireAtMs,
    last_run_id: t.lastRunId,
  }
}

import { appendEvents } from '../../events/index.js'
import { currentActor } from '../../shared/actor.js'
import { InvalidParameterError } from '../../shared/errors.js'
import { newHexId } from '../../shared/ids.js'
import {
  planOf,
  type ParamValue,
  type Params,
  type PipelineSpec,
} from '../definition/pipeline-spec.js'
import type { Kysely } from 'kysely'
import type { PipelineTables } from '../schema.js'
import { reproRecord, type ReproRecord } from './repro-record.js'
import { experimentOf, type ExecutorDeps, type RunContext } from './run-context.js'
import type { Dispatch } from './settle-step.js'

/** Where a run's steps execute. */
export type Executor = 'local' | 'distributed'

/** What starting a run takes. */
export interface StartRun {
  readonly spec: PipelineSpec
  /** The file the pipeline was loaded from: workers load it from there. */
  readonly source: string
  /** Overrides of the pipeline's parameters; text (from flags) is read as the default's type. */
  readonly params?: Readonly<Record<string, ParamValue>> | undefined
  readonly executor: Executor
  readonly isNoCache?: boolean | undefined
  /** `manual`, `schedule:<id>`, `trigger:<id>`, `rerun:<run_id>`. */
  readonly startedBy?: string | undefined
  readonly rerunOf?: string | undefined
  /** The subject of the event that started it (`dataset_version:…`), for lineage. */
  readonly triggeredBy?: string | undefined
  /**
   * Reruns pass the original seed; otherwise the `seed` parameter, else 0. Fixed by default so
   * that identical runs give identical results and hit the cache; declare a `seed` parameter to
   * vary it.
   */
  readonly seed?: number | undefined
}

function coerce(name: string, fallback: ParamValue, value: ParamValue): ParamValue {
  if (typeof value === typeof fallback) return value
  if (typeof value === 'string' && typeof fallback === 'number') {
    const n = Number(value)
    if (value.trim() !== '' && Number.isFinite(n)) return n
  }
  if (
    typeof value === 'string' &&
    typeof fallback === 'boolean' &&
    ['true', 'false'].includes(value)
  )
    return value === 'true'
  if (typeof fallback === 'string') return String(value)
  throw new InvalidParameterError(
    `Parameter '${name}' must be a ${typeof fallback} (default ${JSON.stringify(fallback)}), got ${JSON.stringify(value)}`,
  )
}

/** The pipeline's defaults with the given overrides. @throws InvalidParameterError naming the parameter */
export function resolveParams(
  defaults: Params,
  given: Readonly<Record<string, ParamValue>> = {},
): Params {
  const params: Record<string, ParamValue> = { ...defaults }
  for (const [name, value] of Object.entries(given)) {
    if (!(name in defaults)) {
      const known = Object.keys(defaults).join(', ') || 'none'
      throw new InvalidParameterError(`Unknown parameter '${name}' (parameters: ${known})`)
    }
    params[name] = coerce(name, defaults[name]!, value)
  }
  return params
}

async function parentTrackingRun(
  deps: ExecutorDeps,
  input: StartRun,
  runId: string,
  repro: ReproRecord,
) {
  const { tracking } = deps.services
  const tags = [
    { key: 'lathe.pipeline', value: input.spec.name },
    { key: 'lathe.pipeline_run_id', value: runId },
    { key: 'lathe.pipeline_source', value: input.source },
    { key: 'lathe.seed', value: String(repro.seed) },
    ...(repro.git
      ? [
          { key: 'mlflow.source.git.commit', value: repro.git.commit },
          { key: 'lathe.git_dirty', value: String(repro.git.isDirty) },
        ]
      : []),
  ]
  const run = await tracking.startRun({
    experimentName: experimentOf(input.spec.name),
    runName: `${input.spec.name}-${runId.slice(0, 8)}`,
    tags,
  })
  if (Object.keys(repro.params).length > 0) await tracking.logParams(run.info.runId, repro.params)
  return { trackingRunId: run.info.runId, experimentId: run.info.experimentId }
}

/**
 * Starts a run: records it with its reproducibility record, a tracking run, and one pending
 * step run per step, queueing (and dispatching) the steps that need nothing, all in one
 * transaction. Returns the run and its first ready steps.
 */
export async function startRun(
  deps: ExecutorDeps,
  input: StartRun,
  dispatch: Dispatch,
): Promise<{ run: RunContext; ready: string[] }> {
  const { spec } = input
  const params = resolveParams(spec.params, input.params)
  const seed = input.seed ?? (typeof params.seed === 'number' ? params.seed : 0)
  const runId = newHexId()
  const repro = await reproRecord(input.source, seed, params)
  const { trackingRunId, experimentId } = await parentTrackingRun(deps, input, runId, repro)
  const run: RunContext = {
    runId,
    pipeline: spec.name,
    source: input.source,
    params,
    seed,
    isNoCache: input.isNoCache ?? false,
    trackingRunId,
    experimentId,
    plan: planOf(spec),
    spec,
  }
  const ready = run.plan.filter((s) => s.needs.length === 0).map((s) => s.name)
  const nowMs = deps.clock.nowMs()
  await deps.store.transaction<PipelineTables, void>((trx) =>
    recordRun(trx, { run, input, repro, ready, nowMs, dispatch }),
  )
  return { run, ready }
}

async function recordRun(
  trx: Kysely<PipelineTables>,
  options: {
    run: RunContext
    input: StartRun
    repro: ReproRecord
    ready: readonly string[]
    nowMs: number
    dispatch: Dispatch
  },
): Promise<void> {
  const { run, input, ready, nowMs } = options
  const actor = currentActor()
  const startedBy = input.startedBy ?? 'manual'
  await trx.insertInto('pipeline_runs').values(runRow(options, actor)).execute()
  await insertSteps(trx, run, new Set(ready), nowMs)
  await options.dispatch(trx, run.runId, ready)
  const payload = {
    pipeline: run.pipeline,
    trackingRunId: run.trackingRunId,
    executor: input.executor,
    startedBy,
    rerunOf: input.rerunOf ?? null,
    triggeredBy: input.triggeredBy ?? null,
  }
  const event = {
    type: 'pipeline_run.created',
    subject: `pipeline_run:${run.runId}`,
    payload,
    actor,
  }
  await appendEvents(trx, [event], nowMs)
}

function runRow(
  options: { run: RunContext; input: StartRun; repro: ReproRecord; nowMs: number },
  actor: string,
) {
  const { run, input, nowMs } = options
  return {
    run_id: run.runId,
    pipeline: run.pipeline,
    source: run.source,
    status: 'running',
    executor: input.executor,
    params: JSON.stringify(run.params),
    plan: JSON.stringify(run.plan),
    is_no_cache: run.isNoCache ? 1 : 0,
    started_by: input.startedBy ?? 'manual',
    repro: JSON.stringify(options.repro),
    tracking_run_id: run.trackingRunId,
    rerun_of: input.rerunOf ?? null,
    error: null,
    created_at: nowMs,
    ended_at: null,
    created_by: actor,
    updated_at: nowMs,
    open_steps: run.plan.length,
  }
}

async function insertSteps(
  trx: Kysely<PipelineTables>,
  run: RunContext,
  ready: Set<string>,
  nowMs: number,
) {
  const rows = run.plan.map((s) => ({
    run_id: run.runId,
    step: s.name,
    status: ready.has(s.name) ? 'queued' : 'pending',
    waiting_on: s.needs.length,
    attempt: 0,
    queued_at: ready.has(s.name) ? nowMs : null,
  }))
  // Chunked: a thousand-step pipeline stays under every driver's bound-parameter limit.
  for (let i = 0; i < rows.length; i += 500)
    await trx
      .insertInto('step_runs')
      .values(rows.slice(i, i + 500))
      .execute()
}

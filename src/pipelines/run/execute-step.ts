import { Readable } from 'node:stream'
import type { StepSpec } from '../definition/pipeline-spec.js'
import { cacheKey } from './digest.js'
import { pipelineDb, stepSeed, type ExecutorDeps, type RunContext } from './run-context.js'
import { messageOf, runAttempts } from './step-attempts.js'
import type { StepLineage } from './step-context-impl.js'
import { StepLog } from './step-log.js'
import { recordCached, recordFailure, recordSuccess } from './step-outcome.js'
import type { Dispatch, Settled } from './settle-step.js'
import { nextAttempt, renewLease, type Claim } from './step-transitions.js'

/** Outputs and digests of a step's upstream steps. */
async function loadInputs(deps: ExecutorDeps, runId: string, needs: readonly string[]) {
  if (needs.length === 0) return { values: {}, digests: {} }
  const rows = await pipelineDb(deps)
    .selectFrom('step_runs')
    .select(['step', 'outputs', 'output_digest'])
    .where('run_id', '=', runId)
    .where('step', 'in', [...needs])
    .execute()
  const values: Record<string, unknown> = {}
  const digests: Record<string, string> = {}
  for (const row of rows) {
    values[row.step] = row.outputs === null ? null : (JSON.parse(row.outputs) as unknown)
    digests[row.step] = row.output_digest ?? ''
  }
  return { values, digests }
}

function pick(params: Readonly<Record<string, unknown>>, names: readonly string[]) {
  return Object.fromEntries(names.map((n) => [n, params[n]]))
}

/** A claim being held: renewed by heartbeats, its `signal` aborted once it is lost or cancelled. */
interface Watch {
  readonly holder: { claim: Claim }
  readonly signal: AbortSignal
  release(): void
}

/** Keeps the claim alive while the step runs; aborts the step once the claim is gone. */
function watchClaim(deps: ExecutorDeps, run: RunContext, claim: Claim): Watch {
  const holder = { claim }
  const controller = new AbortController()
  const beat = () =>
    renewLease(pipelineDb(deps), holder.claim, deps.clock.nowMs() + deps.leaseMs).then(
      (held) =>
        held ||
        controller.abort(new Error('the step was cancelled or taken over by another worker')),
      () => undefined, // A failed renewal is retried at the next beat; the lease has slack.
    )
  const timer = setInterval(beat, Math.max(50, Math.floor(deps.leaseMs / 3)))
  timer.unref()
  const cancel = () => controller.abort(new Error('the run was cancelled'))
  run.signal?.addEventListener('abort', cancel, { once: true })
  return {
    holder,
    signal: controller.signal,
    release() {
      clearInterval(timer)
      run.signal?.removeEventListener('abort', cancel)
    },
  }
}

/**
 * A tracking run for the step, nested under the pipeline run's (MLflow's `mlflow.parentRunId`).
 * Created straight in the run's experiment: the pipeline run resolved it once.
 */
async function startChildRun(deps: ExecutorDeps, run: RunContext, claim: Claim): Promise<string> {
  const child = await deps.services.tracking.runs.create({
    experimentId: run.experimentId,
    runName: claim.step,
    tags: [
      { key: 'mlflow.parentRunId', value: run.trackingRunId },
      { key: 'mlflow.source.type', value: 'LOCAL' },
      { key: 'lathe.pipeline', value: run.pipeline },
      { key: 'lathe.pipeline_run_id', value: run.runId },
      { key: 'lathe.step', value: claim.step },
    ],
  })
  return child.info.runId
}

/** What a step runs with: its parameters, its inputs and the cache key they make. */
interface Work {
  readonly step: StepSpec
  readonly params: Record<string, unknown>
  readonly inputs: Record<string, unknown>
  readonly key: string
}

async function prepare(deps: ExecutorDeps, run: RunContext, step: StepSpec): Promise<Work> {
  const inputs = await loadInputs(deps, run.runId, step.needs)
  const params = pick(run.params, step.params)
  const seed = stepSeed(run.seed, step.name)
  const key = cacheKey({ codeHash: step.codeHash, params, inputs: inputs.digests, seed })
  return { step, params, inputs: inputs.values, key }
}

function cachedResult(deps: ExecutorDeps, run: RunContext, work: Work) {
  if (!work.step.cache || run.isNoCache) return undefined
  return pipelineDb(deps)
    .selectFrom('step_cache')
    .selectAll()
    .where('cache_key', '=', work.key)
    .executeTakeFirst()
}

/**
 * Executes a claimed step: reuses a cached result when its cache key matches, else runs it
 * (retries, timeout, heartbeats) inside a child tracking run, then settles it. Undefined when
 * the claim was lost (cancelled, or another worker took over): nothing is recorded then.
 */
export async function executeStep(
  deps: ExecutorDeps,
  run: RunContext,
  claim: Claim,
  dispatch: Dispatch,
): Promise<Settled | undefined> {
  const watch = watchClaim(deps, run, claim)
  try {
    const step = run.spec?.steps.find((s) => s.name === claim.step)
    if (!step) {
      const why = run.spec
        ? `step '${claim.step}' is no longer defined in ${run.source}`
        : `${run.source} no longer loads`
      return await recordFailure(deps, run, { claim, error: why, dispatch })
    }
    const work = await prepare(deps, run, step)
    const hit = await cachedResult(deps, run, work)
    if (hit) return await recordCached(deps, run, { claim, hit, dispatch })
    return await runFresh(deps, run, { work, claim, watch, dispatch })
  } finally {
    watch.release()
  }
}

/** Runs the step's tries in a new child tracking run, keeping its log and lineage. */
async function attempt(
  deps: ExecutorDeps,
  run: RunContext,
  options: { work: Work; claim: Claim; watch: Watch },
) {
  const { step, params } = options.work
  const { tracking } = deps.services
  const trackingRunId = await startChildRun(deps, run, options.claim)
  if (step.params.length > 0)
    await tracking.logParams(trackingRunId, params as Record<string, string>)
  const log = new StepLog()
  const lineage: StepLineage = { inputs: [], outputs: [] }
  const context = {
    pipeline: run.pipeline,
    runId: run.runId,
    step: step.name,
    params: params as Record<string, string>,
    seed: stepSeed(run.seed, step.name),
    trackingRunId,
    services: deps.services,
    artifacts: deps.artifacts,
    log,
    lineage,
  }
  const outcome = await runAttempts(step, context, {
    claim: options.claim,
    inputs: options.work.inputs,
    signal: options.watch.signal,
    nextAttempt: async (current) => {
      const next = await nextAttempt(pipelineDb(deps), current, deps.clock.nowMs() + deps.leaseMs)
      if (next) options.watch.holder.claim = next
      return next
    },
  })
  if (!log.isEmpty)
    await tracking.artifacts
      .put(trackingRunId, 'logs/step.log', Readable.from([log.text()]))
      .catch(() => undefined)
  return { outcome, trackingRunId, log, lineage }
}

async function runFresh(
  deps: ExecutorDeps,
  run: RunContext,
  options: { work: Work; claim: Claim; watch: Watch; dispatch: Dispatch },
): Promise<Settled | undefined> {
  const { work, claim, dispatch } = options
  const { outcome, trackingRunId, log, lineage } = await attempt(deps, run, options)
  const tries = outcome.claim.attempt - claim.attempt + 1
  const settled =
    'outputs' in outcome
      ? await recordSuccess(deps, run, {
          ...work,
          claim: outcome.claim,
          outputs: outcome.outputs,
          log,
          lineage,
          trackingRunId,
          dispatch,
        })
      : await recordFailure(deps, run, {
          claim: outcome.claim,
          error: `failed after ${tries} attempt(s): ${messageOf(outcome.error)}`,
          log,
          trackingRunId,
          dispatch,
        })
  const status = settled === undefined ? 'KILLED' : 'outputs' in outcome ? 'FINISHED' : 'FAILED'
  await deps.services.tracking.endRun(trackingRunId, status)
  return settled
}

/**
 * `executeStep`, with an unexpected error (the database, tracking) recorded as the step's failure
 * rather than leaving it running; if even that fails the lease runs out and the reaper steps in.
 */
export async function executeClaimed(
  deps: ExecutorDeps,
  run: RunContext,
  claim: Claim,
  dispatch: Dispatch,
): Promise<Settled | undefined> {
  try {
    return await executeStep(deps, run, claim, dispatch)
  } catch (err) {
    const error = `internal error while running the step: ${messageOf(err)}`
    return recordFailure(deps, run, { claim, error, dispatch }).catch(() => undefined)
  }
}

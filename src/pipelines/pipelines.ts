import { hostname } from 'node:os'
import { InvalidParameterError } from '../shared/errors.js'
import type { PipelinesDeps } from './deps.js'
import { isPipelineFile, loadPipeline } from './definition/load-pipeline.js'
import { checkPipeline } from './definition/check-pipeline.js'
import { PipelineBuilder } from './definition/pipeline-builder.js'
import type { ParamValue, Params, PipelineSpec } from './definition/pipeline-spec.js'
import { PipelineWorker, type WorkerOptions } from './distributed/pipeline-worker.js'
import type { StepQueue } from './distributed/step-queue.js'
import { PipelineCatalog } from './pipeline-catalog.js'
import { cancelRun } from './run/cancel-run.js'
import { executeLocally } from './run/local-executor.js'
import { reapExpired } from './run/reap-expired.js'
import { compareRuns, type RerunReport } from './run/rerun-report.js'
import { pipelineDb, type ExecutorDeps } from './run/run-context.js'
import { RunLoader } from './run/run-loader.js'
import { listRuns, readRunDetail, type PipelineRun, type RunDetail } from './run/run-reader.js'
import type { Dispatch } from './run/settle-step.js'
import { startRun, type Executor, type StartRun } from './run/start-run.js'
import { ScheduleService } from './schedule/schedule-service.js'
import { TRIGGER_EVENTS, TriggerService } from './schedule/trigger-service.js'

/** How to run a pipeline. */
export interface RunOptions {
  readonly params?: Readonly<Record<string, ParamValue>> | undefined
  /** Run every step even when a cached result matches. */
  readonly isNoCache?: boolean | undefined
  /** `local` (default): in this process; `distributed`: on `lathe worker` processes. */
  readonly executor?: Executor | undefined
  /** Local runs: steps at once (default 4). */
  readonly concurrency?: number | undefined
  readonly startedBy?: string | undefined
  readonly triggeredBy?: string | undefined
}

/** A run that has started; `done` resolves when it has ended, however it ended. */
export interface StartedRun {
  readonly runId: string
  readonly done: Promise<RunDetail>
}

/** The source recorded for pipelines defined in code. */
const INLINE = 'inline:'

/** The durable subscriber that feeds event triggers; keep the name stable. */
const TRIGGER_SUBSCRIBER = 'pipelines-triggers'

/** The pipelines context's services, built once by the composition root. */
export class Pipelines {
  readonly catalog: PipelineCatalog
  readonly schedules: ScheduleService
  readonly triggers: TriggerService
  readonly #deps: PipelinesDeps
  readonly #executor: ExecutorDeps
  readonly #loader: RunLoader
  readonly #localWorker = `local:${hostname()}:${process.pid}`
  readonly #inFlight = new Set<Promise<unknown>>()
  /** Local runs of this process, to stop their steps at once on cancel. */
  readonly #cancellers = new Map<string, AbortController>()
  #queue: Promise<StepQueue> | undefined
  #ticker: NodeJS.Timeout | undefined

  constructor(deps: PipelinesDeps) {
    this.#deps = deps
    this.#executor = {
      store: deps.store,
      artifacts: deps.artifacts,
      clock: deps.clock,
      services: deps.services,
      leaseMs: deps.leaseMs ?? 30_000,
    }
    this.#loader = new RunLoader(deps)
    this.catalog = new PipelineCatalog(deps)
    this.schedules = new ScheduleService(deps, this.catalog)
    this.triggers = new TriggerService(deps, this.catalog)
    // From the start, so no event is missed before the first poll; triggers ignore older events.
    deps.events.subscribe(TRIGGER_SUBSCRIBER, (event) => this.triggers.onEvent(event), {
      types: TRIGGER_EVENTS,
      fromStart: true,
    })
  }

  /**
   * Starts a run of a pipeline file (registering it), of a registered pipeline by name, or of a
   * pipeline defined in code (run in this process only: workers load pipelines from files).
   * @throws NotFoundError, InvalidParameterError for a bad file, pipeline or parameter
   */
  async run(
    target: string | PipelineBuilder<Params> | PipelineSpec,
    options: RunOptions = {},
  ): Promise<StartedRun> {
    const executor = options.executor ?? 'local'
    const { spec, source } = await this.#resolve(target)
    if (source.startsWith(INLINE) && executor !== 'local')
      throw new InvalidParameterError(
        `Pipeline '${spec.name}' is defined in code; workers run pipelines from files: pass its file path`,
      )
    return this.#start({ ...options, spec, source, executor }, options.concurrency)
  }

  /** Reruns a run from its record (same parameters and seed, no cache) and compares the outputs. */
  async rerun(
    runId: string,
    options: { executor?: Executor; isNoCache?: boolean } = {},
  ): Promise<{ runId: string; done: Promise<RerunReport> }> {
    const original = await this.status(runId)
    const spec = await loadPipeline(original.source)
    if (spec.name !== original.pipeline)
      throw new InvalidParameterError(
        `${original.source} now defines pipeline '${spec.name}', not '${original.pipeline}'`,
      )
    const started = await this.#start({
      spec,
      source: original.source,
      params: original.params,
      seed: original.repro.seed,
      executor: options.executor ?? (original.executor as Executor),
      isNoCache: options.isNoCache ?? true,
      startedBy: `rerun:${runId}`,
      rerunOf: runId,
    })
    return {
      runId: started.runId,
      done: started.done.then((detail) => compareRuns(original, detail)),
    }
  }

  runs(
    filter: { pipeline?: string; status?: string; limit?: number } = {},
  ): Promise<PipelineRun[]> {
    return listRuns(pipelineDb(this.#deps), filter)
  }

  /** A run with its steps, failures and inputs. @throws NotFoundError */
  status(runId: string): Promise<RunDetail> {
    return readRunDetail(pipelineDb(this.#deps), runId)
  }

  /** @throws NotFoundError, InvalidStateError when the run is over */
  async cancel(runId: string): Promise<void> {
    await cancelRun(this.#executor, runId)
    this.#cancellers.get(runId)?.abort()
  }

  /** A worker pulling steps of distributed runs; `start()` it. @throws InvalidParameterError without PostgreSQL */
  async worker(options: WorkerOptions = {}): Promise<PipelineWorker> {
    const deps = { ...this.#executor, leaseMs: options.leaseMs ?? this.#executor.leaseMs }
    return new PipelineWorker(deps, await this.#openQueue(), (id) => this.#loader.load(id), options)
  }

  /** Fires due schedules and triggers, and reaps steps whose runner died. What the ticker runs. */
  async tick(onError: (err: unknown) => void = () => {}): Promise<string[]> {
    const launch = (pipeline: string, o: RunOptions) => this.run(pipeline, o).then((r) => r.runId)
    const started = [
      ...(await this.schedules.fireDue(launch, onError)),
      ...(await this.triggers.fireDue(launch, onError)),
    ]
    await reapExpired(this.#executor, this.#dispatch('distributed')).catch(onError)
    return started
  }

  /** Ticks every `intervalMs` in the background (the server and workers do). */
  startBackground(intervalMs = 1000, onError?: (err: unknown) => void): void {
    this.#ticker ??= setInterval(() => void this.tick(onError).catch(onError), intervalMs)
    this.#ticker.unref()
  }

  /** Stops ticking, waits for local runs, closes the queue connection. */
  async close(): Promise<void> {
    clearInterval(this.#ticker)
    this.#ticker = undefined
    await Promise.allSettled(this.#inFlight)
    const queue = this.#queue
    this.#queue = undefined
    if (queue) await (await queue).close()
  }

  async #resolve(
    target: string | PipelineBuilder<Params> | PipelineSpec,
  ): Promise<{ spec: PipelineSpec; source: string }> {
    if (typeof target !== 'string') {
      const spec = target instanceof PipelineBuilder ? target.spec : checkPipeline(target)
      return { spec, source: `${INLINE}${spec.name}` }
    }
    if (isPipelineFile(target)) {
      const { spec, pipeline } = await this.catalog.register(target)
      return { spec, source: pipeline.source }
    }
    const registered = await this.catalog.get(target)
    return { spec: await loadPipeline(registered.source), source: registered.source }
  }

  async #start(input: StartRun, concurrency = 4): Promise<StartedRun> {
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new InvalidParameterError(
        `concurrency must be a whole number of at least 1, got ${concurrency}`,
      )
    if (input.executor === 'distributed') await this.#openQueue()
    const started = await startRun(this.#executor, input, this.#dispatch(input.executor))
    const cancelled = new AbortController()
    const run = { ...started.run, signal: cancelled.signal }
    const { ready } = started
    this.#loader.remember(run)
    const done =
      input.executor === 'local'
        ? executeLocally(this.#executor, run, ready, {
            concurrency,
            worker: this.#localWorker,
          }).then(() => this.status(run.runId))
        : this.#whenOver(run.runId)
    this.#inFlight.add(done)
    this.#cancellers.set(run.runId, cancelled)
    void done
      .catch(() => undefined)
      .finally(() => {
        this.#inFlight.delete(done)
        this.#cancellers.delete(run.runId)
      })
    return { runId: run.runId, done }
  }

  #dispatch(executor: Executor): Dispatch {
    if (executor === 'local') return async () => {}
    return async (trx, runId, steps) =>
      (await this.#openQueue()).enqueue(
        trx,
        steps.map((step) => ({ runId, step })),
      )
  }

  async #whenOver(runId: string): Promise<RunDetail> {
    for (;;) {
      const detail = await this.status(runId)
      if (detail.status !== 'running') return detail
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }

  #openQueue(): Promise<StepQueue> {
    const open = this.#deps.openQueue
    if (!open)
      return Promise.reject(
        new InvalidParameterError(
          'The distributed executor needs PostgreSQL: set LATHE_DATABASE_URL=postgres://…',
        ),
      )
    this.#queue ??= open()
    this.#queue.catch(() => (this.#queue = undefined))
    return this.#queue
  }
}

import { NotFoundError, UnavailableError } from '../shared/errors.js'
import { BatchScoring } from './batch-scoring.js'
import { followAliases } from './alias-follower.js'
import type { ServingDeps } from './deps.js'
import { DeploymentService } from './deployment-service.js'
import { tailDeployments } from './event-tail.js'
import { InferenceLog } from './inference-log.js'
import {
  dbLogSink,
  parquetLogSink,
  readLog,
  type LogQuery,
  type LoggedRequest,
} from './inference-log-sinks.js'
import { ModelCache } from './model-cache.js'
import { ReleaseController } from './release-controller.js'
import { ServingMetrics } from './serving-metrics.js'
import type { LiveDeployment } from './live-deployment.js'
import { ServingRuntime, type InferRequest, type InferResult } from './serving-runtime.js'
import { ModelWorker } from './model-worker.js'

/** Tuning of one serving process. */
export interface ServingOptions {
  /** Largest request body the endpoints read; larger ones get 413. Default 4 MiB. */
  readonly maxBodyBytes?: number
  /** How often the inference log is flushed. Default 1 s. */
  readonly logFlushMs?: number
  /** How long an unused version stays loaded (instant rollback). Default 30 s. */
  readonly unloadGraceMs?: number
  /** Scoring requests in flight at most; more are refused with 503. Default 1024. */
  readonly maxInFlight?: number
}

/**
 * The serving context, built once by the composition root: deployments and their releases, the
 * in-memory runtime behind the endpoints, the release controller, the inference log, metrics,
 * batch scoring. `start` makes this process serve (loads every deployment, follows changes).
 */
export class Serving {
  readonly deployments: DeploymentService
  readonly runtime: ServingRuntime
  readonly controller: ReleaseController
  readonly inferenceLog: InferenceLog
  readonly metrics: ServingMetrics
  readonly batch: BatchScoring
  readonly maxBodyBytes: number
  /** Deployments this process could not load, with why (readiness reports them). */
  readonly loadErrors = new Map<string, string>()
  /**
   * Scoring requests this process runs at once at most; one more is refused (503, retry later)
   * rather than queued, so an overloaded process sheds load instead of answering everyone late.
   */
  maxInFlight: number
  #inFlight = 0
  /** Deployments being (re)loaded here, which exist but cannot answer yet. */
  readonly #loading = new Set<string>()
  readonly #cache: ModelCache
  readonly #workers = { primary: new ModelWorker(), shadow: new ModelWorker() }
  #started: Promise<void> | undefined
  #serving = false

  constructor(
    private readonly deps: ServingDeps,
    options: ServingOptions = {},
  ) {
    this.maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024
    this.maxInFlight = options.maxInFlight ?? 1024
    this.#cache = new ModelCache(deps, {
      graceMs: options.unloadGraceMs,
      sessionsOnDemand: true,
      onUnload: (model, version) => {
        this.#workers.primary.unload(model, version)
        this.#workers.shadow.unload(model, version)
      },
    })
    this.metrics = new ServingMetrics()
    const sinks = { db: dbLogSink(deps.store), parquet: parquetLogSink(deps.artifacts) }
    this.inferenceLog = new InferenceLog(sinks, deps.clock, { flushIntervalMs: options.logFlushMs })
    this.runtime = new ServingRuntime(this.#cache, this.metrics, this.inferenceLog, this.#workers)
    this.deployments = new DeploymentService(deps, this.#cache, this.runtime)
    this.controller = new ReleaseController(this.runtime, this.deployments, deps.clock)
    this.batch = new BatchScoring(deps, this.#cache)
    followAliases(deps.events, this.deployments)
  }

  /**
   * Serves every deployment from this process: follows changes made elsewhere (through the
   * outbox), loads each one, and starts the release controller. Idempotent.
   */
  start(): Promise<void> {
    this.#started ??= (async () => {
      tailDeployments(this.deps.events, (name, created) => this.#reload(name, created))
      await this.deps.events.drain()
      for (const deployment of await this.deployments.list()) await this.#reload(deployment.name)
      this.controller.start()
      this.#serving = true
    })()
    return this.#started
  }

  /** Whether this process serves, with every deployment it knows of loaded. */
  ready(): boolean {
    return this.#serving && this.loadErrors.size === 0
  }

  /**
   * The live view of a deployment this process serves.
   * @throws NotFoundError when there is no such deployment; UnavailableError when it exists but
   * this process has not loaded it (starting, loading, or its model failed to load)
   */
  live(name: string): LiveDeployment {
    const live = this.runtime.get(name)
    if (live) return live
    const shown = name.slice(0, 100)
    const error = this.loadErrors.get(name)
    if (error !== undefined) {
      throw new UnavailableError(`Deployment '${shown}' is not loaded here: ${error}`)
    }
    if (this.#loading.has(name) || !this.#serving) {
      throw new UnavailableError(`Deployment '${shown}' is loading; retry shortly`)
    }
    throw new NotFoundError(`No deployment named '${shown}' is served here (see lathe deploy list)`)
  }

  /**
   * Scores a request on a deployment this process serves (see `ServingRuntime.infer`).
   * @throws NotFoundError, UnavailableError (not loaded, or `maxInFlight` requests running),
   * InvalidParameterError (bad input), ModelError
   */
  async infer(request: InferRequest): Promise<InferResult> {
    this.live(request.deployment)
    if (this.#inFlight >= this.maxInFlight) {
      this.metrics.reject(request.deployment)
      throw new UnavailableError(
        `Serving is overloaded: ${this.#inFlight} requests are running (at most ${this.maxInFlight}); retry shortly`,
      )
    }
    this.#inFlight++
    try {
      return await this.runtime.infer(request)
    } finally {
      this.#inFlight--
    }
  }

  /** The inference log of a deployment written to the metadata DB, oldest first. */
  readLog(query: LogQuery): Promise<LoggedRequest[]> {
    return readLog(this.deps.store, query)
  }

  /** Stops timers, writes what the log holds, unloads every model. */
  async close(): Promise<void> {
    this.controller.stop()
    await this.inferenceLog.close()
    await this.#workers.primary.close()
    await this.#workers.shadow.close()
    await this.#cache.close()
  }

  async #reload(name: string, created = false): Promise<void> {
    this.#loading.add(name)
    try {
      await this.deployments.reload(name, created)
      this.loadErrors.delete(name)
    } catch (err) {
      // One broken deployment must not stop the others; readiness and the log say why.
      this.loadErrors.set(name, err instanceof Error ? err.message : String(err))
    } finally {
      this.#loading.delete(name)
    }
  }
}

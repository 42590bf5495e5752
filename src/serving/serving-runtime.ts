import { InvalidParameterError, NotFoundError } from '../shared/errors.js'
import type { Deployment, ValidationPolicy } from './deployment.js'
import type { InferenceLog } from './inference-log.js'
import { buildLive, type LiveDeployment, type LiveVersion } from './live-deployment.js'
import { ModelError, type LoadedModel } from './loaded-model.js'
import type { ModelCache } from './model-cache.js'
import type { ModelOutputs } from './prediction-output.js'
import type { RawTable } from './raw-table.js'
import type { RuntimeGauges, ServingMetrics } from './serving-metrics.js'
import type { ModelWorker } from './model-worker.js'
import { runShadow, type ShadowLogger } from './shadow-runner.js'
import { routesToCanary } from './traffic.js'
import type { Protocol, Variant } from './version-series.js'

/** One scoring request, as the edge hands it over. */
export interface InferRequest {
  readonly deployment: string
  readonly table: RawTable
  readonly protocol: Protocol
  readonly requestId: string
  /** Reads a request header (for the sticky routing key). */
  readonly header: (name: string) => string | undefined
  /** A version the caller asked for by path (`/v2/models/d/versions/3/infer`). */
  readonly version?: number | undefined
}

/** The answer: which version answered, and its outputs. */
export interface InferResult {
  readonly version: number
  readonly variant: Variant
  readonly outputs: ModelOutputs
}

/** Where models run off the event loop: one worker for callers' requests, one for shadows. */
export interface ModelWorkers {
  readonly primary: ModelWorker
  readonly shadow: ModelWorker
}

/**
 * The deployments this process serves, in memory: no database read per request. Each is an
 * immutable view swapped whole when its state changes (`apply`), so swaps and reloads drop no
 * request; versions stay loaded until the requests on them finish.
 */
export class ServingRuntime {
  readonly #live = new Map<string, LiveDeployment>()
  readonly #applying = new Map<string, Promise<void>>()

  constructor(
    private readonly cache: ModelCache,
    private readonly metrics: ServingMetrics,
    private readonly log: InferenceLog,
    private readonly workers?: ModelWorkers,
  ) {}

  /** The live view of a deployment, if this process serves it. */
  get(name: string): LiveDeployment | undefined {
    return this.#live.get(name)
  }

  /** Every live deployment. */
  list(): LiveDeployment[] {
    return [...this.#live.values()]
  }

  /**
   * Loads what `spec` needs, then swaps it in with one Map write. Applies for one deployment run
   * one after another, and an older revision of the same deployment never replaces a newer one
   * (`force`, for a deployment created anew under an old name, skips that check).
   */
  apply(spec: Deployment, { force = false } = {}): Promise<void> {
    const previous = this.#applying.get(spec.name) ?? Promise.resolve()
    const next = previous.then(async () => {
      const current = this.#live.get(spec.name)
      // Same incarnation (a deleted and re-created deployment starts again at revision 1).
      const same = current?.spec.createdAtMs === spec.createdAtMs
      if (current && same && !force && current.spec.revision >= spec.revision) return
      const live = await buildLive(spec, this.cache, this.metrics, current?.shadow)
      for (const model of live.holds) this.cache.retain(model)
      this.#live.set(spec.name, live)
      for (const model of current?.holds ?? []) this.cache.release(model)
    })
    const settled = next.catch(() => {})
    this.#applying.set(spec.name, settled)
    void settled.then(() => {
      if (this.#applying.get(spec.name) === settled) this.#applying.delete(spec.name)
    })
    return next
  }

  /** Stops serving a deployment (its versions unload after the cache's grace period). */
  remove(name: string): void {
    const current = this.#live.get(name)
    this.#live.delete(name)
    for (const model of current?.holds ?? []) this.cache.release(model)
  }

  /**
   * Scores a request: routes it (canary by sticky key), validates it against that version's
   * signature, runs it, records metrics and the log, and copies it to a shadow off the hot path.
   * A canary that fails on valid input is counted against it and the stable version answers.
   * @throws NotFoundError, InvalidParameterError (bad input), ModelError
   */
  async infer(request: InferRequest): Promise<InferResult> {
    const live = this.#live.get(request.deployment)
    if (!live) {
      throw new NotFoundError(
        `No deployment named '${request.deployment}' is served here (see lathe deploy list)`,
      )
    }
    const chosen = this.#route(live, request)
    try {
      return await this.#score(live, chosen, request)
    } catch (err) {
      if (!(err instanceof ModelError) || chosen === live.stable || request.version !== undefined) {
        throw err
      }
      return this.#score(live, live.stable, request)
    }
  }

  /**
   * Checks a table against a version's signature and runs it on the primary model worker (in
   * process without one). Requests and release gates both run models through here.
   * @throws InvalidParameterError for bad input, ModelError when the model fails
   */
  predict(
    loaded: LoadedModel,
    table: RawTable,
    policy: ValidationPolicy,
    options: { stack?: boolean } = {},
  ): Promise<ModelOutputs> {
    return this.workers
      ? this.workers.primary.predict(loaded, table, policy, options)
      : loaded.predict(table, policy)
  }

  /** Gauges for `/metrics`. */
  gauges(): RuntimeGauges {
    const live = this.list()
    return {
      loaded: this.cache.loaded(),
      weights: live.flatMap((d) => {
        const stable = { deployment: d.spec.name, version: d.stable.loaded.version }
        if (d.mode !== 'canary' || !d.candidate) return [{ ...stable, weight: 100 }]
        const canary = { deployment: d.spec.name, version: d.candidate.loaded.version }
        return [
          { ...stable, weight: 100 - d.weight },
          { ...canary, weight: d.weight },
        ]
      }),
      shadows: live.flatMap((d) =>
        d.shadow ? [{ deployment: d.spec.name, ...d.shadow.summary.toJSON() }] : [],
      ),
      log: { written: this.log.written, dropped: this.log.dropped, failed: this.log.failed },
      workers: (['primary', 'shadow'] as const).map((role) => {
        const worker = this.workers?.[role]
        return {
          role,
          up: worker?.available() ?? false,
          ...(worker?.counts ?? { calls: 0, runs: 0 }),
        }
      }),
    }
  }

  #route(live: LiveDeployment, request: InferRequest): LiveVersion {
    if (request.version !== undefined) {
      if (request.version === live.stable.loaded.version) return live.stable
      if (live.candidate && request.version === live.candidate.loaded.version) return live.candidate
      throw new NotFoundError(
        `Deployment '${live.spec.name}' does not serve version ${request.version} (it serves ${live.stable.loaded.version})`,
      )
    }
    if (live.mode !== 'canary' || !live.candidate) return live.stable
    const { stickyHeader, stickyField } = live.spec.config.canary
    let key = request.header(stickyHeader)
    if (key === undefined && stickyField !== undefined && request.table.rows > 0) {
      const value = request.table.column(stickyField)?.(0)
      if (value !== undefined && value !== null) key = String(value)
    }
    return routesToCanary(key, live.weight) ? live.candidate : live.stable
  }

  async #score(
    live: LiveDeployment,
    target: LiveVersion,
    request: InferRequest,
  ): Promise<InferResult> {
    const { series, loaded } = target
    const started = performance.now()
    let outputs: ModelOutputs
    series.inFlight++
    try {
      const { validation, batching } = live.spec.config
      outputs = await this.predict(loaded, request.table, validation, { stack: batching })
    } catch (err) {
      const code = err instanceof InvalidParameterError ? 400 : 500
      series.record(request.protocol, code, (performance.now() - started) / 1000, 0)
      if (code === 500) this.#offer(live, target, request, undefined, performance.now() - started)
      throw err
    } finally {
      series.inFlight--
    }
    const latencyMs = performance.now() - started
    series.record(request.protocol, 200, latencyMs / 1000, request.table.rows)
    target.profile?.add(outputs.values().next().value)
    this.#offer(live, target, request, outputs, latencyMs)
    if (live.shadow && live.candidate && target === live.stable) {
      const log: ShadowLogger = (version, out, ms) => this.#offer(live, version, request, out, ms)
      runShadow(live, live.candidate, live.shadow, request, outputs, log, this.workers?.shadow)
    }
    return { version: loaded.version, variant: target.series.variant, outputs }
  }

  #offer(
    live: LiveDeployment,
    target: LiveVersion,
    request: InferRequest,
    outputs: ModelOutputs | undefined,
    latencyMs: number,
  ): void {
    this.log.offer({
      requestId: request.requestId,
      deployment: live.spec.name,
      version: target.loaded.version,
      variant: target.series.variant,
      timestampMs: this.log.now(),
      table: request.table,
      outputs,
      latencyMs,
      status: outputs ? 'ok' : 'error',
      policy: live.spec.config.logging,
      hashKey: `lathe-inference-log:${live.spec.name}`,
    })
  }
}

import type { LiveDeployment, LiveVersion, ShadowState } from './live-deployment.js'
import type { ModelOutputs } from './prediction-output.js'
import type { InferRequest } from './serving-runtime.js'
import type { ModelWorker } from './model-worker.js'

/** Logs a shadow answer (or its failure) beside the primary's, under the same request id. */
export type ShadowLogger = (
  target: LiveVersion,
  outputs: ModelOutputs | undefined,
  latencyMs: number,
) => void

/**
 * Copies a request to the shadow version after the caller's answer is on its way: sampled,
 * bounded (calls beyond `maxInFlight` are dropped, never queued), cut off after `timeoutMs`, and
 * run on the shadow's worker thread when there is one, so its model time is not the callers'.
 * Whatever the shadow does — slow, failing, throwing — the caller's answer is already decided.
 */
export function runShadow(
  live: LiveDeployment,
  shadow: LiveVersion,
  state: ShadowState,
  request: InferRequest,
  primary: ModelOutputs,
  log: ShadowLogger,
  worker?: ModelWorker,
): void {
  const plan = live.spec.config.shadow
  if (plan.sampleRate < 1 && Math.random() >= plan.sampleRate) return
  if (state.inFlight >= plan.maxInFlight) {
    state.summary.dropped++
    return
  }
  state.inFlight++
  setImmediate(() => void mirror(live, shadow, state, request, primary, log, worker))
}

async function mirror(
  live: LiveDeployment,
  shadow: LiveVersion,
  state: ShadowState,
  request: InferRequest,
  primary: ModelOutputs,
  log: ShadowLogger,
  worker: ModelWorker | undefined,
): Promise<void> {
  const { summary } = state
  const started = performance.now()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    summary.timeouts++
  }, live.spec.config.shadow.timeoutMs)
  shadow.series.inFlight++
  try {
    const policy = live.spec.config.validation
    const outputs = worker
      ? await worker.predict(shadow.loaded, request.table, policy, {
          stack: live.spec.config.batching,
        })
      : await shadow.loaded.predict(request.table, policy)
    const ms = performance.now() - started
    shadow.series.record(request.protocol, 200, ms / 1000, request.table.rows)
    shadow.profile?.add(outputs.values().next().value)
    if (!timedOut) summary.compare(primary, outputs)
    log(shadow, outputs, ms)
  } catch {
    // The shadow's failure is its own: counted and logged, never seen by the caller.
    const ms = performance.now() - started
    summary.errors++
    shadow.series.record(request.protocol, 500, ms / 1000, 0)
    log(shadow, undefined, ms)
  } finally {
    clearTimeout(timer)
    shadow.series.inFlight--
    state.inFlight--
  }
}

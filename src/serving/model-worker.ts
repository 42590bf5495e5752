import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import * as ort from 'onnxruntime-node'
import type { ValidationPolicy } from './deployment.js'
import { ModelError, type LoadedModel } from './loaded-model.js'
import type { ModelOutputs } from './prediction-output.js'
import type { RawTable } from './raw-table.js'
import { splitOutputs, stackFeeds, type TensorData, type Tensors } from './feed-batch.js'

// Plain CommonJS, evaluated in the worker, so it runs the same from sources, tests and builds.
// A message carries runs (one per model, requests stacked); the reply has a result per run.
const WORKER = `
const { parentPort } = require('node:worker_threads')
const ort = require(require('node:worker_threads').workerData.ortPath)
const sessions = new Map()
async function run(r) {
  try {
    const session = await sessions.get(r.key)
    const feeds = {}
    for (const name in r.feeds) {
      const f = r.feeds[name]
      feeds[name] = new ort.Tensor(f.type, f.data, f.dims)
    }
    const out = await session.run(feeds, r.fetches)
    const outputs = {}
    for (const n of r.fetches) if (out[n]) outputs[n] = { type: out[n].type, dims: out[n].dims, data: out[n].data }
    return { outputs }
  } catch (err) {
    return { error: String((err && err.message) || err) }
  }
}
parentPort.on('message', async (m) => {
  if (m.op === 'load') {
    const loading = ort.InferenceSession.create(m.bytes, { intraOpNumThreads: 1, logSeverityLevel: 4 })
    loading.catch(() => {})
    sessions.set(m.key, loading)
  } else if (m.op === 'unload') {
    const loading = sessions.get(m.key)
    sessions.delete(m.key)
    if (loading) loading.then((s) => s.release()).catch(() => {})
  } else {
    const results = []
    for (const r of m.runs) results.push(await run(r))
    parentPort.postMessage({ id: m.id, results })
  }
})
`

/** What became of one run: its outputs, the model's failure, or the worker died first. */
type Result = { readonly outputs: Tensors } | { readonly error: string } | { readonly lost: true }

interface Call {
  readonly key: string
  readonly fetches: readonly string[]
  readonly feeds: Tensors
  /** Run by itself: batching is off, or it failed (or could not be cut out) in a stacked run. */
  readonly alone: boolean
  readonly resolve: (result: Result) => void
}

/**
 * A worker thread with its own onnxruntime sessions. onnxruntime-node runs a session on the
 * calling thread, so a model's time on the event loop would hold up every other request (and a
 * large batch all of them); here the event loop only parses, validates and answers, and the
 * model runs beside it on another core. Primaries and shadows each get one, so a slow shadow
 * never queues ahead of a caller's request.
 *
 * One message is in flight at a time. Calls arriving meanwhile wait, and go in the next message
 * with the requests to the same version stacked into one run (dynamic batching): no call waits
 * for a timer, and under load the batches grow by themselves. When the worker cannot start or
 * dies, calls run on the main thread instead (`available()` turns false); none is lost.
 */
export class ModelWorker {
  #worker: Worker | undefined
  #broken = false
  #nextId = 0
  #busy = false
  readonly #queue: Call[] = []
  /** Per message in flight, what to do with each run's result. */
  readonly #pending = new Map<number, ((result: Result) => void)[]>()
  /** Versions loaded in the worker, by `model/version`. */
  readonly #loaded = new Set<string>()
  /** Calls sent to the worker, and model runs they took (fewer when stacked). */
  readonly counts = { calls: 0, runs: 0 }

  /** @param script the worker's source (tests give one that dies, to show nothing is lost) */
  constructor(private readonly script = WORKER) {}

  /** Whether calls run on the worker thread. */
  available(): boolean {
    return !this.#broken
  }

  /**
   * Checks the table against the version's signature, then runs the model on the worker (or
   * here, when the worker is gone); `stack: false` keeps the call out of stacked runs.
   * @throws InvalidParameterError for bad input, ModelError when the model fails
   */
  async predict(
    loaded: LoadedModel,
    table: RawTable,
    policy: ValidationPolicy,
    { stack = true } = {},
  ): Promise<ModelOutputs> {
    if (this.#broken) return loaded.predict(table, policy)
    const feeds: Record<string, TensorData> = {}
    for (const [name, t] of Object.entries(loaded.feeds(table, policy))) {
      feeds[name] = { type: t.type, dims: t.dims, data: t.data }
    }
    loaded.inFlight++
    let result: Result
    try {
      result = await this.#submit(loaded, feeds, !stack)
    } finally {
      loaded.inFlight--
    }
    if ('lost' in result) return loaded.predict(table, policy)
    if ('error' in result) {
      throw new ModelError(
        loaded.version,
        `Model version ${loaded.version} failed: ${result.error}`,
      )
    }
    const outputs = new Map<string, ort.Tensor>()
    for (const [name, o] of Object.entries(result.outputs)) {
      outputs.set(name, new ort.Tensor(o.type, o.data as Float64Array, [...o.dims]))
    }
    return outputs
  }

  /** Frees the worker's session of a version the cache has unloaded. */
  unload(model: string, version: number): void {
    const key = `${model}/${version}`
    if (!this.#loaded.delete(key)) return
    this.#worker?.postMessage({ op: 'unload', key })
  }

  /** Versions whose sessions the worker holds. */
  loadedVersions(): string[] {
    return [...this.#loaded]
  }

  /** Stops the worker; calls still waiting run on the main thread. */
  async close(): Promise<void> {
    const worker = this.#worker
    this.#lose()
    this.#broken = false
    if (worker) await worker.terminate()
  }

  #submit(loaded: LoadedModel, feeds: Tensors, alone: boolean): Promise<Result> {
    const worker = this.#start()
    const key = `${loaded.model}/${loaded.version}`
    if (!this.#loaded.has(key)) {
      worker.postMessage({ op: 'load', key, bytes: loaded.bytes })
      this.#loaded.add(key)
    }
    this.counts.calls++
    return new Promise<Result>((resolve) => {
      this.#queue.push({ key, fetches: loaded.outputNames, feeds, alone, resolve })
      this.#pump()
    })
  }

  /** Sends every waiting call in one message, stacked by version, unless one is in flight. */
  #pump(): void {
    const worker = this.#worker
    if (this.#busy || this.#queue.length === 0 || !worker) return
    const runs: { key: string; fetches: readonly string[]; feeds: Tensors }[] = []
    const settle: ((result: Result) => void)[] = []
    const alone = (call: Call) => {
      runs.push({ key: call.key, fetches: call.fetches, feeds: call.feeds })
      settle.push(call.resolve)
    }
    const byKey = new Map<string, Call[]>()
    for (const call of this.#queue.splice(0)) {
      const group = byKey.get(call.key)
      if (call.alone) alone(call)
      else if (group) group.push(call)
      else byKey.set(call.key, [call])
    }
    for (const calls of byKey.values()) {
      const stacked = calls.length > 1 ? stackFeeds(calls.map((c) => c.feeds)) : undefined
      if (!stacked) {
        calls.forEach(alone)
        continue
      }
      runs.push({ key: calls[0]!.key, fetches: calls[0]!.fetches, feeds: stacked.feeds })
      settle.push((result) => this.#unstack(calls, stacked.rows, result))
    }
    const id = this.#nextId++
    this.counts.runs += runs.length
    this.#busy = true
    this.#pending.set(id, settle)
    worker.postMessage({ op: 'run', id, runs })
  }

  /**
   * Hands each stacked call its rows. When the run failed, or its outputs are not one row per
   * input row, the calls run again one by one: a failure is then its own call's alone.
   */
  #unstack(calls: readonly Call[], rows: readonly number[], result: Result): void {
    const parts = 'outputs' in result ? splitOutputs(result.outputs, rows) : undefined
    if (parts) calls.forEach((call, i) => call.resolve({ outputs: parts[i]! }))
    else if ('lost' in result) for (const call of calls) call.resolve(result)
    else this.#queue.unshift(...calls.map((call) => ({ ...call, alone: true })))
  }

  #start(): Worker {
    if (this.#worker) return this.#worker
    const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node')
    const worker = new Worker(this.script, { eval: true, workerData: { ortPath } })
    worker.unref()
    worker.on('message', (reply: { id: number; results: Result[] }) => {
      const settle = this.#pending.get(reply.id)
      this.#pending.delete(reply.id)
      this.#busy = false
      reply.results.forEach((result, i) => settle?.[i]?.(result))
      this.#pump()
    })
    worker.on('error', () => this.#fail(worker))
    worker.on('exit', () => this.#fail(worker))
    this.#worker = worker
    return worker
  }

  #fail(worker: Worker): void {
    if (this.#worker !== worker) return
    this.#broken = true
    this.#lose()
  }

  /** Forgets the worker: every call waiting on it is told it was lost. */
  #lose(): void {
    this.#worker = undefined
    this.#busy = false
    this.#loaded.clear()
    const pending = [...this.#pending.values()]
    this.#pending.clear()
    for (const settle of pending.flat()) settle({ lost: true })
    for (const call of this.#queue.splice(0)) call.resolve({ lost: true })
  }
}

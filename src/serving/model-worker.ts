import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import * as ort from 'onnxruntime-node'
import type { ValidationPolicy } from './deployment.js'
import { ModelError, type LoadedModel } from './loaded-model.js'
import type { ModelOutputs } from './prediction-output.js'
import type { RawTable } from './raw-table.js'

// Plain CommonJS, evaluated in the worker, so it runs the same from sources, tests and builds.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const ort = require(workerData.ortPath)
const sessions = new Map()
parentPort.on('message', async (m) => {
  if (m.op === 'load') {
    const loading = ort.InferenceSession.create(m.bytes, { intraOpNumThreads: 1, logSeverityLevel: 4 })
    loading.catch(() => {})
    sessions.set(m.key, loading)
    return
  }
  if (m.op === 'unload') {
    const loading = sessions.get(m.key)
    sessions.delete(m.key)
    if (loading) loading.then((s) => s.release()).catch(() => {})
    return
  }
  try {
    const session = await sessions.get(m.key)
    const feeds = {}
    for (const f of m.feeds) feeds[f.name] = new ort.Tensor(f.type, f.data, f.dims)
    const out = await session.run(feeds, m.fetches)
    const outputs = m.fetches.filter((n) => out[n]).map((n) => ({ name: n, type: out[n].type, dims: out[n].dims, data: out[n].data }))
    parentPort.postMessage({ id: m.id, outputs })
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String((err && err.message) || err) })
  }
})
`

interface Wire {
  readonly name: string
  readonly type: ort.Tensor.Type
  readonly dims: readonly number[]
  readonly data: ort.Tensor.DataType
}

interface Reply {
  readonly id: number
  readonly outputs?: Wire[]
  /** The model failed on these feeds. */
  readonly error?: string
  /** The worker is gone; the call never ran. */
  readonly lost?: true
}

/**
 * A worker thread with its own onnxruntime sessions. onnxruntime-node runs a session on the
 * calling thread, so a model's time on the event loop would hold up every other request (and a
 * large batch all of them); here the event loop only parses, validates and answers, and the
 * model runs beside it on another core. Primaries and shadows each get one, so a slow shadow
 * never queues ahead of a caller's request. When the worker cannot start or dies, calls run on
 * the main thread instead (`available()` turns false); none is lost.
 */
export class ModelWorker {
  #worker: Worker | undefined
  #broken = false
  #nextId = 0
  readonly #pending = new Map<number, (reply: Reply) => void>()
  /** Versions loaded in the worker, by `model/version`. */
  readonly #loaded = new Set<string>()

  /** @param script the worker's source (tests give one that dies, to show nothing is lost) */
  constructor(private readonly script = WORKER) {}

  /** Whether calls run on the worker thread. */
  available(): boolean {
    return !this.#broken
  }

  /**
   * Checks the table against the version's signature, then runs the model on the worker (or
   * here, when the worker is gone).
   * @throws InvalidParameterError for bad input, ModelError when the model fails
   */
  async predict(
    loaded: LoadedModel,
    table: RawTable,
    policy: ValidationPolicy,
  ): Promise<ModelOutputs> {
    if (this.#broken) return loaded.predict(table, policy)
    const feeds = loaded.feeds(table, policy)
    loaded.inFlight++
    let reply: Reply
    try {
      reply = await this.#call(loaded, feeds)
    } finally {
      loaded.inFlight--
    }
    if (reply.lost) return loaded.predict(table, policy)
    if (reply.error !== undefined) {
      throw new ModelError(loaded.version, `Model version ${loaded.version} failed: ${reply.error}`)
    }
    const outputs = new Map<string, ort.Tensor>()
    for (const o of reply.outputs ?? []) {
      outputs.set(o.name, new ort.Tensor(o.type, o.data as Float64Array, [...o.dims]))
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

  /** Stops the worker. */
  async close(): Promise<void> {
    const worker = this.#worker
    this.#worker = undefined
    this.#loaded.clear()
    if (worker) await worker.terminate()
  }

  #call(loaded: LoadedModel, feeds: Record<string, ort.Tensor>): Promise<Reply> {
    const worker = this.#start()
    const key = `${loaded.model}/${loaded.version}`
    if (!this.#loaded.has(key)) {
      worker.postMessage({ op: 'load', key, bytes: loaded.bytes })
      this.#loaded.add(key)
    }
    const id = this.#nextId++
    const wire: Wire[] = []
    for (const name in feeds) {
      const t = feeds[name]!
      wire.push({ name, type: t.type, dims: t.dims, data: t.data })
    }
    return new Promise<Reply>((resolve) => {
      this.#pending.set(id, resolve)
      worker.postMessage({ op: 'run', id, key, feeds: wire, fetches: loaded.outputNames })
    })
  }

  #start(): Worker {
    if (this.#worker) return this.#worker
    const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node')
    const worker = new Worker(this.script, { eval: true, workerData: { ortPath } })
    worker.unref()
    worker.on('message', (reply: Reply) => {
      this.#pending.get(reply.id)?.(reply)
      this.#pending.delete(reply.id)
    })
    const fail = () => {
      this.#broken = true
      this.#worker = undefined
      this.#loaded.clear()
      for (const [id, resolve] of this.#pending) resolve({ id, lost: true })
      this.#pending.clear()
    }
    worker.on('error', fail)
    worker.on('exit', () => {
      if (this.#worker === worker) fail()
    })
    this.#worker = worker
    return worker
  }
}
